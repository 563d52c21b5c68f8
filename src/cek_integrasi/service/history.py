"""One dossier's history: its versions and the re-check changes of their results, read in two queries.

The village page shows it as a list of states, newest first: each version as it was first stored
(the `*_before` of its first `ResultChange` if a re-check changed it since, as progress.py
reconstructs it) and each re-check that changed a result, with the findings that changed state.
The API's `/api/desa/CODE/versi` serves the same rows.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from sqlalchemy import select
from sqlalchemy.orm import Session

from ..packs.rulepack import RulePack
from .store import ResultChange, Submission, User


@dataclass
class History:
    versions: list[Submission]  # newest first
    senders: dict[int, str]  # submission id -> the name of who sent it (while the account exists)
    changes: list[ResultChange]  # oldest first


def of(db: Session, code: str) -> History:
    """The versions of a dossier with who sent them, and every re-check change of their results."""
    rows = db.execute(select(Submission, User.name).outerjoin(User, User.id == Submission.user_id)
                      .where(Submission.code == code).order_by(Submission.version.desc())).all()
    changes = db.scalars(select(ResultChange).where(ResultChange.code == code).order_by(ResultChange.id)).all()
    return History([s for s, _ in rows], {s.id: name for s, name in rows if name}, list(changes))


@dataclass
class Move:
    """A finding whose state a re-check changed: None before (it appeared) or after (it went)."""

    rule: str
    title: str  # the rule's title in the page's language ('' if the pack no longer has it)
    subject: str
    before: str | None
    after: str | None


@dataclass
class State:
    """One line of the history: a version as first stored (`change` None) or a re-check that changed it."""

    at: dt.datetime
    submission: Submission
    verdict: str | None
    errors: int
    warnings: int
    sender: str | None = None
    change: ResultChange | None = None
    moves: list[Move] = field(default_factory=list)


def states(history: History, packs: list[RulePack], lang: str) -> list[State]:
    """The versions as first stored and the re-check changes, newest first (a version before its own re-checks)."""
    first: dict[int, ResultChange] = {}
    for change in history.changes:
        first.setdefault(change.submission_id, change)
    by_id = {s.id: s for s in history.versions}
    lines = []
    for s in history.versions:
        stored = first.get(s.id)
        verdict, errors, warnings = ((stored.verdict_before, stored.errors_before, stored.warnings_before) if stored
                                     else (s.verdict, s.errors, s.warnings))
        lines.append(State(s.submitted_at, s, verdict, errors, warnings, sender=history.senders.get(s.id)))
    for c in history.changes:  # of the same dossier's versions (history.of)
        lines.append(State(c.at, by_id[c.submission_id], c.verdict_after, c.errors_after, c.warnings_after,
                           change=c, moves=_moves(c, packs, lang)))
    lines.sort(key=lambda line: (line.at, line.change is not None, line.change.id if line.change else 0), reverse=True)
    return lines


def _moves(change: ResultChange, packs: list[RulePack], lang: str) -> list[Move]:
    """The findings of a change, a finding that only changed state as one move (pending -> fail)."""
    before = {(rule, subject): state for rule, subject, state in change.gone}
    after = {(rule, subject): state for rule, subject, state in change.appeared}
    pack = next((p for p in packs if p.id == change.pack_after.split(" ", 1)[0]), None)
    moves = []
    for rule, subject in sorted(before.keys() | after.keys()):
        title = ""
        if pack is not None:
            try:
                title = pack.rule(rule).title.get(lang, "")
            except KeyError:
                pass
        moves.append(Move(rule, title, subject, before.get((rule, subject)), after.get((rule, subject))))
    return moves
