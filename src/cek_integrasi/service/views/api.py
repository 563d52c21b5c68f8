"""A small JSON API for scripts, under the same login and scope as the pages."""

from __future__ import annotations

from dataclasses import asdict

from flask import Blueprint, Response, abort, g

from .. import queries
from ..access import ANY, allow, require_scope
from ..store import Subject
from .common import lang, store

blueprint = Blueprint("api", __name__, url_prefix="/api")


@blueprint.get("/kecamatan")
@allow(*ANY)
def kecamatan():
    with store().reading() as db:
        return {"kecamatan": [asdict(row) for row in queries.kecamatan_rows(db, g.user.scope)]}


@blueprint.get("/desa/<code>")
@allow(*ANY)
def dossier(code: str):
    """The latest result of a dossier, as in the JSON report of `check`."""
    with store().reading() as db:
        subject = db.get(Subject, code) or abort(404)
        require_scope(subject.kecamatan)
        body = subject.latest.result(lang())
    return Response(body, mimetype="application/json")


@blueprint.get("/desa/<code>/versi")
@allow(*ANY)
def versions(code: str):
    with store().reading() as db:
        subject = db.get(Subject, code) or abort(404)
        require_scope(subject.kecamatan)
        return {"code": code, "versions": [
            {"version": s.version, "submitted_at": s.submitted_at.isoformat(), "file": s.filename, "sha256": s.blob_sha256,
             "verdict": s.verdict, "errors": s.errors, "warnings": s.warnings}
            for s in queries.versions(db, code)
        ]}
