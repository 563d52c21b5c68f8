"""The kabupaten's waivers: files an admin uploads, read exactly as `check --waivers` reads them.

Each file's bytes are kept as a blob (by sha256); a file is deactivated, never deleted. The active
files make the WaiverSet that every following submission is checked with.
"""

from __future__ import annotations

import hashlib
import logging
import tempfile
from dataclasses import replace
from pathlib import Path

from sqlalchemy import select

from ..reports.check_output import render_problem
from ..packs.rulepack import RulePack
from ..evaluation.waivers import WaiverSet, load_waivers
from . import audit_log, waiver_requests
from .store import Blob, Store, WaiverFile

_log = logging.getLogger(__name__)


def read(files: list[tuple[str, bytes]], packs: list[RulePack]) -> WaiverSet:
    """The waivers of these files (name, bytes), named as uploaded; InputError as `check` raises it."""
    with tempfile.TemporaryDirectory(prefix="cek-integrasi-") as folder:
        paths = []
        for i, (name, data) in enumerate(files):
            path = Path(folder) / f"{i:03d}" / name
            path.parent.mkdir()
            path.write_bytes(data)
            paths.append(path)
        loaded = load_waivers(paths, {r.id for pack in packs for r in pack.rules})
    names = {str(path): name for path, (name, _) in zip(paths, files)}
    return WaiverSet(waivers=[replace(w, file=names[w.file]) for w in loaded.waivers],
                     files={names[k]: v for k, v in loaded.files.items()})


def active(store: Store, packs: list[RulePack]) -> WaiverSet:
    """The waivers of the active files and the approved requests (waiver_requests.py). A file that no longer reads (a newer pack dropped a rule it
    names) is left out and logged, so that one stale file never stops every submission and report."""
    from ..errors import InputError

    with store.reading() as db:
        rows = db.execute(select(WaiverFile.name, Blob.data).join(Blob, Blob.sha256 == WaiverFile.blob_sha256)
                          .where(WaiverFile.active).order_by(WaiverFile.id)).all()
    readable = []
    for name, data in rows:
        try:
            read([(name, data)], packs)
        except InputError as error:
            _log.warning("waiver file %s left out: %s", name, error)
            continue
        readable.append((name, data))
    waivers = read(readable, packs) if readable else WaiverSet()
    waivers.waivers.extend(waiver_requests.approved(store))
    return waivers


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
