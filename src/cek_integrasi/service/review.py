"""The review of a dossier: its status, each document judged against its evidence, notes on findings.

A dossier's status moves draf -> diajukan -> ditinjau -> dikembalikan (with a note) or diterima. The
facilitator of its kecamatan (or an admin) submits it for review (ajukan) from draf or after it was
returned; a supervisor who sees it (or an admin) reviews it: judging a document starts the review
(ditinjau), then the dossier is returned (kembalikan, a note is required) or accepted (terima). The
status is the one after the dossier's last step if that step was taken on its latest version: a new
version starts again as draf. Every step names the version it was taken on and is refused when a newer
one has arrived meanwhile; each is one transaction with a line in the audit log.

A document's evidence state (`state`): terverifikasi (a reviewer matched it to its evidence, and no
newer evidence came since), tidak_sesuai (a reviewer found it does not match), bukti_ada (evidence,
not yet reviewed), tanpa_bukti (no evidence).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from ..dossiers.documents import DocumentFacts
from ..packs.rulepack import EvidenceNeed, RulePack
from .scoping import Principal
from . import audit_log
from .store import DocumentReview, Evidence, FindingNote, ReviewStep, Store, StoredFinding, Subject

STATUSES = ("draf", "diajukan", "ditinjau", "dikembalikan", "diterima")
UNDER_REVIEW = ("diajukan", "ditinjau")
VERDICTS = ("sesuai", "tidak_sesuai")
STATES = ("terverifikasi", "bukti_ada", "tanpa_bukti", "tidak_sesuai")
NOTE_LENGTH = 2000  # characters of a note


@dataclass(frozen=True)
class Move:
    before: tuple[str, ...]
    after: str
    by_reviewer: bool  # a supervisor's (or admin's) step; else the facilitator's
    note_required: bool = False


MOVES = {
    "ajukan": Move(("draf", "dikembalikan"), "diajukan", by_reviewer=False),
    "kembalikan": Move(UNDER_REVIEW, "dikembalikan", by_reviewer=True, note_required=True),
    "terima": Move(UNDER_REVIEW, "diterima", by_reviewer=True),
}


class ReviewError(Exception):
    """A step refused, as a catalogue key of section `review`."""


def may_review(user: Principal, kecamatan: str) -> bool:
    return user.role in ("supervisor", "admin") and user.sees(kecamatan)


def waiting_for(user: Principal) -> tuple[str, ...]:
    """The review statuses in which a dossier waits for this user: returned ones for a facilitator, submitted
    ones for a reviewer, both for an admin."""
    return {"facilitator": ("dikembalikan",), "supervisor": UNDER_REVIEW}.get(user.role, ("dikembalikan", *UNDER_REVIEW))


def status_of(db: Session, subject: Subject) -> str:
    """The review status of a dossier's latest version (draf until its first step)."""
    last = db.execute(select(ReviewStep.version, ReviewStep.status_after).where(ReviewStep.code == subject.code)
                      .order_by(ReviewStep.id.desc()).limit(1)).first()
    return status_from(last, subject.versions)


def status_from(last_step, versions: int) -> str:
    """The status after a dossier's last step (a row with version and status_after, or None) if it was taken on
    its latest version (`versions`), else draf."""
    return last_step.status_after if last_step is not None and last_step.version == versions else "draf"


def moves_for(user: Principal, subject: Subject, status: str) -> list[str]:
    """The steps this user may take on the dossier now."""
    allowed = []
    for action, move in MOVES.items():
        may = may_review(user, subject.kecamatan) if move.by_reviewer else user.may_submit(subject.kecamatan)
        if may and status in move.before:
            allowed.append(action)
    return allowed


def _note(text: str | None, required: bool) -> str:
    note = (text or "").strip()
    if required and not note:
        raise ReviewError("note_required")
    if len(note) > NOTE_LENGTH:
        raise ReviewError("note_too_long")
    return note


def _locked(db: Session, code: str, version: int) -> tuple[Subject, str]:
    """The dossier, locked for the change, and its review status; refused when the step was taken on an older version."""
    subject = db.scalars(select(Subject).where(Subject.code == code).with_for_update()).one()
    if subject.versions != version:
        raise ReviewError("stale_version")
    return subject, status_of(db, subject)


def _step(db: Session, user: Principal, subject: Subject, before: str, after: str, note: str, address: str) -> None:
    db.add(ReviewStep(code=subject.code, kecamatan=subject.kecamatan, version=subject.versions, status_before=before,
                      status_after=after, by=user.name, note=note))
    db.add(audit_log.entry(user.name, f"review_{after}", address, code=subject.code, version=subject.versions, note=note))


def move(store: Store, user: Principal, code: str, action: str, version: int, note: str | None = None, address: str = "") -> str:
    """Take a step of the review on version `version`; the new status."""
    step = MOVES.get(action)
    if step is None:
        raise ReviewError("unknown_step")
    text = _note(note, step.note_required)
    with store.writing() as db, db.begin():
        subject, status = _locked(db, code, version)
        may = may_review(user, subject.kecamatan) if step.by_reviewer else user.may_submit(subject.kecamatan)
        if not may:
            raise ReviewError("not_yours")
        if status not in step.before:
            raise ReviewError("wrong_status")
        _step(db, user, subject, status, step.after, text, address)
        return step.after


