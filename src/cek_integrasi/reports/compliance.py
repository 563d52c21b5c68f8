"""Compliance figures a supervisor reads from a Report: per village, per kecamatan, per rule and family.

A rule counts as *applicable* to a dossier when it was judged (pass, fail, waived or error);
pending and not-applicable rules are not counted. Errors and warnings are the failed findings
that are not waived; a village is compliant when it has no error left.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field

from ..evaluation.results import UNMET, DossierResult, Report

JUDGED = ("pass", "fail", "waived", "error")
INTEGRATION_PACK = "pti"  # a report whose dossiers this pack judged is titled for PNPM-MPd integration


@dataclass
class DossierFigures:
    result: DossierResult
    errors: int
    warnings: int
    waived: int
    passed: int
    applicable: int

    @property
    def percent(self) -> int:
        return round(100 * self.passed / self.applicable) if self.applicable else 100

    @property
    def compliant(self) -> bool:
        return self.errors == 0


@dataclass
class KecamatanFigures:
    name: str
    dossiers: list[DossierFigures] = field(default_factory=list)

    @property
    def villages(self) -> list[DossierFigures]:
        return [d for d in self.dossiers if d.result.kind == "desa"]

    @property
    def compliant(self) -> int:
        return sum(1 for d in self.villages if d.compliant)

    @property
    def errors(self) -> int:
        return sum(d.errors for d in self.dossiers)

    @property
    def warnings(self) -> int:
        return sum(d.warnings for d in self.dossiers)

    @property
    def compliant_percent(self) -> int:
        """Share of the villages without an error (what the kecamatan chart shows)."""
        return round(100 * self.compliant / len(self.villages)) if self.villages else 100

    @property
    def percent(self) -> int:
        applicable = sum(d.applicable for d in self.dossiers)
        return round(100 * sum(d.passed for d in self.dossiers) / applicable) if applicable else 100


@dataclass
class FrequentFinding:
    rule: str
    title: str
    reference: str
    severity: str
    count: int
    dossiers: int


@dataclass
class Compliance:
    title_key: str  # catalogue key of the report's title
    kabupaten: list[str]
    dossiers: list[DossierFigures]
    kecamatan: list[KecamatanFigures]
    frequent: list[FrequentFinding]
    by_family: dict[str, int]


def figures(result: DossierResult) -> DossierFigures:
    failed = [f for f in result.findings if f.state in UNMET]
    return DossierFigures(
        result=result,
        errors=sum(1 for f in failed if f.severity == "error"),
        warnings=sum(1 for f in failed if f.severity == "warning"),
        waived=sum(1 for f in result.findings if f.state == "waived"),
        passed=sum(1 for s in result.results.values() if s == "pass"),
        applicable=sum(1 for s in result.results.values() if s in JUDGED),
    )


def summarize(report: Report, top: int = 10) -> Compliance:
    dossiers = [figures(r) for r in report.dossiers]
    by_kecamatan: dict[str, KecamatanFigures] = {}
    for d in dossiers:
        by_kecamatan.setdefault(d.result.kecamatan, KecamatanFigures(d.result.kecamatan)).dossiers.append(d)
    failed = [(r, f) for r in report.dossiers for f in r.findings if f.state in UNMET]
    counts = Counter(f.rule for _, f in failed)
    first = {f.rule: f for _, f in failed}
    frequent = [
        FrequentFinding(
            rule=rule, title=first[rule].title, reference=first[rule].reference, severity=first[rule].severity,
            count=count, dossiers=len({r.file for r, f in failed if f.rule == rule}),
        )
        for rule, count in sorted(counts.items(), key=lambda item: (-item[1], item[0]))[:top]
    ]
    families = Counter(f.rule.split("-")[0] for _, f in failed)
    judged_by = {p["id"] for p in report.judging_packs()}
    return Compliance(
        title_key="report.title" if judged_by <= {INTEGRATION_PACK} else "report.title_general",
        kabupaten=sorted({r.kabupaten for r in report.dossiers}),
        dossiers=dossiers,
        kecamatan=sorted(by_kecamatan.values(), key=lambda k: k.name),
        frequent=frequent,
        by_family=dict(sorted(families.items(), key=lambda item: (-item[1], item[0]))),
    )
