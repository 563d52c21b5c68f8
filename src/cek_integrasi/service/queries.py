"""What the dashboard reads from the store: always the latest version of each dossier, within a scope.

`scope` is a set of kecamatan codes, or None for the whole store (scoping.py).
"""

from __future__ import annotations

import dataclasses
import functools
from collections.abc import Iterable
from dataclasses import dataclass

from sqlalchemy import Connection, Row, Select, bindparam, func, select
from sqlalchemy.orm import Session

from ..evaluation.results import UNMET, DossierResult
from ..packs.rulepack import RulePack
from .rendering import result_in
from .scoping import limited, run_scoped, scoped_statements
from .store import Kecamatan, ReviewStep, StoredFinding, Subject, Submission

VERDICTS = ("WAJIB", "BELUM_MEMENUHI", "BUKAN_PARTISIPAN")
SEVERITIES = ("error", "warning", "info")


@dataclass
class Filters:
    kecamatan: str | None = None
    rule: str | None = None
    severity: str | None = None
    verdict: str | None = None

    @classmethod
    def of(cls, args) -> "Filters":
        severity = args.get("tingkat") or None
        verdict = args.get("status") or None
        return cls(
            kecamatan=args.get("kecamatan") or None,
            rule=(args.get("aturan") or "").strip().upper() or None,
            severity=severity if severity in SEVERITIES else None,
            verdict=verdict if verdict in VERDICTS else None,
        )

    @property
    def any(self) -> bool:
        return any((self.kecamatan, self.rule, self.severity, self.verdict))


@dataclass
class KecamatanRow:
    kode: str
    nama: str
    kabupaten: str
    villages: int
    compliant: int
    errors: int
    warnings: int


def latest(scope: frozenset[str] | None) -> Select:
    """(Subject, Submission) of every dossier in scope, at its latest version."""
    query = select(Subject, Submission).join(Submission, Submission.id == Subject.latest_id)
    return limited(query, Subject.kecamatan, scope)


_DESA = Subject.kind == "desa"
_KECAMATAN_ROWS = scoped_statements(
    select(
        Kecamatan.kode, Kecamatan.nama, Kecamatan.kabupaten,
        func.count(Subject.code).filter(_DESA),
        func.count(Subject.code).filter(_DESA, Submission.errors == 0),
        func.coalesce(func.sum(Submission.errors), 0), func.coalesce(func.sum(Submission.warnings), 0),
    )
    .select_from(Kecamatan)
    .outerjoin(Subject, Subject.kecamatan == Kecamatan.kode)
    .outerjoin(Submission, Submission.id == Subject.latest_id)
    .group_by(Kecamatan.kode, Kecamatan.nama, Kecamatan.kabupaten)
    .order_by(Kecamatan.kabupaten, Kecamatan.nama),
    Kecamatan.kode,
)


def kecamatan_rows(db: Session | Connection, scope: frozenset[str] | None) -> list[KecamatanRow]:
    """Each kecamatan in scope with its villages counted at their latest version."""
    return [KecamatanRow(*row) for row in run_scoped(db, _KECAMATAN_ROWS, scope)]


@functools.cache
def _filtered(kecamatan: bool, verdict: bool, rule: bool, severity: bool) -> dict[bool, Select]:
    """The statement of `filtered` for the filters given (their values are parameters), built once per combination."""
    query = (
        select(Subject.code, Subject.name, Subject.kind, Submission.verdict, Submission.errors, Submission.warnings,
               Submission.version, Submission.submitted_at)
        .join(Submission, Submission.id == Subject.latest_id)
    )
    if kecamatan:
        query = query.where(Subject.kecamatan == bindparam("kecamatan"))
    if verdict:
        query = query.where(Submission.verdict == bindparam("verdict"))
    if rule or severity:  # a correlated EXISTS: the findings of each candidate only, by index
        finding = select(StoredFinding.id).where(StoredFinding.submission_id == Submission.id, StoredFinding.state.in_(UNMET))
        if rule:
            finding = finding.where(StoredFinding.rule == bindparam("rule"))
        if severity:
            finding = finding.where(StoredFinding.severity == bindparam("severity"))
        query = query.where(finding.exists())
    return scoped_statements(query.order_by(Subject.kecamatan, Subject.code).limit(bindparam("limit")), Subject.kecamatan)


def filtered(db: Session | Connection, scope: frozenset[str] | None, filters: Filters, limit: int = 500) -> list[Row]:
    """The latest dossiers in scope that match the filters, by kecamatan and code: the columns a list shows."""
    given = {name: value for name, value in dataclasses.asdict(filters).items() if value}
    built = _filtered(*(name in given for name in ("kecamatan", "verdict", "rule", "severity")))
    return list(run_scoped(db, built, scope, limit=limit, **given))


_LAST_STEP = select(ReviewStep.code, func.max(ReviewStep.id).label("id")).group_by(ReviewStep.code).subquery()
_IN_STATUS = scoped_statements(  # a dossier's review status: its last step's, if taken on its latest version (review.py)
    select(Subject.code, Subject.name, ReviewStep.status_after.label("status"), Subject.versions)
    .join(_LAST_STEP, _LAST_STEP.c.code == Subject.code).join(ReviewStep, ReviewStep.id == _LAST_STEP.c.id)
    .where(ReviewStep.version == Subject.versions, ReviewStep.status_after.in_(bindparam("statuses", expanding=True)))
    .order_by(Subject.kecamatan, Subject.code).limit(200),
    Subject.kecamatan,
)


def in_review_status(db: Session | Connection, scope: frozenset[str] | None, statuses: Iterable[str]) -> list[Row]:
    """The dossiers in scope whose review is in one of these statuses (at most 200): what waits for someone."""
    return list(run_scoped(db, _IN_STATUS, scope, statuses=list(statuses)))


def results(rows: Iterable[tuple[Subject, Submission]], packs: list[RulePack], lang: str) -> list[DossierResult]:
    """The stored results of these versions, rendered in `lang`."""
    return [result_in(submission.result, packs, lang) for _, submission in rows]
