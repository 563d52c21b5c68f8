"""Re-checks: results move with time and with the rules.

A stored result is stale when its as-of date is not the kabupaten's date of today (a pending step
may have become due), or the pack that judged it has changed (its digest), or the waivers it was
checked with have changed. `recheck` re-evaluates the latest version of every stale dossier in the
check pool's worker processes (villages first, then kecamatan dossiers against them), updates its
result (in transactions of 100 dossiers) and records what changed (a `ResultChange`). A result that is
not stale is left alone: a second re-check on the same day redoes nothing.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import logging
import threading
from concurrent.futures import ThreadPoolExecutor

from sqlalchemy import select
from sqlalchemy.orm import Session

from ..packs.facts import Context
from . import waiver_files
from .checking import CheckPool
from .store import AuditEntry, Blob, ResultChange, Store, Subject, Submission
from .submissions import check_with_store, options, result_record, stored_findings

log = logging.getLogger("cek_integrasi.service")
BATCH = 100  # results written per transaction


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
    filename: str
    sha256: str


def _stale(store: Store, ctx: Context, digests: dict[str, str], waivers_digest: str) -> list[_Due]:
    """The latest versions whose result is stale, villages before kecamatan dossiers."""
    with store.reading() as db:
        rows = db.execute(
            select(Submission.id, Submission.code, Subject.kind, Submission.filename, Submission.blob_sha256, Submission.as_of,
                   Submission.pack, Submission.pack_digest, Submission.waivers_digest)
            .join(Subject, Subject.latest_id == Submission.id).order_by(Subject.kind != "desa", Submission.code)
        ).all()
        due = [r for r in rows if r.as_of != ctx.as_of or r.waivers_digest != waivers_digest
               or digests.get(r.pack.split(" ", 1)[0]) != r.pack_digest]
        return [_Due(r.id, r.code, r.kind, r.filename, r.blob_sha256) for r in due]


def recheck(store: Store, pool: CheckPool, as_of: dt.date | None = None, by: str = "recheck") -> Summary:
    """Re-evaluate every stale result on `as_of` (default: the kabupaten's date, today unless an admin fixed one)."""
    ctx = options(store)
    if as_of is not None:
        ctx = dataclasses.replace(ctx, as_of=as_of)
    waivers = waiver_files.active(store, pool.packs)
    waivers_digest = waiver_files.digest(waivers)
    due = _stale(store, ctx, {p.id: p.digest for p in pool.packs}, waivers_digest)
    summary = Summary(ctx.as_of, stale=len(due))

    def checked(item: _Due):
        with store.reading() as db:  # one file's bytes at a time, not the whole store's
            data = db.scalar(select(Blob.data).where(Blob.sha256 == item.sha256))
        return item, check_with_store(store, pool, item.filename, data, ctx, "id", waivers)

    def write(batch: list) -> None:
        with store.writing() as db, db.begin():
            for item, done in batch:
                summary.changed += _update(db, item.submission_id, ctx, done.outcome_id.result, result_record(pool, done, waivers))
                summary.rechecked += 1

    villages = [d for d in due if d.kind == "desa"]
    with ThreadPoolExecutor(pool.jobs) as threads:  # each thread waits on one worker process
        for group in (villages, [d for d in due if d.kind != "desa"]):  # kecamatan dossiers against the re-checked villages
            batch = []
            for item, done in threads.map(checked, group):  # checks go on while a batch is written
                if done is None or not done.outcome_id:
                    log.warning("re-check of %s (%s) failed: %s", item.code, item.filename, done)
                    summary.failed.append(item.code)
                    continue
                batch.append((item, done))
                if len(batch) == BATCH:
                    write(batch)
                    batch = []
            write(batch)
    if due:
        with store.writing() as db, db.begin():
            db.add(AuditEntry(user=by, action="rechecked", detail=(
                f"as-of {ctx.as_of.isoformat()}: {summary.rechecked} re-checked, {summary.changed} changed, {len(summary.failed)} failed")))
    return summary


def _update(db: Session, submission_id: int, ctx: Context, result, record: dict) -> int:
    """Store the new result of a version; 1 if its verdict, counts or findings changed (recorded), else 0."""
    submission = db.get(Submission, submission_id, with_for_update=True)
    before = {(f.rule, f.subject, f.state) for f in submission.findings}
    after = {(f.rule, f.subject, f.state) for f in result.findings}
    changed = before != after or submission.verdict != record["verdict"]
    if changed:
        db.add(ResultChange(
            submission_id=submission.id, code=submission.code, kecamatan=submission.kecamatan,
            as_of_before=submission.as_of, as_of_after=ctx.as_of, pack_before=submission.pack, pack_after=record["pack"],
            verdict_before=submission.verdict, verdict_after=record["verdict"],
            errors_before=submission.errors, errors_after=record["errors"],
            warnings_before=submission.warnings, warnings_after=record["warnings"],
            appeared=[list(f) for f in sorted(after - before)], gone=[list(f) for f in sorted(before - after)],
        ))
        submission.findings = stored_findings(result)
    submission.as_of = ctx.as_of
    for key, value in record.items():
        setattr(submission, key, value)
    return int(changed)


def start_daily(store: Store, pool: CheckPool) -> threading.Thread:
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
