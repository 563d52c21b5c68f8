"""Screening rounds: the Setrawan screens the kabupaten's villages on a date, and compares with the round before.

A round screens an uploaded roster exactly as `cek-integrasi screen` does (each eligibility profile
judged once in the worker pool), or starts from the store: the latest version of every village, whose
result already holds its verdict and eligibility findings (kept current by the re-checks), so no
roster is retyped. A round is stored in no language (screening/report.py) and written in the
reader's language when it is read. The comparison with the previous round, on the villages both rounds screened,
names the villages that became WAJIB, those that dropped out (WAJIB before, not now) and those
still not meeting the requirements, with what is still unmet; the villages only one of the two
rounds screened are named apart, never counted as changes. The dashboard shows that comparison of the latest round,
counted within the user's scope (`latest`); a stored round never changes, so that is worked out once.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from collections.abc import Callable
from dataclasses import dataclass

import orjson
from sqlalchemy import Connection, select
from sqlalchemy.orm import Session, undefer

from .. import i18n
from ..dossiers.model import kode_kecamatan_of
from ..errors import InputError
from ..evaluation.results import UNMET
from ..reports.check_output import render_problem
from ..packs.rulepack import RulePack
from ..screening.report import counts, screening_in
from ..screening.roster import FAMILY, VERDICT_RULE, ScreenedVillage, ScreenReport, read_roster, screen, screening
from . import audit_log
from ..evaluation.pool import Pool
from .scoping import covers
from .store import Blob, ScreeningRound, Store, Subject, Submission

SCREENING_PACK = "pti"  # the eligibility rules (ELG) the roster's columns feed


class RosterRefused(ValueError):
    """The roster cannot be read: the message `screen` gives, in the asked language."""


def from_roster(store: Store, pool: Pool, name: str, data: bytes, as_of: dt.date, by: str, address: str = "", lang: str = "id") -> int:
    """Screen an uploaded roster and store it as a round; RosterRefused with the message of `screen` (nothing stored).
    TimeoutError or WorkerDied when its screening outlasts the time limit or kills a worker."""
    try:
        rows = read_roster(name, data)
    except InputError as error:
        raise RosterRefused(render_problem(error, lang)) from None
    screened = screen(pool, pool.pack(SCREENING_PACK), name, data, rows, as_of)
    sha = hashlib.sha256(data).hexdigest()
    with store.writing() as db, db.begin():
        if db.get(Blob, sha) is None:
            db.add(Blob(sha256=sha, size=len(data), data=data))
        return _add(db, as_of, by, name, sha, screened, address)


def from_store(store: Store, pool: Pool, by: str, address: str = "") -> int:
    """A round of the store's latest villages on the date of their results (the latest as-of date): each village's
    verdict and unmet eligibility findings as its stored judgement holds them, in no language."""
    with store.reading() as db:
        rows = db.execute(select(Subject, Submission).join(Submission, Submission.id == Subject.latest_id)
                          .options(undefer(Submission.result))
                          .where(Subject.kind == "desa").order_by(Subject.code)).all()
    as_of = max((s.as_of for _, s in rows), default=dt.date.today())
    villages = []
    for number, (_, submission) in enumerate(rows, start=1):
        judged = orjson.loads(submission.result)
        if judged["verdict"] is None:
            continue
        own = [f for f in judged["findings"] if f["rule"].startswith(FAMILY + "-") and f["rule"] != VERDICT_RULE and f["state"] in UNMET]
        villages.append({"row": number, "kode": judged["code"], "nama": judged["name"], "kecamatan": judged["kecamatan"],
                         "verdict": judged["verdict"], "findings": own})
    with store.writing() as db, db.begin():
        return _add(db, as_of, by, "", None, screening(pool.pack(SCREENING_PACK), as_of, {"file": "", "sha256": ""}, villages, []), address)


def _add(db, as_of, by, source, sha, screened: dict, address) -> int:
    row = ScreeningRound(as_of=as_of, created_by=by, source=source, roster_sha256=sha, report=orjson.dumps(screened).decode())
    db.add(row)
    db.flush()
    db.add(audit_log.entry(by, "screening_round", address, id=row.id, source=source, as_of=as_of.isoformat(),
                           villages=len(screened["villages"])))
    return row.id


def report_of(row: ScreeningRound, packs: list[RulePack], lang: str) -> ScreenReport:
    """A stored round's screening written in `lang`, with the texts of the pack that screened it."""
    screened = orjson.loads(row.report)
    return screening_in(screened, next((p for p in packs if p.id == screened["rule_pack"]["id"]), None), lang)


def in_scope(report: ScreenReport, scope: frozenset[str] | None) -> ScreenReport:
    """The villages of a round within a scope of kecamatan codes (their code's first three parts)."""
    if scope is None:
        return report
    villages = [v for v in report.villages if covers(scope, kode_kecamatan_of(v.kode))]
    return report.model_copy(update={"villages": villages, "kecamatan": counts(villages), "bad_rows": []})


