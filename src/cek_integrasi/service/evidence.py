"""Evidence of a dossier's documents: scans (PDF) and photos (JPEG, PNG) a facilitator attaches.

A file is judged by its first bytes, not its name: a PNG named `.pdf` is refused, and so is a file
that is none of the three, an empty one or one over the size limit. An image must open as one
(Pillow), and a thumbnail of it is kept beside it. The bytes are kept once per sha256 in the blobs
table, like uploads. Evidence belongs to a document's key and fingerprint (dossiers/documents.py),
so a new version keeps the evidence of every document whose facts did not change. Attaching and
removing are one transaction each, with a line in the audit log.
"""

from __future__ import annotations

import dataclasses
import hashlib
import io
from collections.abc import Iterable
from pathlib import Path, PurePath

from PIL import Image, UnidentifiedImageError
from sqlalchemy import insert, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from .. import i18n
from ..dossiers.documents import DocumentFacts, documents
from ..dossiers.loading import load_dossier
from ..errors import InputError
from ..packs.choosing import all_stages
from .scoping import Principal
from . import audit_log
from .store import Blob, Evidence, Store, Submission, VersionDocuments, utcnow

# a kind of file: its media type and the name endings it may have
KINDS = {"pdf": ("application/pdf", (".pdf",)), "png": ("image/png", (".png",)), "jpeg": ("image/jpeg", (".jpg", ".jpeg"))}
MAGIC = ((b"%PDF-", "pdf"), (b"\x89PNG\r\n\x1a\n", "png"), (b"\xff\xd8\xff", "jpeg"))
IMAGES = {"image/png", "image/jpeg"}
THUMBNAIL_PX = 240


class Refusal(Exception):
    """Why an evidence file is not kept, as a catalogue key (section `evidence`) and its values."""

    def __init__(self, key: str, **context):
        super().__init__(key)
        self.key, self.context = key, context

    def message(self, lang: str) -> str:
        context = {k: v.describe(lang) if isinstance(v, InputError) else v for k, v in self.context.items()}
        return i18n.text(f"evidence.{self.key}", lang, **context)


def sniff(data: bytes) -> str | None:
    """The kind of file its first bytes say it is (KINDS), or None."""
    return next((kind for magic, kind in MAGIC if data.startswith(magic)), None)


def inspect(filename: str, data: bytes, max_mb: int) -> str:
    """The kind of an evidence file, or Refusal: empty, too large, not a PDF/JPEG/PNG, named as another kind."""
    if not data:
        raise Refusal("empty", name=filename)
    if len(data) > max_mb * 1024 * 1024:
        raise Refusal("too_large", name=filename, mb=round(len(data) / 1048576, 1), max_mb=max_mb)
    kind = sniff(data)
    if kind is None:
        raise Refusal("unknown_type", name=filename)
    suffix = PurePath(filename).suffix.lower()
    if suffix not in KINDS[kind][1]:
        raise Refusal("wrong_suffix", name=filename, kind=kind.upper(), suffixes=", ".join(KINDS[kind][1]))
    return kind


def thumbnail(filename: str, data: bytes) -> bytes:
    """A small PNG of an image (at most THUMBNAIL_PX on its longer side), or Refusal if it does not open as one."""
    try:
        with Image.open(io.BytesIO(data)) as image:
            image.thumbnail((THUMBNAIL_PX, THUMBNAIL_PX))
            out = io.BytesIO()
            image.convert("RGB").save(out, "PNG")
    except (UnidentifiedImageError, OSError, ValueError, Image.DecompressionBombError):
        raise Refusal("broken_image", name=filename) from None
    return out.getvalue()


def documents_of(store: Store, packs, submission: Submission) -> list[DocumentFacts]:
    """The documents of a stored version: read from its file as uploaded the first time, kept from then on
    (InputError where the file no longer reads with these packs' steps)."""
    with store.reading() as db:
        kept = db.get(VersionDocuments, submission.id)
        if kept is not None:
            return [DocumentFacts(*row) for row in kept.documents]
        data = db.scalar(select(Blob.data).where(Blob.sha256 == submission.blob_sha256))
    _doc, dossier = load_dossier(Path(submission.filename), all_stages(packs), data)
    found = documents(dossier)
    try:
        with store.writing() as db, db.begin():
            db.add(VersionDocuments(submission_id=submission.id, documents=[list(dataclasses.astuple(d)) for d in found]))
    except IntegrityError:  # another request kept them first: the same documents
        pass
    return found


def shown(db: Session, code: str, docs: list[DocumentFacts]) -> dict[str, list[Evidence]]:
    """The evidence of each document of a version (by key), oldest first; removed evidence is not shown."""
    rows = db.scalars(select(Evidence).where(Evidence.code == code, Evidence.removed_at.is_(None)).order_by(Evidence.id))
    return matching(rows, docs)


def matching(rows: Iterable[Evidence], docs: list[DocumentFacts]) -> dict[str, list[Evidence]]:
    """Of these evidence rows (of one dossier, oldest first), those of each document (by key) as the version states it."""
    wanted = {(d.key, d.fingerprint) for d in docs}
    found: dict[str, list[Evidence]] = {d.key: [] for d in docs}
    for row in rows:
        if (row.document, row.fingerprint) in wanted:
            found[row.document].append(row)
    return found


def latest_document(store: Store, packs, submission: Submission, key: str | None) -> DocumentFacts:
    """The document of that key in a dossier's latest version, or Refusal."""
    try:
        docs = documents_of(store, packs, submission)
    except InputError as error:
        raise Refusal("unreadable", reason=error) from None
    found = next((d for d in docs if d.key == key), None)
    if found is None:
        raise Refusal("unknown_document")
    return found


def _keep_blob(db: Session, data: bytes) -> str:
    sha = hashlib.sha256(data).hexdigest()
    if db.scalar(select(Blob.sha256).where(Blob.sha256 == sha)) is None:
        db.execute(insert(Blob).values(sha256=sha, size=len(data), data=data))
    return sha


def attach(store: Store, user: Principal, code: str, kecamatan: str, document: DocumentFacts, filename: str, data: bytes,
           kind: str, address: str = "") -> int:
    """Keep an inspected evidence file for a document (one transaction, audited); its id."""
    small = thumbnail(filename, data) if KINDS[kind][0] in IMAGES else None
    with store.writing() as db, db.begin():
        sha = _keep_blob(db, data)
        evidence_id = db.execute(insert(Evidence).values(
            code=code, kecamatan=kecamatan, document=document.key, fingerprint=document.fingerprint, blob_sha256=sha,
            thumbnail_sha256=_keep_blob(db, small) if small else None, media_type=KINDS[kind][0], filename=filename,
            size=len(data), uploaded_by=user.name)).inserted_primary_key[0]
        db.add(audit_log.entry(user.name, "evidence_added", address, code=code, document=document.key, file=filename, sha256=sha))
    return evidence_id


def remove(store: Store, user: Principal, evidence: Evidence, address: str = "") -> None:
    """Stop showing an evidence file (it stays in the store, with who removed it); nothing if already removed."""
    with store.writing() as db, db.begin():
        done = db.execute(update(Evidence).where(Evidence.id == evidence.id, Evidence.removed_at.is_(None))
                          .values(removed_by=user.name, removed_at=utcnow())).rowcount
        if done:
            db.add(audit_log.entry(user.name, "evidence_removed", address, code=evidence.code, document=evidence.document,
                                   file=evidence.filename, sha256=evidence.blob_sha256))
