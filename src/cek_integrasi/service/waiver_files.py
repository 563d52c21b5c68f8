"""The kabupaten's waivers: files an admin uploads, read exactly as `check --waivers` reads them.

Each file's bytes are kept as a blob (by sha256); a file is deactivated, never deleted. The active
files make the WaiverSet that every following submission is checked with.
"""

from __future__ import annotations

import hashlib
import logging
import threading

from sqlalchemy import select

from ..reports.check_output import render_problem
from ..packs.rulepack import RulePack
from ..evaluation.waivers import WaiverSet, load_waivers
from . import audit_log, waiver_requests
from .store import Blob, Store, WaiverFile

_log = logging.getLogger(__name__)


def read(files: list[tuple[str, bytes]], packs: list[RulePack]) -> WaiverSet:
    """The waivers of these files (name, bytes), named as uploaded; InputError as `check` raises it."""
    return load_waivers(files, {r.id for pack in packs for r in pack.rules})


class ActiveWaivers:
    """The waivers every submission and re-check of a store is checked with: those of the active files and
    the approved requests (waiver_requests.py). The files are read again only when the active ones change
    (one of these per app); a file that no longer reads (a newer pack dropped a rule it names) is left out
    and logged, so that one stale file never stops every submission and report."""

    def __init__(self, packs: list[RulePack]):
        self.packs = packs
        self._files: tuple[tuple[str, str], ...] | None = None  # (name, sha256) of the active files read last
        self._read = WaiverSet()
        self._lock = threading.Lock()

    def of(self, store: Store) -> WaiverSet:
        with store.reading() as db:
            files = tuple(db.execute(select(WaiverFile.name, WaiverFile.blob_sha256).where(WaiverFile.active).order_by(WaiverFile.id)).all())
        with self._lock:
            if files != self._files:
                self._read, self._files = self._read_files(store), files
            read_files = self._read
        return WaiverSet(waivers=[*read_files.waivers, *waiver_requests.approved(store)], files=dict(read_files.files))

    def _read_files(self, store: Store) -> WaiverSet:
        from ..errors import InputError

        with store.reading() as db:
            rows = db.execute(select(WaiverFile.name, Blob.data).join(Blob, Blob.sha256 == WaiverFile.blob_sha256)
                              .where(WaiverFile.active).order_by(WaiverFile.id)).all()
        readable = []
        for name, data in rows:
            try:
                read([(name, data)], self.packs)
            except InputError as error:
                _log.warning("waiver file %s left out: %s", name, error)
                continue
            readable.append((name, data))
        return read(readable, self.packs)


def active(store: Store, packs: list[RulePack]) -> WaiverSet:
    """The active waivers of a store, read now (ActiveWaivers keeps them between submissions)."""
    return ActiveWaivers(packs).of(store)


def digests(waivers: WaiverSet) -> dict[str, str]:
    """What each dossier's result depends on of the waivers, by dossier code: the waivers naming that code,
    with the file and the place in it that each result records (a waived finding names them).

    A change of them makes that dossier's result stale, and no other's; a code no waiver names has `NONE`."""
    texts: dict[str, list[str]] = {}
    for loaded in waivers.waivers:
        texts.setdefault(loaded.waiver.kode, []).append(f"{loaded.file}#{loaded.index}:{loaded.waiver.model_dump_json()}")
    return {code: hashlib.sha256("\n".join(sorted(lines)).encode()).hexdigest() for code, lines in texts.items()}


NONE = hashlib.sha256(b"").hexdigest()  # the digest of a dossier no waiver names


def add(store: Store, packs: list[RulePack], name: str, data: bytes, by: str, address: str, lang: str) -> list[str]:
    """Store a waiver file and make it active; or the messages `check` would give (nothing stored)."""
    from ..errors import InputError

    try:
        read([(name, data)], packs)
    except InputError as error:
        problems = getattr(error, "problems", [error])
        return [render_problem(p, lang).replace(str(p.path), name) for p in problems]
    sha = hashlib.sha256(data).hexdigest()
    with store.writing() as db, db.begin():
        if db.get(Blob, sha) is None:
            db.add(Blob(sha256=sha, size=len(data), data=data))
        db.add(WaiverFile(name=name, blob_sha256=sha, uploaded_by=by))
        db.add(audit_log.entry(by, "waivers_added", address, name=name, sha256=sha))
    return []


def deactivate(store: Store, file_id: int, by: str, address: str) -> bool:
    with store.writing() as db, db.begin():
        row = db.get(WaiverFile, file_id)
        if row is None:
            return False
        row.active = False
        db.add(audit_log.entry(by, "waivers_deactivated", address, name=row.name, sha256=row.blob_sha256))
    return True
