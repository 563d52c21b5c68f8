"""Submissions: an uploaded file checked, then stored as the next version of its dossier, in one transaction.

The file's bytes are kept once per sha256 and never changed; the result (one judgement, written in
Indonesian and English) is stored with its findings as rows; the audit log records who sent what. A
file that cannot be read gets the messages `check` gives, and nothing is stored for it.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import hashlib
from collections.abc import Iterable

from sqlalchemy import insert, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from .. import i18n
from ..dossiers.model import kode_kecamatan_of
from ..packs.facts import Context, VillageSummary
from ..reports.check_output import render_input_problem
from ..evaluation.results import InputProblem
from ..evaluation.run import DOSSIER_SUFFIXES
from ..evaluation.waivers import WaiverSet
from . import audit_log, waiver_files
from .scoping import Principal
from ..evaluation.pool import Pool
from .checking import Checked, ResultColumns, check_files
from .store import AuditEntry, Blob, Kecamatan, Setting, Store, StoredFinding, Subject, Submission

ACCEPTED = DOSSIER_SUFFIXES  # what `check` reads below a folder
MAX_FILES = 50  # files of one submission form: each is checked in turn while the request waits


@dataclasses.dataclass
class Accepted:
    filename: str
    code: str
    name: str
    version: int
    verdict: str | None
    errors: int
    warnings: int


@dataclasses.dataclass
class Refused:
    filename: str
    messages: list[str]
    problems: list[InputProblem] = dataclasses.field(default_factory=list)  # the file's input problems, with their places


def options(store: Store) -> Context:
    """The kabupaten's checking options: the as-of date (default today) and the complete-cycle audit."""
    with store.reading() as db:
        settings = {s.key: s.value for s in db.scalars(select(Setting))}
    as_of = dt.date.fromisoformat(settings["as_of"]) if settings.get("as_of") else dt.date.today()
    return Context(as_of=as_of, complete=settings.get("complete") == "1")


def village_summaries(store: Store, kecamatan: Iterable[str]) -> dict[str, VillageSummary]:
    """The latest village summaries of these kecamatan, for kecamatan dossiers' checks (MRK-04, MRK-09)."""
    with store.reading() as db:
        rows = db.scalars(
            select(Submission.village).join(Subject, Subject.latest_id == Submission.id)
            .where(Subject.kecamatan.in_(sorted(set(kecamatan))), Subject.kind == "desa")
        )
        out = {}
        for data in rows:
            if data:
                summary = VillageSummary(**{k: dt.date.fromisoformat(v) if k.endswith("tanggal") and v else v for k, v in data.items()})
                out[summary.kode] = summary
        return out


def check_with_store(store: Store, pool: Pool, filename: str, data: bytes, ctx: Context, lang: str, waivers: WaiverSet,
                     defer: bool = False) -> Checked | None:
    """Check one file; a kecamatan dossier against the store's latest villages of it (None if `defer`)."""
    [checked] = check_files(pool, [(filename, data)], ctx, lang, waivers=waivers)
    if checked.outcome.deferred:
        if defer:
            return None
        [checked] = check_files(pool, [(filename, data)], ctx, lang, village_summaries(store, [checked.outcome.kecamatan]), waivers)
    return checked


def result_record(pool: Pool, checked: Checked, waiver_digests: dict[str, str]) -> dict:
    """The columns of a checked result, as a submission or a re-check stores them (`waiver_digests`: waiver_files.digests)."""
    columns = checked.columns
    pack = pool.pack(columns.pack)
    return dict(
        verdict=columns.verdict, errors=columns.errors, warnings=columns.warnings, pack=f"{pack.id} {pack.version}",
        pack_digest=pack.digest, waivers_digest=waiver_digests.get(columns.code, waiver_files.NONE),
        result=checked.result, village=columns.village,
    )


def insert_findings(db: Session, results: Iterable[tuple[int, ResultColumns]]) -> None:
    """Store the findings of each (submission id, result) as rows, in one statement; none when there is none
    (an empty list would run INSERT ... DEFAULT VALUES, which fails: a finding needs its submission)."""
    rows = [dict(submission_id=submission_id, rule=rule, subject=subject, state=state, severity=severity)
            for submission_id, columns in results for rule, subject, state, severity in columns.findings]
    if rows:
        db.execute(insert(StoredFinding), rows)