def judge(store: Store, user: Principal, code: str, version: int, document: DocumentFacts, verdict: str | None,
          note: str | None = None, address: str = "") -> None:
    """A reviewer's judgement of a document of version `version` (None: not reviewed); the first starts the review."""
    if verdict is not None and verdict not in VERDICTS:
        raise ReviewError("unknown_verdict")
    text = _note(note, verdict == "tidak_sesuai")
    with store.writing() as db, db.begin():
        subject, status = _locked(db, code, version)
        if not may_review(user, subject.kecamatan):
            raise ReviewError("not_yours")
        if status not in UNDER_REVIEW:
            raise ReviewError("not_under_review")
        if status == "diajukan":
            _step(db, user, subject, status, "ditinjau", "", address)
        same = (DocumentReview.code == code, DocumentReview.document == document.key, DocumentReview.fingerprint == document.fingerprint)
        db.execute(delete(DocumentReview).where(*same))
        if verdict is not None:
            newest = db.scalar(select(Evidence.id).where(Evidence.code == code, Evidence.document == document.key,
                                                         Evidence.fingerprint == document.fingerprint, Evidence.removed_at.is_(None))
                               .order_by(Evidence.id.desc()).limit(1)) or 0
            db.add(DocumentReview(code=code, kecamatan=subject.kecamatan, document=document.key, fingerprint=document.fingerprint,
                                  verdict=verdict, note=text, evidence_seen=newest, by=user.name))
        db.add(audit_log.entry(user.name, "document_reviewed", address, code=code, version=version, document=document.key,
                               verdict=verdict or "", note=text))


def add_note(store: Store, user: Principal, code: str, version: int, rule: str, finding: str, note: str | None, address: str = "") -> None:
    """A note on the finding (rule, subject) of version `version`, by anyone who sees the dossier."""
    text = _note(note, True)
    with store.writing() as db, db.begin():
        subject, _status = _locked(db, code, version)
        if db.scalar(select(StoredFinding.id).where(StoredFinding.submission_id == subject.latest_id, StoredFinding.rule == rule,
                                                    StoredFinding.subject == finding).limit(1)) is None:
            raise ReviewError("unknown_finding")
        db.add(FindingNote(code=code, kecamatan=subject.kecamatan, version=version, rule=rule, subject=finding, note=text, by=user.name))
        db.add(audit_log.entry(user.name, "finding_note", address, code=code, version=version, rule=rule, subject=finding, note=text))


def reviews(db: Session, code: str, docs: list[DocumentFacts]) -> dict[str, DocumentReview]:
    """The judgement of each document of a version (by key), where it has one."""
    return matching_reviews(db.scalars(select(DocumentReview).where(DocumentReview.code == code)), docs)


def matching_reviews(rows: Iterable[DocumentReview], docs: list[DocumentFacts]) -> dict[str, DocumentReview]:
    """Of these judgements (of one dossier), that of each document (by key) as the version states it."""
    wanted = {(d.key, d.fingerprint) for d in docs}
    return {row.document: row for row in rows if (row.document, row.fingerprint) in wanted}


def state(evidence: list[Evidence], judged: DocumentReview | None) -> str:
    """The evidence state of a document (STATES) from its shown evidence and its judgement."""
    newest = max((e.id for e in evidence), default=0)
    current = judged is not None and newest <= judged.evidence_seen  # no evidence came after the judgement
    if current and judged.verdict == "tidak_sesuai":
        return "tidak_sesuai"
    if not evidence:
        return "tanpa_bukti"
    return "terverifikasi" if current else "bukti_ada"


def steps(db: Session, code: str) -> list[ReviewStep]:
    """The review steps of a dossier, newest first."""
    return list(db.scalars(select(ReviewStep).where(ReviewStep.code == code).order_by(ReviewStep.id.desc())))


def notes(db: Session, code: str) -> dict[tuple[str, str], list[FindingNote]]:
    """The notes on each finding (rule, subject) of a dossier, oldest first."""
    found: dict[tuple[str, str], list[FindingNote]] = {}
    for row in db.scalars(select(FindingNote).where(FindingNote.code == code).order_by(FindingNote.id)):
        found.setdefault((row.rule, row.subject), []).append(row)
    return found



@dataclass
class DocumentState:
    """A document of a version with its evidence, its judgement, its evidence state and what the pack says of it."""

    document: DocumentFacts
    evidence: list[Evidence]
    judged: DocumentReview | None
    state: str
    need: EvidenceNeed | None  # None: the pack does not require its evidence


def document_states(db: Session, code: str, docs: list[DocumentFacts], attached: dict[str, list[Evidence]],
                    pack: RulePack | None) -> list[DocumentState]:
    judged = reviews(db, code, docs)
    return [DocumentState(d, attached[d.key], judged.get(d.key), state(attached[d.key], judged.get(d.key)),
                          pack.evidence_need(d.kind, d.about) if pack else None) for d in docs]

