"""The JSON API for other systems and scripts: the same authorization and scope as the pages.

A request carries an API token (`Authorization: Bearer`, issued by an admin) or a login session.
The OpenAPI description is served at /api/openapi.json (docs/api.md has curl examples).
"""

from __future__ import annotations

from dataclasses import asdict

from flask import Blueprint, Response, abort, g, request

from ... import i18n
from .. import history, queries, screening_rounds
from ..access import ANY, PUBLIC, allow, scoped
from ..openapi import DESCRIPTION
from ..rendering import result_in
from ..runtime import service
from ..store import Subject, Submission
from ..submissions import Accepted, submit_many
from .common import active_waivers, address, lang, upload_name

blueprint = Blueprint("api", __name__, url_prefix="/api")


@blueprint.get("/openapi.json")
@allow(PUBLIC)
def openapi():
    return DESCRIPTION


@blueprint.get("/kecamatan")
@allow(*ANY)
def kecamatan():
    with service().store.reading() as db:
        return {"kecamatan": [asdict(row) for row in queries.kecamatan_rows(db, g.user.scope)]}


def _state(subject: Subject, submission: Submission) -> dict:
    return {"code": subject.code, "name": subject.name, "kecamatan": subject.kecamatan, "version": submission.version,
            "submitted_at": submission.submitted_at.isoformat(), "as_of": submission.as_of.isoformat(), "pack": submission.pack,
            "verdict": submission.verdict, "errors": submission.errors, "warnings": submission.warnings}


@blueprint.get("/desa")
@allow(*ANY)
def villages():
    """Every village in scope at its latest version (?kecamatan=CODE for one kecamatan)."""
    chosen = request.args.get("kecamatan")
    with service().store.reading() as db:
        query = queries.latest(g.user.scope).where(Subject.kind == "desa")
        if chosen:
            query = query.where(Subject.kecamatan == chosen)
        rows = db.execute(query.order_by(Subject.kecamatan, Subject.code)).all()
        return {"desa": [_state(subject, submission) for subject, submission in rows]}


@blueprint.get("/desa/<code>")
@allow(*ANY)
def dossier(code: str):
    """The latest result of a dossier, as in the JSON report of `check`."""
    with service().store.reading() as db:
        subject = scoped(db, Subject, code)
        body = result_in(subject.latest.result, service().packs, lang()).model_dump_json()
    return Response(body, mimetype="application/json")


@blueprint.get("/desa/<code>/versi")
@allow(*ANY)
def versions(code: str):
    """The versions of a dossier, newest first, and what each re-check changed."""
    with service().store.reading() as db:
        scoped(db, Subject, code)  # 404 outside the scope
        found = history.of(db, code)
    numbers = {s.id: s.version for s in found.versions}
    return {"code": code, "versions": [
        {"version": s.version, "submitted_at": s.submitted_at.isoformat(), "file": s.filename, "sha256": s.blob_sha256,
         "as_of": s.as_of.isoformat(), "pack": s.pack, "verdict": s.verdict, "errors": s.errors, "warnings": s.warnings}
        for s in found.versions
    ], "rechecks": [
        {"version": numbers.get(c.submission_id), "at": c.at.isoformat(), "as_of_before": c.as_of_before.isoformat(),
         "as_of_after": c.as_of_after.isoformat(), "pack_before": c.pack_before, "pack_after": c.pack_after,
         "verdict_before": c.verdict_before, "verdict_after": c.verdict_after, "errors_before": c.errors_before,
         "errors_after": c.errors_after, "appeared": c.appeared, "gone": c.gone}
        for c in found.changes
    ]}


@blueprint.post("/kirim")
@allow("facilitator", "admin")
def submit():
    """Submit dossier files (multipart field `dossier`, repeatable): each accepted one or the reasons it was not."""
    files = [f for f in request.files.getlist("dossier") if f.filename]
    if not files:
        return {"error": i18n.text("web.no_file", lang())}, 400
    uploaded = [(upload_name(f, "dossier"), f.read()) for f in files]
    outcomes = submit_many(service().store, service().pool, g.user, uploaded, lang(), address(), active_waivers())
    body = [{"file": o.filename, "accepted": True, "code": o.code, "version": o.version, "verdict": o.verdict,
             "errors": o.errors, "warnings": o.warnings} if isinstance(o, Accepted)
            else {"file": o.filename, "accepted": False, "messages": o.messages} for o in outcomes]
    refused = not any(item["accepted"] for item in body)
    return {"outcomes": body}, 422 if refused else 200


@blueprint.get("/penyaringan/<int:round_id>")
@allow(*ANY)
def screening_round(round_id: int):
    """A screening round (as `screen --format json` writes it, within the scope) and its comparison with the previous one."""
    row, report, compared = screening_rounds.scoped(service().store, service().packs, round_id, lang(), g.user.scope) or abort(404)
    body = {"round": row.id, "as_of": row.as_of.isoformat(), "source": row.source or "store", "created_by": row.created_by,
            "screening": report.model_dump(mode="json")}
    if compared is not None:
        body["compared_with"] = {"round": compared.previous, "became_wajib": [v.kode for v in compared.became_wajib],
                                 "dropped_out": [old.kode for old, _ in compared.dropped_out],
                                 "still_unmet": [v.kode for v in compared.still_unmet],
                                 "only_previous": [v.kode for v in compared.only_previous],
                                 "only_current": [v.kode for v in compared.only_current]}
    return body
