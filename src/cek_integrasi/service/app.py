"""The application factory: the service object (store, checking pool, caches), the blueprints, security settings and logs."""

from __future__ import annotations

import logging
import secrets
import time
from pathlib import Path

from flask import Flask, current_app, g, request
from flask_wtf.csrf import CSRFProtect

from .. import i18n, web_pages
from ..packs.rulepack import RulePack
from .access import SESSION_HOURS, guard
from ..evaluation.pool import Pool
from .checking import service_pool
from .pages import error_page, template_helpers
from .runtime import EXTENSION, Service, Settings, service
from .store import Store
from .submissions import MAX_FILES
from .views import about, admin, api, auth, dashboard, evidence, forms, review, screening, submit, waivers

log = logging.getLogger("cek_integrasi.service")
ERROR_PAGES = web_pages.ErrorPages(error_page, csrf="svc.csrf", internal="svc.internal",
                                   statuses={403: "svc.forbidden", 404: "web.not_found"}, max_files=MAX_FILES, log=log)


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
    pool = pool or service_pool(packs, settings.jobs, settings.check_timeout, settings.check_memory_mb, forced)
    app.extensions[EXTENSION] = Service(Store(settings.database), pool, settings)
    app.before_request(_upload_limit)  # before the CSRF check, which reads the form
    csrf = CSRFProtect(app)

    csrf.exempt(api.blueprint)  # access.guard checks the CSRF token of API changes made with a login session

    for module in (auth, dashboard, evidence, forms, review, submit, waivers, screening, admin, about, api):
        app.register_blueprint(module.blueprint)

    app.before_request(_start_timer)
    app.before_request(guard)
    app.after_request(_finish)
    app.context_processor(template_helpers)
    web_pages.install(app, ERROR_PAGES)
    return app


def _upload_limit():
    """A view that takes another size of upload than the forms names the Settings field of its limit in MB
    (`upload_setting`, views.common.upload_limit): that limit applies to its request."""
    view = current_app.view_functions.get(request.endpoint) if request.endpoint else None
    setting = getattr(view, "upload_setting", None)
    if setting:
        g.upload_limit_mb = getattr(service().settings, setting)
        request.max_content_length = (g.upload_limit_mb + 1) * 1024 * 1024  # the file and the form's few fields


def _start_timer():
    g.started = time.perf_counter()


def _finish(response):
    if request.args.get("lang") in i18n.LANGUAGES:
        response.set_cookie("lang", request.args["lang"], max_age=365 * 86400, httponly=True, samesite="Lax")
    user = g.get("user")
    elapsed = (time.perf_counter() - g.get("started", time.perf_counter())) * 1000
    log.info('%s %s "%s %s" %s %.0fms', request.remote_addr, user.name if user else "-", request.method, request.path, response.status_code, elapsed)
    return response
