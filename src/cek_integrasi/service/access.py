"""Who is asking and what they may see: login sessions and the authorization of every route.

Every view declares the roles it serves with `@allow(...)`; `guard` runs before every request and
refuses a route that declares nothing (fail closed), a visitor who is not signed in, and a role the
route does not serve. What a user may see inside a route is their scope (`Principal.scope`, by the one
rule of scoping.py): an admin sees everything, a supervisor the whole store or the kecamatan given, a
facilitator only the kecamatan given. Something outside the scope is answered as if it did not exist
(404: `require_scope`, `scoped`).
Under /api/ a request may instead carry an API token (`Authorization: Bearer`, see tokens.py): it
acts with the token's role and kecamatan and needs no CSRF token (a browser cannot send that header
across sites); an API change made with a login session needs the CSRF token like a form.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import secrets
from typing import TypeVar

from flask import abort, current_app, g, jsonify, redirect, request, session, url_for
from sqlalchemy import bindparam, delete, select

from .. import i18n
from .runtime import service
from .scoping import Principal
from .store import TOKEN_PREFIX, LoginSession, User, UserKecamatan, utcnow

PUBLIC = "public"
ANY = ("admin", "supervisor", "facilitator")
SESSION_HOURS = 12
T = TypeVar("T")


def allow(*roles: str):
    """Declare the roles a view serves (PUBLIC: anyone, signed in or not)."""

    def mark(view):
        view.allowed = frozenset(roles)
        return view

    return mark


def _token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def start_session(db, user: User) -> None:
    """Sign a user in: a new random token (a fresh Flask session, so a fresh CSRF token too)."""
    token = secrets.token_urlsafe(32)
    db.add(LoginSession(token_hash=_token_hash(token), user_id=user.id, expires_at=utcnow() + dt.timedelta(hours=SESSION_HOURS)))
    session.clear()
    session["sid"] = token
    session.permanent = True


def end_session(db) -> None:
    token = session.pop("sid", None)
    if token:
        db.execute(delete(LoginSession).where(LoginSession.token_hash == _token_hash(token)))
    session.clear()


def end_other_sessions(db, user_id: int) -> None:
    """After a password change: every other browser of this user is signed out."""
    keep = _token_hash(session.get("sid", ""))
    db.execute(delete(LoginSession).where(LoginSession.user_id == user_id, LoginSession.token_hash != keep))


def token_principal() -> Principal | None:
    """The API token of an `Authorization: Bearer` header, as a principal of its role and kecamatan."""
    from .tokens import find

    header = request.headers.get("Authorization", "")
    if not header.startswith("Bearer "):
        return None
    row = find(service().store, header[len("Bearer "):].strip())
    return Principal(None, TOKEN_PREFIX + row.label, row.role, frozenset(row.kecamatan)) if row else None


# the signed-in user of a session token's hash, a row per kecamatan of theirs (one row with None: none);
# built once and read on a plain connection: it runs before every request
_SIGNED_IN = (
    select(User.id, User.name, User.role, LoginSession.expires_at, UserKecamatan.kode)
    .join(LoginSession, LoginSession.user_id == User.id)
    .outerjoin(UserKecamatan, UserKecamatan.user_id == User.id)
    .where(LoginSession.token_hash == bindparam("token_hash"))
)


def current_principal() -> Principal | None:
    token = session.get("sid")
    if not token:
        return None
    with service().store.connect() as connection:
        rows = connection.execute(_SIGNED_IN, {"token_hash": _token_hash(token)}).all()
    if not rows or rows[0].expires_at < utcnow():
        return None
    first = rows[0]
    return Principal(first.id, first.name, first.role, frozenset(row.kode for row in rows if row.kode is not None))


def guard():
    """Before every request: the route must declare its roles, and the user must hold one."""
    view = current_app.view_functions.get(request.endpoint) if request.endpoint else None
    if view is None:
        return None  # Flask answers 404 or 405 itself
    allowed = getattr(view, "allowed", None)
    if not allowed:
        abort(403)
    api = request.path.startswith("/api/")
    g.by_token = api and "Authorization" in request.headers
    g.user = token_principal() if g.by_token else current_principal()
    if PUBLIC in allowed:
        return None
    if g.user is None:
        if api:
            lang = request.args.get("lang") or i18n.DEFAULT
            return jsonify(error=i18n.text("svc.bad_token" if g.by_token else "svc.login_required", lang)), 401
        return redirect(url_for("auth.login", next=request.full_path.rstrip("?") if request.method == "GET" else None))
    if g.user.role not in allowed:
        abort(403)
    if api and not g.by_token and request.method not in ("GET", "HEAD", "OPTIONS"):
        current_app.extensions["csrf"].protect()  # the API is exempt from the forms' check; a browser session still needs the token
    return None


def require_scope(kecamatan: str) -> None:
    """Answer 404 when the kecamatan is outside the user's scope."""
    if not g.user.sees(kecamatan):
        abort(404)


def scoped(db, table: type[T], key) -> T:
    """The row of `table` (a dossier, a version, evidence: anything with a kecamatan) by its key if the user may
    see it; 404 otherwise (missing or outside its scope)."""
    row = db.get(table, key) or abort(404)
    require_scope(row.kecamatan)
    return row
