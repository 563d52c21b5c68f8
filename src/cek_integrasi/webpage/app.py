"""A local web page for facilitators: upload dossiers, read the findings, download the report.

Flask, bound to 127.0.0.1 by default. Only loopback host names are served and every POST must come
from the page itself (guard.py, a CSRF token from Flask-WTF): another site cannot drive it.
Uploads are limited in size and number of files, kept in memory for the language switch, checked
off the request threads (jobs.py) and written only into a temporary folder that is removed as
soon as the check is done (checking.py). Everything shown is escaped by Jinja2; no resource is loaded
from the network. The routes are a blueprint (views.py); the security headers and the error pages are
the service's (web_pages.py), every refusal and error a page in the user's language.
"""

from __future__ import annotations

import functools
import logging
import secrets
from collections.abc import Iterable

from flask import Flask, g, request
from flask_wtf.csrf import CSRFProtect

from .. import web_pages
from ..packs.rulepack import RulePack
from . import checking, views
from .guard import allowed_names, host_allowed, origin_allowed
from ..evaluation.pool import Pool
from .jobs import Checks
from .state import EXTENSION, LocalPage

KEEP = 20  # uploads kept in memory for the language switch and downloads
MAX_FILES = 500  # files in one upload
FORM_FIELDS = 16  # room for the form's other fields in the parts of an upload


def create_app(
    packs: RulePack | list[RulePack],
    max_upload_mb: int = 10,
    jobs: int = 1,
    allow_hosts: Iterable[str] = (),
    max_files: int = MAX_FILES,
    wait_seconds: float = 1.0,
    forced: bool = False,
) -> Flask:
    """The page. `packs`: the packs judging uploads by plan year (or the one named with --pack:
    `forced`); `allow_hosts`: host names served besides the loopback ones (--allow-host);
    `wait_seconds`: how long a request waits for a check before showing "being checked"."""
    packs = packs if isinstance(packs, list) else [packs]
    app = Flask(__name__, template_folder="../templates")
    app.jinja_env.autoescape = True  # our templates end in .j2, which Flask would not escape by default
    app.config["MAX_CONTENT_LENGTH"] = max_upload_mb * 1024 * 1024
    app.config["MAX_FORM_PARTS"] = max_files + FORM_FIELDS
    app.config["SECRET_KEY"] = secrets.token_bytes(32)  # signs the CSRF session cookie; new at every start
    app.config["WTF_CSRF_TIME_LIMIT"] = None  # a page left open overnight still posts
    pool = Pool(packs, jobs, forced=forced)  # its workers start at the first check, from a fork server
    app.extensions[EXTENSION] = LocalPage(packs, Checks(functools.partial(checking.check, pool=pool), keep=KEEP), max_upload_mb,
                                          max_files, wait_seconds)
    names = allowed_names(allow_hosts)

    @app.before_request
    def same_site_only():
        """Refuse another host name (DNS rebinding) and a POST from another site, before anything else."""
        if not host_allowed(request.host, names):
            return views.refused("web.foreign_host", 403, host=request.host)
        if request.method == "POST" and not origin_allowed(request.headers.get("Origin"), names):
            return views.refused("web.foreign_origin", 403)
        g.same_site = True  # from here on the form may be read
        return None

    CSRFProtect(app)  # after the guard: a refused request is not even parsed
    app.register_blueprint(views.blueprint)
    web_pages.install(app, web_pages.ErrorPages(views.refusal, csrf="web.csrf", internal="web.internal_error",
                                                statuses={404: "web.not_found"}, max_files=max_files,
                                                log=logging.getLogger("cek_integrasi.webpage")))
    return app
