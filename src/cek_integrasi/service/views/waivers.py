"""Waiver requests: a facilitator asks for one on its kecamatan's dossiers, an admin decides."""

from __future__ import annotations

import datetime as dt

from flask import Blueprint, abort, g, redirect, request, url_for

from ... import i18n
from .. import waiver_requests
from ..access import allow
from ..runtime import service
from ..submissions import options
from .common import address, lang, page

blueprint = Blueprint("waivers", __name__)


def _page(status: int = 200, **context):
    return page("svc_waiver_requests.html.j2", status, requests=waiver_requests.listed(service().store, g.user.scope),
                today=options(service().store).as_of, **context)


@blueprint.get("/pengecualian")
@allow("facilitator", "admin")
def requests():
    return _page(code=request.args.get("kode", ""), rule=request.args.get("aturan", ""))


@blueprint.post("/pengecualian")
@allow("facilitator", "admin")
def ask():
    form = request.form
    try:
        waiver_requests.request(service().store, service().packs, g.user, form.get("aturan", ""), form.get("kode", ""), form.get("dokumen"),
                                form.get("alasan", ""), address())
    except waiver_requests.RequestError as error:
        return _page(400, error=i18n.text(f"svc.{error}", lang()), code=form.get("kode", ""), rule=form.get("aturan", ""))
    return redirect(url_for("waivers.requests"))


def _date(value: str | None) -> dt.date | None:
    try:
        return dt.date.fromisoformat(value or "")
    except ValueError:
        return None


@blueprint.post("/pengecualian/<int:request_id>/putusan")
@allow("admin")
def decide(request_id: int):
    form = request.form
    try:
        waiver_requests.decide(service().store, request_id, form.get("putusan") == "setujui", g.user.name, _date(form.get("dari")),
                               _date(form.get("sampai")), form.get("catatan", ""), address())
    except KeyError:
        abort(404)
    except waiver_requests.RequestError as error:
        return _page(400, error=i18n.text(f"svc.{error}", lang()))
    return redirect(url_for("waivers.requests"))
