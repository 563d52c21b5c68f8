"""The application factory: the store, the checking pool, the blueprints, security settings and logs."""

from __future__ import annotations

import logging
import secrets
import time
from dataclasses import dataclass
from pathlib import Path

from flask import Flask, current_app, g, render_template, request
from flask_wtf.csrf import CSRFError, CSRFProtect
from werkzeug.exceptions import HTTPException, RequestEntityTooLarge

from .. import __version__, i18n
from ..packs.rulepack import RulePack
from .access import SESSION_HOURS, guard
from ..evaluation.pool import Pool
from .checking import service_pool
from .progress import WeeklyCache
from .waiver_files import ActiveWaivers
from .store import Store
from .submissions import MAX_FILES

log = logging.getLogger("cek_integrasi.service")


@dataclass
class Settings:
    data: Path
    database: str
    max_upload_mb: int = 10
    max_evidence_mb: int = 10  # one evidence file (a scan or photo)
    jobs: int = 2
    check_timeout: float = 20.0
    check_memory_mb: int = 1024
    secure_cookies: bool = False  # set behind a TLS reverse proxy


def secret_key(data: Path) -> bytes:
    """The key that signs session cookies, made once and kept in the data folder (readable by its owner only)."""
    path = data / "secret.key"
    if not path.exists():
        data.mkdir(parents=True, exist_ok=True)
        path.touch(mode=0o600)
        path.write_bytes(secrets.token_bytes(32))
    return path.read_bytes()


def create_app(packs: list[RulePack] | RulePack, settings: Settings, pool: Pool | None = None, forced: bool = False) -> Flask:
    """The service on the store of `settings`; `pool` checks the uploads (made from `packs` if not given)."""
    app = Flask(__name__, template_folder="templates", static_folder=None)
    app.jinja_env.autoescape = True
    app.config.update(
        SECRET_KEY=secret_key(settings.data),
        MAX_CONTENT_LENGTH=settings.max_upload_mb * 1024 * 1024,
        MAX_FORM_PARTS=2 * MAX_FILES + 20,  # the files and the form's few fields
        SESSION_COOKIE_NAME="cek_sesi",
        SESSION_COOKIE_HTTPONLY=True,
        SESSION_COOKIE_SAMESITE="Lax",
        SESSION_COOKIE_SECURE=settings.secure_cookies,
        PERMANENT_SESSION_LIFETIME=SESSION_HOURS * 3600,
        SESSION_REFRESH_EACH_REQUEST=False,  # the cookie ends with the login it carries: nothing to re-sign on every page
        WTF_CSRF_TIME_LIMIT=None,  # the token lives as long as the login session
    )
    store = Store(settings.database)
    app.extensions["cek_store"] = store
    pool = pool or service_pool(packs, settings.jobs, settings.check_timeout, settings.check_memory_mb, forced)
    app.extensions["cek_pool"] = pool
    app.extensions["cek_packs"] = pool.packs  # the packs the uploads are checked with
    app.extensions["cek_settings"] = settings
    app.extensions["cek_progress"] = WeeklyCache()
    app.extensions["cek_waivers"] = ActiveWaivers(pool.packs)
    app.before_request(_upload_limit)  # before the CSRF check, which reads the form
    csrf = CSRFProtect(app)

    from .views import about, admin, api, auth, dashboard, evidence, forms, review, screening, submit, waivers

    csrf.exempt(api.blueprint)  # access.guard checks the CSRF token of API changes made with a login session

    for module in (auth, dashboard, evidence, forms, review, submit, waivers, screening, admin, about, api):
        app.register_blueprint(module.blueprint)

    app.before_request(_start_timer)
    app.before_request(guard)
    app.after_request(_finish)
    app.context_processor(_template_helpers)

    @app.errorhandler(CSRFError)
    def csrf_refused(error):
        return _error_page(400, i18n.text("svc.csrf", current_lang()))

    @app.errorhandler(RequestEntityTooLarge)
    def too_large(_error):
        if (request.content_length or 0) <= request.max_content_length:  # werkzeug: more parts than MAX_FORM_PARTS
            return _error_page(413, i18n.text("web.too_many_parts", current_lang(), max_files=MAX_FILES))
        return _error_page(413, i18n.text("web.too_large", current_lang(), max_mb=g.get("upload_limit_mb", settings.max_upload_mb)))

    @app.errorhandler(HTTPException)
    def http_error(error):
        key = {403: "svc.forbidden", 404: "web.not_found"}.get(error.code, "web.bad_request")
        return _error_page(error.code or 500, i18n.text(key, current_lang()))

    @app.errorhandler(Exception)
    def failure(error):
        log.exception("error on %s %s", request.method, request.path)
        return _error_page(500, i18n.text("svc.internal", current_lang()))

    return app


def current_lang() -> str:
    chosen = request.args.get("lang") or request.cookies.get("lang") or i18n.DEFAULT
    return chosen if chosen in i18n.LANGUAGES else i18n.DEFAULT


def _template_helpers() -> dict:
    lang = current_lang()
    return dict(
        lang=lang, t=lambda key, **kw: i18n.text(key, lang, **kw), show=lambda value: i18n.show(value, lang),
        user=g.get("user"), version=__version__,
    )


def _error_page(code: int, message: str):
    if request.path.startswith("/api/"):
        return {"error": message}, code
    return render_template("svc_error.html.j2", code=code, message=message), code


def _upload_limit():
    """A view that takes another size of upload than the forms names the Settings field of its limit in MB
    (`upload_setting`, views.common.upload_limit): that limit applies to its request."""
    view = current_app.view_functions.get(request.endpoint) if request.endpoint else None
    setting = getattr(view, "upload_setting", None)
    if setting:
        g.upload_limit_mb = getattr(current_app.extensions["cek_settings"], setting)
        request.max_content_length = (g.upload_limit_mb + 1) * 1024 * 1024  # the file and the form's few fields


def _start_timer():
    g.started = time.perf_counter()


def _finish(response):
    if request.args.get("lang") in i18n.LANGUAGES:
        response.set_cookie("lang", request.args["lang"], max_age=365 * 86400, httponly=True, samesite="Lax")
    response.headers.setdefault("X-Content-Type-Options", "nosniff")
    response.headers.setdefault("X-Frame-Options", "DENY")
    response.headers.setdefault("Content-Security-Policy", "default-src 'none'; style-src 'unsafe-inline'; img-src 'self' data:; form-action 'self'")
    response.headers.setdefault("Referrer-Policy", "same-origin")
    user = g.get("user")
    elapsed = (time.perf_counter() - g.get("started", time.perf_counter())) * 1000
    log.info('%s %s "%s %s" %s %.0fms', request.remote_addr, user.name if user else "-", request.method, request.path, response.status_code, elapsed)
    return response
