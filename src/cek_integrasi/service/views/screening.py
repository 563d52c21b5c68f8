"""Screening rounds: the Setrawan (an admin or supervisor) screens a roster or the store's villages; all see the rounds in their scope."""

from __future__ import annotations

import datetime as dt

from flask import Blueprint, abort, g, redirect, request, url_for

from ... import i18n
from ...evaluation.pool import WorkerDied
from .. import screening_rounds
from ..access import ANY, allow
from ..runtime import service
from ..submissions import options
from .common import address, lang, page, upload_name

blueprint = Blueprint("screening", __name__)


def _page(status: int = 200, **context):
    return page("svc_screening.html.j2", status, rounds=screening_rounds.rounds(service().store), today=options(service().store).as_of, **context)


@blueprint.get("/penyaringan")
@allow(*ANY)
def rounds():
    return _page()


@blueprint.post("/penyaringan")
@allow("admin", "supervisor")
def new_round():
    if request.form.get("dari") == "data":
        round_id = screening_rounds.from_store(service().store, service().pool, g.user.name, address())
        return redirect(url_for("screening.one_round", round_id=round_id))
    upload = request.files.get("roster")
    if upload is None or not upload.filename:
        return _page(400, error=i18n.text("web.no_file", lang()))
    try:
        as_of = dt.date.fromisoformat(request.form.get("tanggal") or options(service().store).as_of.isoformat())
    except ValueError:
        return _page(400, error=i18n.text("svc.screening_bad_date", lang()))
    name = upload_name(upload, "daftar.csv")
    try:
        round_id = screening_rounds.from_roster(service().store, service().pool, name, upload.read(), as_of, g.user.name, address(), lang())
    except screening_rounds.RosterRefused as refused:
        return _page(400, error=str(refused))
    except TimeoutError:
        return _page(400, error=i18n.text("svc.timed_out", lang(), seconds=int(service().pool.timeout)))
    except WorkerDied:
        return _page(400, error=i18n.text("svc.crashed", lang(), memory=service().pool.memory_mb))
    return redirect(url_for("screening.one_round", round_id=round_id))


@blueprint.get("/penyaringan/<int:round_id>")
@allow(*ANY)
def one_round(round_id: int):
    row, report, compared = screening_rounds.scoped(service().store, service().packs, round_id, lang(), g.user.scope) or abort(404)
    return page("svc_screening_round.html.j2", round=row, report=report, compared=compared)
