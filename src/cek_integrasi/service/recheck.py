"""Re-checks: results move with time and with the rules.

A stored result is stale when its as-of date is not the kabupaten's date of today (a pending step
may have become due), or the pack that judged it has changed (its digest), or the waivers naming
its dossier have changed. `recheck` re-evaluates the latest version of every stale dossier in the
check pool's worker processes, in batches as `check` sends them (villages first, then kecamatan
dossiers against them), updates its result (a transaction per batch) and records what changed (a
`ResultChange`). A result that is not stale is left alone: a second re-check on the same day redoes
nothing.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import logging
import threading
from collections import defaultdict, deque
from concurrent.futures import ThreadPoolExecutor

from sqlalchemy import bindparam, delete, select, update
from sqlalchemy.orm import Session

from ..evaluation.waivers import WaiverSet
from ..packs.facts import Context
from . import audit_log, waiver_files
from ..evaluation.pool import Pool
from .checking import Checked, check_files
from .store import Blob, ResultChange, Store, StoredFinding, Subject, Submission
from .submissions import insert_findings, options, result_record, village_summaries

log = logging.getLogger("cek_integrasi.service")


@dataclasses.dataclass
class Summary:
    as_of: dt.date
    stale: int = 0
    rechecked: int = 0
    changed: int = 0
    failed: list[str] = dataclasses.field(default_factory=list)  # codes whose file could not be checked again


@dataclasses.dataclass(frozen=True)
class _Due:
    submission_id: int
    code: str
    kind: str
    kecamatan: str
    filename: str
    sha256: str


def _stale(store: Store, ctx: Context, digests: dict[str, str], waiver_digests: dict[str, str]) -> list[_Due]:
    """The latest versions whose result is stale, villages before kecamatan dossiers."""
    with store.reading() as db:
        rows = db.execute(
            select(Submission.id, Submission.code, Subject.kind, Submission.kecamatan, Submission.filename, Submission.blob_sha256,
                   Submission.as_of, Submission.pack, Submission.pack_digest, Submission.waivers_digest)
            .join(Subject, Subject.latest_id == Submission.id).order_by(Subject.kind != "desa", Submission.code)
        ).all()
        due = [r for r in rows if r.as_of != ctx.as_of or r.waivers_digest != waiver_digests.get(r.code, waiver_files.NONE)
               or digests.get(r.pack.split(" ", 1)[0]) != r.pack_digest]
        return [_Due(r.id, r.code, r.kind, r.kecamatan, r.filename, r.blob_sha256) for r in due]


def recheck(store: Store, pool: Pool, as_of: dt.date | None = None, by: str = "recheck") -> Summary:
    """Re-evaluate every stale result on `as_of` (default: the kabupaten's date, today unless an admin fixed one)."""
    ctx = options(store)
    if as_of is not None:
        ctx = dataclasses.replace(ctx, as_of=as_of)
    waivers = waiver_files.active(store, pool.packs)
    waiver_digests = waiver_files.digests(waivers)
    due = _stale(store, ctx, {p.id: p.digest for p in pool.packs}, waiver_digests)
    summary = Summary(ctx.as_of, stale=len(due))
    villages = [d for d in due if d.kind == "desa"]
    for group, of_kecamatan in ((villages, False), ([d for d in due if d.kind != "desa"], True)):  # kecamatan against the re-checked villages
        for batch, checked in _checked(store, pool, group, ctx, waivers, of_kecamatan):
            done = []
            for item, one in zip(batch, checked):
                if one.columns is None:
                    log.warning("re-check of %s (%s) failed: %s", item.code, item.filename, one)
                    summary.failed.append(item.code)
                else:
                    done.append((item, one))
            if done:
                with store.writing() as db, db.begin():
                    summary.changed += _update(db, done, ctx, pool, waiver_digests)
                summary.rechecked += len(done)
    if due:
        with store.writing() as db, db.begin():
            db.add(audit_log.entry(by, "rechecked", as_of=ctx.as_of.isoformat(), rechecked=summary.rechecked,
                               changed=summary.changed, failed=len(summary.failed)))
    return summary


def _checked(store: Store, pool: Pool, due: list[_Due], ctx: Context, waivers: WaiverSet, of_kecamatan: bool):
    """(batch, its Checked) for batches of `due`, in order, with a few batches in flight: one per worker and one being
    prepared for each (its files' bytes read from the store) meanwhile."""

    def check(batch: list[_Due]) -> list[Checked]:
        with store.reading() as db:  # one batch's bytes at a time, not the whole store's
            data = dict(db.execute(select(Blob.sha256, Blob.data).where(Blob.sha256.in_({d.sha256 for d in batch}))).all())
        villages = village_summaries(store, {d.kecamatan for d in batch}) if of_kecamatan else None
        return check_files(pool, [(d.filename, data[d.sha256]) for d in batch], ctx, "id", villages, waivers)

    size = pool.batch_size(len(due))  # as `check` sends them: 100, or fewer so that every worker gets a few
    batches = deque(due[i : i + size] for i in range(0, len(due), size))
    flight: deque = deque()
    with ThreadPoolExecutor(2 * pool.jobs) as threads:  # the pool lets `jobs` of them into a worker at a time
        while batches or flight:
            while batches and len(flight) < 2 * pool.jobs:
                batch = batches.popleft()
                flight.append((batch, threads.submit(check, batch)))
            batch, future = flight.popleft()
            yield batch, future.result()


def _update(db: Session, done: list[tuple[_Due, Checked]], ctx: Context, pool: Pool, waiver_digests: dict[str, str]) -> int:
    """Store the new results of a batch of versions; how many changed in verdict, counts or findings (each recorded).

    A version judged as before (the same judgement, byte for byte) is taken to have the findings it had, which are
    stored from its judgement with its verdict and counts: only for the others are the stored findings read and
    compared. Of each version only what differs is written (most often its as-of date alone)."""
    ids = [item.submission_id for item, _ in done]
    before = {row.id: row for row in db.execute(
        select(Submission.id, Submission.code, Submission.kecamatan, Submission.as_of, Submission.pack, Submission.pack_digest,
               Submission.waivers_digest, Submission.verdict, Submission.errors, Submission.warnings, Submission.village,
               Submission.result)
        .where(Submission.id.in_(ids)).with_for_update())}
    judged_anew = {item.submission_id for item, checked in done if checked.result != before[item.submission_id].result}
    stored: dict[int, set] = defaultdict(set)  # (rule, subject, state, severity) of each version's findings
    if judged_anew:
        for finding in db.execute(select(StoredFinding.submission_id, StoredFinding.rule, StoredFinding.subject,
                                         StoredFinding.state, StoredFinding.severity)
                                  .where(StoredFinding.submission_id.in_(judged_anew))):
            stored[finding.submission_id].add(tuple(finding)[1:])
    changed, updates, replaced = 0, [], []
    for item, checked in done:
        old_row, columns = before[item.submission_id], checked.columns
        record = result_record(pool, checked, waiver_digests)
        anew = old_row.id in judged_anew
        rows = set(columns.findings) if anew else set()
        old, new = {row[:3] for row in stored[old_row.id]}, {row[:3] for row in rows}
        if old != new or (old_row.verdict, old_row.errors, old_row.warnings) != (record["verdict"], record["errors"], record["warnings"]):
            changed += 1
            db.add(ResultChange(
                submission_id=old_row.id, code=old_row.code, kecamatan=old_row.kecamatan,
                as_of_before=old_row.as_of, as_of_after=ctx.as_of, pack_before=old_row.pack, pack_after=record["pack"],
                verdict_before=old_row.verdict, verdict_after=record["verdict"],
                errors_before=old_row.errors, errors_after=record["errors"],
                warnings_before=old_row.warnings, warnings_after=record["warnings"],
                appeared=[list(f) for f in sorted(new - old)], gone=[list(f) for f in sorted(old - new)],
            ))
        if anew and rows != stored[old_row.id]:
            replaced.append((old_row.id, columns))
        differing = {column: value for column, value in record.items() if value != getattr(old_row, column)}
        updates.append(dict(submission=old_row.id, as_of=ctx.as_of, **differing))
    if replaced:
        db.execute(delete(StoredFinding).where(StoredFinding.submission_id.in_([sid for sid, _ in replaced])))
        insert_findings(db, replaced)
    _update_by_id(db, updates)
    return changed


def _update_by_id(db: Session, updates: list[dict]) -> None:
    """Each update (`submission`: the row's id, then the columns to set) in one executemany per set of columns: an
    UPDATE of the table, not of the ORM class, whose bulk update by primary key runs row by row when the sets alternate."""
    table = Submission.__table__
    by_columns: dict[tuple[str, ...], list[dict]] = defaultdict(list)
    for row in updates:
        by_columns[tuple(sorted(row))].append(row)
    for rows in by_columns.values():
        db.execute(update(table).where(table.c.id == bindparam("submission")), rows)


def start_daily(store: Store, pool: Pool) -> threading.Thread:
    """The service's own re-check: now, and then shortly after each midnight, in a background thread."""

    def loop() -> None:
        while True:
            try:
                summary = recheck(store, pool, by="daily")
                log.info("daily re-check on %s: %d re-checked, %d changed, %d failed",
                         summary.as_of, summary.rechecked, summary.changed, len(summary.failed))
            except Exception:  # the store unreachable for a while: try again tomorrow
                log.exception("daily re-check failed")
            now = dt.datetime.now()
            tomorrow = dt.datetime.combine(now.date() + dt.timedelta(days=1), dt.time(0, 5))
            threading.Event().wait((tomorrow - now).total_seconds())

    thread = threading.Thread(target=loop, name="daily-recheck", daemon=True)
    thread.start()
    return thread
