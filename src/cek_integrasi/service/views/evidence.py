"""Evidence on the village page: attach a scan or photo to a document, view or download it, remove it.

Scoped like the dossier: someone who may not see the village gets 404 for its evidence too.
"""

from __future__ import annotations

from flask import Blueprint, Response, abort, flash, g, redirect, request, url_for
from sqlalchemy import select

from ... import i18n
from .. import evidence
from ..access import ANY, allow, scoped
from ..runtime import service
from ..store import Blob, Evidence, Subject
from .common import address, lang, upload_limit, upload_name

blueprint = Blueprint("evidence", __name__)
MB = 1024 * 1024


def _back(code: str):
    return redirect(url_for("dashboard.dossier", code=code) + "#bukti")


@blueprint.post("/desa/<code>/bukti")
@allow("facilitator", "admin")
@upload_limit("max_evidence_mb")
def attach(code: str):
    """One file for one document of the latest version."""
    max_mb = service().settings.max_evidence_mb
    with service().store.reading() as db:
        subject = scoped(db, Subject, code)
        if not g.user.may_submit(subject.kecamatan):
            abort(403)
        latest = subject.latest
    upload = request.files.get("bukti")
    try:
        document = evidence.latest_document(service().store, service().packs, latest, request.form.get("dokumen"))
        if upload is None or not upload.filename:
            raise evidence.Refusal("no_file")
        name = upload_name(upload, "bukti")
        data = upload.read(max_mb * MB + 1)
        kind = evidence.inspect(name, data, max_mb)
        evidence.attach(service().store, g.user, subject.code, subject.kecamatan, document, name, data, kind, address())
    except evidence.Refusal as refusal:
        flash(refusal.message(lang()), "bukti-error")
        return _back(code)
    flash(i18n.text("evidence.kept", lang(), name=name), "bukti-ok")
    return _back(code)


def _shown(evidence_id: int) -> Evidence:
    """An evidence row the user may see (404 otherwise, and for removed evidence)."""
    with service().store.reading() as db:
        row = scoped(db, Evidence, evidence_id)
    if row.removed_at is not None:
        abort(404)
    return row


def _bytes(sha256: str) -> bytes:
    with service().store.reading() as db:
        return db.scalar(select(Blob.data).where(Blob.sha256 == sha256))


@blueprint.get("/bukti/<int:evidence_id>")
@allow(*ANY)
def download(evidence_id: int):
    """The file as attached: an image shown in the browser (unless ?unduh=1), a PDF always downloaded."""
    row = _shown(evidence_id)
    inline = row.media_type in evidence.IMAGES and not request.args.get("unduh")
    return Response(_bytes(row.blob_sha256), mimetype=row.media_type, headers={
        "Content-Disposition": f'{"inline" if inline else "attachment"}; filename="{row.filename}"',
        "X-Content-Type-Options": "nosniff", "Cache-Control": "private, max-age=3600"})


@blueprint.get("/bukti/<int:evidence_id>/kecil")
@allow(*ANY)
def thumbnail(evidence_id: int):
    row = _shown(evidence_id)
    if row.thumbnail_sha256 is None:
        abort(404)
    return Response(_bytes(row.thumbnail_sha256), mimetype="image/png",
                    headers={"X-Content-Type-Options": "nosniff", "Cache-Control": "private, max-age=3600"})


@blueprint.post("/bukti/<int:evidence_id>/hapus")
@allow("facilitator", "admin")
def remove(evidence_id: int):
    with service().store.reading() as db:
        row = scoped(db, Evidence, evidence_id)
    if not g.user.may_submit(row.kecamatan):
        abort(403)
    evidence.remove(service().store, g.user, row, address())
    flash(i18n.text("evidence.removed", lang(), name=row.filename), "bukti-ok")
    return _back(row.code)