def submit_many(store: Store, pool: Pool, user: Principal, files: list[tuple[str, bytes]], lang: str, address: str = "",
                waivers: WaiverSet | None = None) -> list[Accepted | Refused]:
    """Several uploaded files, in the order given, except kecamatan dossiers: after the villages,
    so that they are checked against the villages of the same upload too (`waivers`: as `submit`)."""
    waivers = waivers if waivers is not None else waiver_files.active(store, pool.packs)
    outcomes: list = [None] * len(files)
    later = []
    for i, (name, data) in enumerate(files):
        outcomes[i] = submit(store, pool, user, name, data, lang, address, defer=True, waivers=waivers)
        if outcomes[i] is None:
            later.append(i)
    for i in later:
        outcomes[i] = submit(store, pool, user, *files[i], lang, address, waivers=waivers)
    return outcomes


def submit(store: Store, pool: Pool, user: Principal, filename: str, data: bytes, lang: str, address: str = "",
           defer: bool = False, waivers: WaiverSet | None = None) -> Accepted | Refused | None:
    """Check one uploaded file and store it as a new version, or say why not (nothing stored).

    `defer`: return None for a kecamatan dossier instead of checking it against the stored villages now.
    `waivers`: the store's active waivers (the app keeps them: waiver_files.ActiveWaivers), read now if not given.
    """
    if not filename.lower().endswith(ACCEPTED):
        return Refused(filename, [i18n.text("web.bad_type", lang, names=filename, accepted=", ".join(ACCEPTED))])
    ctx = options(store)
    waivers = waivers if waivers is not None else waiver_files.active(store, pool.packs)
    checked = check_with_store(store, pool, filename, data, ctx, lang, waivers, defer)
    if checked is None:
        return None
    if checked.outcome.timed_out:
        return Refused(filename, [i18n.text("svc.timed_out", lang, seconds=int(pool.timeout))])
    if checked.outcome.crashed:
        return Refused(filename, [i18n.text("svc.crashed", lang, memory=pool.memory_mb)])
    if checked.outcome.problems:
        return Refused(filename, [render_input_problem(p, lang) for p in checked.outcome.problems], checked.outcome.problems)
    result = checked.columns
    kecamatan = kode_kecamatan_of(result.code)
    if not user.may_submit(kecamatan):
        return Refused(filename, [i18n.text("svc.not_your_kecamatan", lang, kecamatan=f"{result.kecamatan} ({kecamatan})")])
    record = result_record(pool, checked, waiver_files.digests(waivers))
    for attempt in range(3):  # PostgreSQL: two first versions of one dossier at once; the loser tries again
        try:
            return _store(store, user, kecamatan, address, filename, data, result, ctx, record)
        except IntegrityError:
            if attempt == 2:
                raise
    raise AssertionError("unreachable")


def _store(store: Store, user: Principal, kecamatan: str, address: str, filename: str, data: bytes, result: ResultColumns,
           ctx: Context, record: dict) -> Accepted:
    """The new version in one transaction, written with plain statements (an upload's rows are known:
    the session's object bookkeeping cost more than the writing)."""
    sha = hashlib.sha256(data).hexdigest()
    with store.writing() as db, db.begin():
        if db.scalar(select(Blob.sha256).where(Blob.sha256 == sha)) is None:
            db.execute(insert(Blob).values(sha256=sha, size=len(data), data=data))
        if db.scalar(select(Kecamatan.kode).where(Kecamatan.kode == kecamatan)) is None:
            db.execute(insert(Kecamatan).values(kode=kecamatan, nama=result.kecamatan, kabupaten=result.kabupaten))
        versions = db.scalar(select(Subject.versions).where(Subject.code == result.code).with_for_update())
        if versions is None:
            db.execute(insert(Subject).values(code=result.code, kind=result.kind, name=result.name, kecamatan=kecamatan, versions=0))
            versions = 0
        version = versions + 1
        submission_id = db.execute(  # the new row's key without RETURNING, which SQLite has only since 3.35
            insert(Submission).values(code=result.code, version=version, kecamatan=kecamatan, filename=filename, blob_sha256=sha,
                                      user_id=user.id, as_of=ctx.as_of, **record)
        ).inserted_primary_key[0]
        insert_findings(db, [(submission_id, result)])
        db.execute(update(Subject).where(Subject.code == result.code).values(versions=version, name=result.name, latest_id=submission_id))
        db.execute(insert(AuditEntry).values(user=user.name, action="submitted", address=address,
                                             detail=audit_log.detail(code=result.code, version=version, file=filename, sha256=sha)))
    return Accepted(filename, result.code, result.name, version, result.verdict, record["errors"], record["warnings"])
