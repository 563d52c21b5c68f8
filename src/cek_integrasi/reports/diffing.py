"""Compare two JSON reports: which findings are new, fixed or unchanged.

A finding is identified by the dossier's code, the rule and what it is about (its `subject`:
'desa', 'ba:<id>', 'tahap:<code>', ...), never by its position, so reordered or re-run dossiers
compare as a supervisor expects between two screening rounds.
"""

from __future__ import annotations

from pathlib import Path

from pydantic import BaseModel, ValidationError

from ..dossiers.reading import open_regular
from ..errors import InputError
from ..evaluation.results import DossierResult, Finding, Report

Key = tuple[str, str, str]


class Change(BaseModel):
    """One finding and how it stands between two runs."""

    code: str
    name: str
    rule: str
    subject: str
    place: str | None = None  # where, in the reader's words (the finding's place)
    severity: str
    message: str
    old_state: str | None
    new_state: str | None


class ReportDiff(BaseModel):
    old: str
    new: str
    new_findings: list[Change]
    fixed: list[Change]
    unchanged: list[Change]


def read_report(path: Path) -> Report:
    """A JSON report written by `check --format json`, or InputError naming the file."""
    with open_regular(path) as handle:  # missing, unreadable or not a regular file: InputError
        raw = handle.read()
    try:
        return Report.model_validate_json(raw)
    except ValidationError as exc:
        first = exc.errors()[0]
        where = ".".join(str(p) for p in first["loc"])
        raise InputError(path, where, "bukan_laporan", detail=first["msg"]) from None


def _index(dossiers: list[DossierResult]) -> dict[Key, tuple[str, Finding]]:
    return {(d.code, f.rule, f.subject): (d.name, f) for d in dossiers for f in d.findings}


def diff_reports(old_path: Path, new_path: Path) -> ReportDiff:
    return compare(str(old_path), read_report(old_path).dossiers, str(new_path), read_report(new_path).dossiers)


def compare(old_name: str, old_dossiers: list[DossierResult], new_name: str, new_dossiers: list[DossierResult]) -> ReportDiff:
    """The findings new, fixed and unchanged between two sets of results (two runs, two versions)."""
    old, new = _index(old_dossiers), _index(new_dossiers)

    def change(key: Key) -> Change:
        name, finding = new.get(key) or old[key]
        return Change(
            code=key[0], name=name, rule=key[1], subject=key[2], place=finding.place,
            severity=finding.severity, message=finding.message,
            old_state=old[key][1].state if key in old else None,
            new_state=new[key][1].state if key in new else None,
        )

    return ReportDiff(
        old=old_name,
        new=new_name,
        new_findings=[change(k) for k in sorted(new.keys() - old.keys())],
        fixed=[change(k) for k in sorted(old.keys() - new.keys())],
        unchanged=[change(k) for k in sorted(old.keys() & new.keys())],
    )
