"""Signing in (throttled), signing out, changing one's password."""

from __future__ import annotations

from urllib.parse import urlsplit

from flask import Blueprint, g, redirect, request, session, url_for
from sqlalchemy import select

from ... import i18n
from .. import audit_log
from ..access import ANY, PUBLIC, allow, end_other_sessions, end_session, start_session
from ..accounts import FAILED_LOGIN, AccountError, address_blocked, hash_password, locked, record_failure, verify
from ..runtime import service
from ..store import User, utcnow
from .common import address, lang, page

blueprint = Blueprint("auth", __name__)


def _safe_next(target: str | None) -> str:
    """Only a plain path of this site: no scheme, no host, no backslash, no whitespace or control
    character (browsers drop tabs and newlines, so `/\t/evil.example` would become `//evil.example`)."""
    if target and target.startswith("/") and not target.startswith("//") and "\\" not in target \
            and all(c.isprintable() and not c.isspace() for c in target):
        parts = urlsplit(target)
        if not parts.scheme and not parts.netloc:
            return target
    return url_for("dashboard.overview")


@blueprint.route("/masuk", methods=["GET", "POST"])
@allow(PUBLIC)
def login():
    if request.method == "GET":
        return page("svc_login.html.j2", next=request.args.get("next", ""))
    name, password = request.form.get("name", "").strip(), request.form.get("password", "")
    with service().store.writing() as db, db.begin():
        if address_blocked(db, address()):
            return page("svc_login.html.j2", 429, error=i18n.text("svc.throttled", lang()), next="")
        user = db.scalar(select(User).where(User.name == name))
        if locked(user):
            db.add(audit_log.entry(name, "login_locked", address()))
            return page("svc_login.html.j2", 429, error=i18n.text("svc.throttled", lang()), next="")
        if not verify(user, password):
            if user is not None:
                record_failure(user)
            db.add(audit_log.entry(name[:64], FAILED_LOGIN, address()))
            return page("svc_login.html.j2", 401, error=i18n.text("svc.bad_login", lang()), next="")
        user.failed_logins, user.locked_until = 0, None
        start_session(db, user)
        if user.last_login_at is not None:  # the dashboard shows what changed since (news.py)
            session["since"] = user.last_login_at.isoformat()
        user.last_login_at = utcnow()
        db.add(audit_log.entry(user.name, "login", address()))
    return redirect(_safe_next(request.form.get("next")))


@blueprint.post("/keluar")
@allow(*ANY)
def logout():
    with service().store.writing() as db, db.begin():
        end_session(db)
        db.add(audit_log.entry(g.user.name, "logout", address()))
    return redirect(url_for("auth.login"))


@blueprint.route("/akun/sandi", methods=["GET", "POST"])
@allow(*ANY)
def password():
    if request.method == "GET":
        return page("svc_password.html.j2")
    new = request.form.get("new", "")
    if new != request.form.get("repeat", ""):
        return page("svc_password.html.j2", 400, error=i18n.text("svc.password_mismatch", lang()))
    with service().store.writing() as db, db.begin():
        user = db.get(User, g.user.id)
        if not verify(user, request.form.get("current", "")):
            return page("svc_password.html.j2", 400, error=i18n.text("svc.bad_login", lang()))
        try:
            user.password_hash = hash_password(new)
        except AccountError as error:
            return page("svc_password.html.j2", 400, error=i18n.text(f"svc.{error}", lang()))
        end_other_sessions(db, user.id)
        db.add(audit_log.entry(user.name, "password_changed", address()))
    return page("svc_password.html.j2", done=True)
