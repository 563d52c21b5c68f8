"""Submitting dossiers: each file becomes a new version of its village or kecamatan, or is refused."""

from __future__ import annotations

from flask import Blueprint, g, request

from ... import i18n
from ..access import allow
from ..runtime import service
from ..submissions import ACCEPTED, MAX_FILES, submit_many
from .common import active_waivers, address, lang, page, upload_name

blueprint = Blueprint("submit", __name__)


@blueprint.route("/kirim", methods=["GET", "POST"])
@allow("facilitator", "admin")
def upload():
    if request.method == "GET":
        return page("svc_submit.html.j2", accepted=ACCEPTED)
    files = [f for f in request.files.getlist("dossier") if f.filename]
    if not files:
        return page("svc_submit.html.j2", 400, accepted=ACCEPTED, error=i18n.text("web.no_file", lang()))
    if len(files) > MAX_FILES:
        error = i18n.text("web.too_many_files", lang(), count=len(files), max_files=MAX_FILES)
        return page("svc_submit.html.j2", 413, accepted=ACCEPTED, error=error)
    uploaded = [(upload_name(f, "dossier"), f.read()) for f in files]
    outcomes = submit_many(service().store, service().pool, g.user, uploaded, lang(), address(), active_waivers())
    refused = any(not hasattr(o, "version") for o in outcomes)
    return page("svc_submit.html.j2", 422 if refused and len(outcomes) == 1 else 200, accepted=ACCEPTED, outcomes=outcomes)
