"""Administration (admin only): accounts, kecamatan, the kabupaten's checking options and waivers, the audit log."""

from __future__ import annotations

import datetime as dt

from flask import Blueprint, abort, g, redirect, request, url_for
from sqlalchemy import select

from ... import i18n
from .. import audit_log, tokens, waiver_files
from ..access import allow
from ..accounts import AccountError, add_user
from ..runtime import service
from ..store import KODE, ROLES, TEKS, ApiToken, AuditEntry, Kecamatan, Setting, User, WaiverFile
from .common import address, lang, page, upload_name

blueprint = Blueprint("admin", __name__, url_prefix="/admin")


def _users_page(status: int = 200, **context):
    with service().store.reading() as db:
        users = list(db.scalars(select(User).order_by(User.name)))
        places = list(db.scalars(select(Kecamatan).order_by(Kecamatan.nama)))
    return page("svc_users.html.j2", status, users=users, places=places, roles=ROLES, **context)


@blueprint.get("/pengguna")
@allow("admin")
def users():
    return _users_page()


@blueprint.post("/pengguna")
@allow("admin")
def add():
    kecamatan = [k for k in request.form.getlist("kecamatan") if k]
    try:
        with service().store.writing() as db, db.begin():
            add_user(db, request.form.get("name", ""), request.form.get("role", ""), request.form.get("password", ""),
                     kecamatan, by=g.user.name)
    except AccountError as error:
        return _users_page(400, error=i18n.text(f"svc.{error}", lang()))
    return redirect(url_for("admin.users"))


@blueprint.get("/kecamatan")
@allow("admin")
def places():
    with service().store.reading() as db:
        rows = list(db.scalars(select(Kecamatan).order_by(Kecamatan.kode)))
    return page("svc_places.html.j2", places=rows)


@blueprint.post("/kecamatan")
@allow("admin")
def add_place():
    kode, nama, kabupaten = (request.form.get(field, "").strip() for field in ("kode", "nama", "kabupaten"))
    if not kode or not nama or len(kode) > KODE or len(nama) > TEKS or len(kabupaten) > TEKS:
        return page("svc_places.html.j2", 400, places=[], error=i18n.text("svc.bad_place", lang()))
    with service().store.writing() as db, db.begin():
        place = db.get(Kecamatan, kode) or Kecamatan(kode=kode, nama=nama)
        place.nama, place.kabupaten = nama, kabupaten
        db.add(place)
        db.add(audit_log.entry(g.user.name, "kecamatan_saved", address(), kode=kode, nama=nama))
    return redirect(url_for("admin.places"))


@blueprint.route("/pengaturan", methods=["GET", "POST"])
@allow("admin")
def options():
    if request.method == "POST":
        as_of = request.form.get("as_of", "").strip()
        try:
            as_of and dt.date.fromisoformat(as_of)
        except ValueError:
            return page("svc_options.html.j2", 400, as_of=as_of, complete=False, error=i18n.text("ui.bad_date", lang(), value=as_of))
        complete = "1" if request.form.get("complete") else "0"
        with service().store.writing() as db, db.begin():
            for key, value in (("as_of", as_of), ("complete", complete)):
                db.merge(Setting(key=key, value=value))
            db.add(audit_log.entry(g.user.name, "options_saved", address(), as_of=as_of, complete=complete == "1"))
    with service().store.reading() as db:
        settings = {s.key: s.value for s in db.scalars(select(Setting))}
    return page("svc_options.html.j2", as_of=settings.get("as_of", ""), complete=settings.get("complete") == "1",
                saved=request.method == "POST")


@blueprint.get("/audit")
@allow("admin")
def audit():
    with service().store.reading() as db:
        entries = list(db.scalars(select(AuditEntry).order_by(AuditEntry.id.desc()).limit(500)))
    return page("svc_audit.html.j2", entries=[(e, *audit_log.shown(e.action, e.detail, lang())) for e in entries])


def _waivers_page(status: int = 200, **context):
    with service().store.reading() as db:
        files = list(db.scalars(select(WaiverFile).order_by(WaiverFile.id.desc())))
    return page("svc_waivers.html.j2", status, files=files, **context)


@blueprint.get("/pengecualian")
@allow("admin")
def waivers():
    return _waivers_page()


@blueprint.post("/pengecualian")
@allow("admin")
def add_waivers():
    upload = request.files.get("waivers")
    if upload is None or not upload.filename:
        return _waivers_page(400, errors=[i18n.text("web.no_file", lang())])
    name = upload_name(upload, "pengecualian.yaml")
    errors = waiver_files.add(service().store, service().packs, name, upload.read(), g.user.name, address(), lang())
    if errors:
        return _waivers_page(400, errors=errors, refused=name)
    return redirect(url_for("admin.waivers"))


@blueprint.post("/pengecualian/<int:file_id>/nonaktif")
@allow("admin")
def deactivate_waivers(file_id: int):
    if not waiver_files.deactivate(service().store, file_id, g.user.name, address()):
        abort(404)
    return redirect(url_for("admin.waivers"))


def _tokens_page(status: int = 200, **context):
    with service().store.reading() as db:
        rows = list(db.scalars(select(ApiToken).order_by(ApiToken.id.desc())))
        places = list(db.scalars(select(Kecamatan).order_by(Kecamatan.nama)))
    return page("svc_tokens.html.j2", status, tokens=rows, places=places, roles=ROLES, **context)


@blueprint.get("/token")
@allow("admin")
def api_tokens():
    return _tokens_page()


@blueprint.post("/token")
@allow("admin")
def issue_token():
    try:
        token = tokens.issue(service().store, request.form.get("label", ""), request.form.get("role", ""),
                             [k for k in request.form.getlist("kecamatan") if k], g.user.name, address())
    except tokens.TokenError as error:
        return _tokens_page(400, error=i18n.text(f"svc.{error}", lang()))
    return _tokens_page(new_token=token)  # shown this once


@blueprint.post("/token/<int:token_id>/cabut")
@allow("admin")
def revoke_token(token_id: int):
    if not tokens.revoke(service().store, token_id, g.user.name, address()):
        abort(404)
    return redirect(url_for("admin.api_tokens"))
