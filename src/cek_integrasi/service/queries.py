"""What the dashboard reads from the store: always the latest version of each dossier, within a scope.

`scope` is a set of kecamatan codes, or None for the whole store (see access.Principal.scope).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from sqlalchemy import Row, Select, func, select
from sqlalchemy.orm import Session

from ..evaluation.results import UNMET, DossierResult
from .store import Kecamatan, StoredFinding, Subject, Submission

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


def _in_scope(query: Select, column, scope: frozenset[str] | None) -> Select:
    return query if scope is None else query.where(column.in_(sorted(scope)))


def latest(scope: frozenset[str] | None) -> Select:
    """(Subject, Submission) of every dossier in scope, at its latest version."""
    query = select(Subject, Submission).join(Submission, Submission.id == Subject.latest_id)
    return _in_scope(query, Subject.kecamatan, scope)


def kecamatan_rows(db: Session, scope: frozenset[str] | None) -> list[KecamatanRow]:
    """Each kecamatan in scope with its villages counted at their latest version."""
    desa = Subject.kind == "desa"
    query = (
        select(
            Kecamatan.kode, Kecamatan.nama, Kecamatan.kabupaten,
            func.count(Subject.code).filter(desa),
            func.count(Subject.code).filter(desa, Submission.errors == 0),
            func.coalesce(func.sum(Submission.errors), 0), func.coalesce(func.sum(Submission.warnings), 0),
        )
        .select_from(Kecamatan)
        .outerjoin(Subject, Subject.kecamatan == Kecamatan.kode)
        .outerjoin(Submission, Submission.id == Subject.latest_id)
        .group_by(Kecamatan.kode, Kecamatan.nama, Kecamatan.kabupaten)
        .order_by(Kecamatan.kabupaten, Kecamatan.nama)
    )
    return [KecamatanRow(*row) for row in db.execute(_in_scope(query, Kecamatan.kode, scope))]


def filtered(db: Session, scope: frozenset[str] | None, filters: Filters, limit: int = 500) -> list[Row]:
    """The latest dossiers in scope that match the filters, by kecamatan and code: the columns a list shows."""
    query = (
        select(Subject.code, Subject.name, Subject.kind, Submission.verdict, Submission.errors, Submission.warnings,
               Submission.version, Submission.submitted_at)
        .join(Submission, Submission.id == Subject.latest_id)
    )
    query = _in_scope(query, Subject.kecamatan, scope)
    if filters.kecamatan:
        query = query.where(Subject.kecamatan == filters.kecamatan)
    if filters.verdict:
        query = query.where(Submission.verdict == filters.verdict)
    if filters.rule or filters.severity:  # a correlated EXISTS: the findings of each candidate only, by index
        finding = select(StoredFinding.id).where(StoredFinding.submission_id == Submission.id, StoredFinding.state.in_(UNMET))
        if filters.rule:
            finding = finding.where(StoredFinding.rule == filters.rule)
        if filters.severity:
            finding = finding.where(StoredFinding.severity == filters.severity)
        query = query.where(finding.exists())
    return list(db.execute(query.order_by(Subject.kecamatan, Subject.code).limit(limit)))


def results(rows: Iterable[tuple[Subject, Submission]], lang: str) -> list[DossierResult]:
    return [DossierResult.model_validate_json(submission.result(lang)) for _, submission in rows]