@dataclass
class Comparison:
    """Two rounds compared on the villages both screened; the others are named, not judged (a round from
    the store covers the villages with a dossier there, a roster the villages it lists)."""

    previous: int | None
    became_wajib: list[ScreenedVillage]
    dropped_out: list[tuple[ScreenedVillage, ScreenedVillage]]  # as before, and now
    still_unmet: list[ScreenedVillage]
    only_previous: list[ScreenedVillage]  # screened in the previous round, not in this one
    only_current: list[ScreenedVillage]  # screened in this round, not in the previous one


def compare(current: ScreenReport, previous: ScreenReport | None, previous_id: int | None = None) -> Comparison:
    before = {v.kode: v for v in previous.villages} if previous else {}
    now = {v.kode: v for v in current.villages}
    both = [(before[v.kode], v) for v in current.villages if v.kode in before]
    became = [new for old, new in both if new.verdict == "WAJIB" and old.verdict != "WAJIB"]
    dropped = [(old, new) for old, new in both if old.verdict == "WAJIB" and new.verdict != "WAJIB"]
    still = [new for old, new in both if new.verdict == old.verdict == "BELUM_MEMENUHI"]
    only_previous = [v for k, v in before.items() if k not in now]
    only_current = [v for k, v in now.items() if k not in before]
    return Comparison(previous_id, became, dropped, still, only_previous, only_current)


def load(store: Store, packs: list[RulePack], round_id: int, lang: str
         ) -> tuple[ScreeningRound, ScreenReport, ScreenReport | None, int | None] | None:
    """A round, its report in `lang`, and the previous round's report (None for the first)."""
    with store.reading() as db:
        report = undefer(ScreeningRound.report)
        row = db.get(ScreeningRound, round_id, options=[report])
        if row is None:
            return None
        previous = db.scalars(select(ScreeningRound).options(report)
                              .where(ScreeningRound.id < round_id).order_by(ScreeningRound.id.desc()).limit(1)).first()
        current = report_of(row, packs, lang)
        before = report_of(previous, packs, lang) if previous else None
        return row, current, before, previous.id if previous else None


def scoped(store: Store, packs: list[RulePack], round_id: int, lang: str, scope: frozenset[str] | None
           ) -> tuple[ScreeningRound, ScreenReport, Comparison | None] | None:
    """A round's report within a scope and its comparison with the previous round's within the same scope
    (None for the first round); None when there is no such round."""
    loaded = load(store, packs, round_id, lang)
    if loaded is None:
        return None
    row, report, previous, previous_id = loaded
    report = in_scope(report, scope)
    return row, report, compare(report, in_scope(previous, scope), previous_id) if previous else None


def rounds(store: Store) -> list[ScreeningRound]:
    with store.reading() as db:
        return list(db.scalars(select(ScreeningRound).order_by(ScreeningRound.id.desc())))


RoundCounts = tuple[int | None, dict[str, tuple[int, int, int]]]  # the previous round; per kecamatan: became WAJIB, dropped out, still unmet


@dataclass(frozen=True)
class Latest:
    """The latest round and, counted within a scope, how it compares with the previous one (None: the first round)."""

    round: int
    as_of: dt.date
    source: str
    previous: int | None
    became_wajib: int
    dropped_out: int
    still_unmet: int


def latest(db: Session | Connection, compared: Callable[[int], RoundCounts], scope: frozenset[str] | None) -> Latest | None:
    """The latest round of the store (read on `db`) compared with the previous one within the scope (`compared`:
    `round_counts` of that store, kept by the service object); None when there is no round yet."""
    row = db.execute(select(ScreeningRound.id, ScreeningRound.as_of, ScreeningRound.source)
                     .order_by(ScreeningRound.id.desc()).limit(1)).first()
    if row is None:
        return None
    previous, per_kecamatan = compared(row.id)
    counted = [c for k, c in per_kecamatan.items() if covers(scope, k)]
    return Latest(row.id, row.as_of, row.source, previous, *(sum(c[i] for c in counted) for i in range(3)))


def round_counts(store: Store, round_id: int) -> RoundCounts:
    """The previous round and, per kecamatan, the villages that became WAJIB, dropped out and are still unmet.

    Worth reading once per round (runtime.Service keeps them): a stored round never changes. A village's
    comparison depends on that village alone, so these counts summed over a scope are those of the two
    rounds `in_scope` compared."""
    _, report, previous, previous_id = load(store, [], round_id, i18n.DEFAULT)  # verdicts only: no pack's texts needed
    if previous is None:
        return None, {}
    compared = compare(report, previous, previous_id)
    counts: dict[str, list[int]] = {}
    for i, villages in enumerate((compared.became_wajib, [old for old, _ in compared.dropped_out], compared.still_unmet)):
        for v in villages:
            counts.setdefault(kode_kecamatan_of(v.kode), [0, 0, 0])[i] += 1
    return previous_id, {k: tuple(c) for k, c in counts.items()}
