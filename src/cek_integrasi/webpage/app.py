"""A local web page for facilitators: upload dossiers, read the findings, download the report.

Flask, bound to 127.0.0.1 by default. Only loopback host names are served and every POST must come
from the page itself (guard.py, a CSRF token from Flask-WTF): another site cannot drive it.
Uploads are limited in size and number of files, kept in memory for the language switch, checked
off the request threads (jobs.py) and written only into a temporary folder that is removed as
soon as the check is done. Everything shown is escaped by Jinja2; no resource is loaded from the
network. Every refusal and error is a page in the user's language.
"""

from __future__ import annotations

import datetime as dt
import secrets
import tempfile
from collections.abc import Iterable
from concurrent.futures import CancelledError
from concurrent.futures import TimeoutError as NotYet
from pathlib import Path

from flask import Flask, Response, abort, g, redirect, render_template, request, url_for
from flask_wtf.csrf import CSRFError, CSRFProtect
from werkzeug.exceptions import HTTPException, RequestEntityTooLarge
from werkzeug.utils import secure_filename

from .. import __version__, i18n
from ..packs.facts import Context
from ..reports.html_report import render_html
from ..errors import InputError
from ..reports.check_output import render_problem
from ..evaluation.results import Report
from ..packs.rulepack import RulePack
from ..evaluation.run import DOSSIER_SUFFIXES, Run, combined
from ..evaluation.waivers import WaiverSet, load_waivers
from .guard import allowed_names, host_allowed, origin_allowed
from .jobs import Checks, Upload
from ..reports.xlsx_report import report_workbook
from ..dossiers.workbook_layout import asked

ACCEPTED = DOSSIER_SUFFIXES  # what `check` reads below a folder
KEEP = 20  # uploads kept in memory for the language switch and downloads
MAX_FILES = 500  # files in one upload
FORM_FIELDS = 16  # room for the form's other fields in the parts of an upload
WAIVER_SUFFIXES = (".yaml", ".yml", ".json")
TEMPLATE_KINDS = ("desa", "kecamatan")
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def create_app(
    packs: RulePack | list[RulePack],
    max_upload_mb: int = 10,
    jobs: int = 1,
    upload_root: str | None = None,
    allow_hosts: Iterable[str] = (),
    max_files: int = MAX_FILES,
    wait_seconds: float = 1.0,
    forced: bool = False,
) -> Flask:
    """The page. `packs`: the packs judging uploads by plan year (or the one named with --pack:
    `forced`); `allow_hosts`: host names served besides the loopback ones (--allow-host);
    `wait_seconds`: how long a request waits for a check before showing "being checked"."""
    packs = packs if isinstance(packs, list) else [packs]
    stages_known = {code: stage for pack in packs for code, stage in pack.plan.stages.items()}
    app = Flask(__name__, template_folder="../templates")
    app.jinja_env.autoescape = True  # our templates end in .j2, which Flask would not escape by default
    app.config["MAX_CONTENT_LENGTH"] = max_upload_mb * 1024 * 1024
    app.config["MAX_FORM_PARTS"] = max_files + FORM_FIELDS
    app.config["SECRET_KEY"] = secrets.token_bytes(32)  # signs the CSRF session cookie; new at every start
    app.config["WTF_CSRF_TIME_LIMIT"] = None  # a page left open overnight still posts
    names = allowed_names(allow_hosts)

    @app.before_request
    def same_site_only():
        """Refuse another host name (DNS rebinding) and a POST from another site, before anything else."""
        if not host_allowed(request.host, names):
            return refused("web.foreign_host", 403, host=request.host)
        if request.method == "POST" and not origin_allowed(request.headers.get("Origin"), names):
            return refused("web.foreign_origin", 403)
        g.same_site = True  # from here on the form may be read
        return None

    CSRFProtect(app)  # after the guard: a refused request is not even parsed

    def lang() -> str:
        chosen = request.args.get("lang") or _form(request).get("lang") or i18n.DEFAULT
        return chosen if chosen in i18n.LANGUAGES else i18n.DEFAULT

    def page(template: str, **context):
        current = lang()
        return render_template(
            template,
            lang=current,
            t=lambda key, **kw: i18n.text(key, current, **kw),
            show=lambda value: i18n.show(value, current),
            version=__version__,
            pack=combined(packs),
            max_files=max_files,
            **context,
        )

    def refused(key: str, status: int, **context):
        return page("web_message.html.j2", message=i18n.text(key, lang(), **context)), status

    def check(upload: Upload, language: str) -> Report:
        with tempfile.TemporaryDirectory(prefix="cek-integrasi-", dir=upload_root) as folder:
            paths = []
            for i, (name, data) in enumerate(upload.files):
                path = Path(folder) / f"{i:03d}_{name}"
                path.write_bytes(data)
                paths.append(path)
            waivers = _waivers(upload.waivers, folder, {r.id for pack in packs for r in pack.rules})
            run = Run(packs, language, waivers, paths, Context(as_of=upload.as_of, before=upload.before), jobs, forced)
            report = Report(**run.header(), dossiers=list(run.results()), **run.footer())
        return _named(report, folder, upload)

    checks = Checks(check, keep=KEEP)

    def checked(token: str):
        """The report of an upload in the user's language, or the page to show instead (expired, being checked)."""
        future = checks.report(token, lang())
        if future is None:
            return None, refused("web.expired", 404)
        try:
            return future.result(timeout=wait_seconds), None
        except NotYet:
            return None, (page("web_message.html.j2", message=i18n.text("web.checking", lang()), refresh=True), 202)
        except CancelledError:  # dropped for newer uploads while this request waited
            return None, refused("web.expired", 404)

    def form(error: str | None = None, chosen: str | None = None, as_of: dt.date | None = None):
        stages = [(f"{pack.id} ({pack.years})", [(code, stage.label[lang()]) for code, stage in pack.plan.stages.items()])
                  for pack in packs]  # each pack's steps apart: a dossier is pre-checked against its own pack's
        day = (as_of or dt.date.today()).isoformat()
        templates = [(pack.id, kind, pack.years) for pack in packs for kind in TEMPLATE_KINDS if kind in pack.kinds]
        asks = [line for kind in dict.fromkeys(kind for _, kind, _ in templates) for line in asked(kind, lang())]
        return page("web_index.html.j2", stages=stages, max_mb=max_upload_mb, today=day, chosen=chosen or "", error=error,
                    templates=templates, asks=asks)

    @app.get("/")
    def index():
        return form()

    @app.get("/templat/<pack_id>/<kind>.xlsx")
    def template(pack_id: str, kind: str):
        """An empty dossier workbook of one pack to fill in Excel or LibreOffice, like `cek-integrasi template`."""
        from ..dossiers.workbook_writing import write_workbook

        pack = next((p for p in packs if p.id == pack_id), None)
        if pack is None or kind not in TEMPLATE_KINDS or kind not in pack.kinds:
            abort(404)
        return Response(write_workbook(kind, pack.stage_labels(kind), omit=pack.template_omits.get(kind, ())), mimetype=XLSX,
                        headers={"Content-Disposition": f'attachment; filename="{kind}_{pack.id}.xlsx"'})

    @app.post("/periksa")
    def upload():
        files = [(secure_filename(f.filename or "") or "dossier", f.read()) for f in request.files.getlist("dossier") if f.filename]
        if len(files) > max_files:
            return form_error(i18n.text("web.too_many_files", lang(), count=len(files), max_files=max_files), 413)
        if not files:
            return form_error(i18n.text("web.no_file", lang()), 400)
        wrong_type = [name for name, _ in files if Path(name).suffix.lower() not in ACCEPTED]
        if wrong_type:
            return form_error(i18n.text("web.bad_type", lang(), names=", ".join(wrong_type), accepted=", ".join(ACCEPTED)), 400)
        before = request.form.get("before") or None
        if before is not None and before not in stages_known:
            abort(400)
        as_of = _date_or_none(request.form.get("as_of")) or dt.date.today()
        given = request.files.get("waivers")
        waivers = (secure_filename(given.filename) or "pengecualian.yaml", given.read()) if given and given.filename else None
        if waivers is not None:
            problem = _waiver_problem(waivers, {r.id for pack in packs for r in pack.rules}, lang(), upload_root)
            if problem:
                return form_error(problem, 400)
        token = checks.add(Upload(files, before, as_of, waivers=waivers))
        checks.report(token, lang())  # checking starts now, off this thread
        return redirect(url_for("result", token=token, lang=lang()), 303)

    @app.get("/hasil/<token>")
    def result(token: str):
        report, instead = checked(token)
        upload = checks.get(token)
        if report is None or upload is None:  # upload: dropped for newer ones in between
            return instead or refused("web.expired", 404)
        before = upload.before and stages_known[upload.before].label[lang()]
        return page("web_result.html.j2", report=report, token=token, before=before, as_of=upload.as_of)

    @app.get("/laporan/<token>.<fmt>")
    def download(token: str, fmt: str):
        if fmt not in ("html", "xlsx"):
            abort(404)
        report, instead = checked(token)
        if report is None:
            return instead
        if fmt == "html":
            body, mime = render_html(report).encode("utf-8"), "text/html; charset=utf-8"
        else:
            body, mime = report_workbook(report), XLSX
        name = f"laporan-cek-integrasi.{fmt}"
        return Response(body, mimetype=mime, headers={"Content-Disposition": f'attachment; filename="{name}"'})

    @app.get("/aturan")
    def rules():
        return page("web_rules.html.j2", rules=[rule for pack in packs for rule in pack.rules], unfilled=i18n.unfilled)

    def form_error(message: str, status: int):
        """The form with the error, keeping the forum and date chosen when the form could be read
        (a browser never lets a page fill in the files again)."""
        posted = _form(request)
        return form(message, posted.get("before"), _date_or_none(posted.get("as_of"))), status

    @app.errorhandler(RequestEntityTooLarge)
    def too_large(_error):
        if (request.content_length or 0) <= app.config["MAX_CONTENT_LENGTH"]:  # werkzeug: more parts than MAX_FORM_PARTS
            return form_error(i18n.text("web.too_many_parts", lang(), max_files=max_files), 413)
        return form_error(i18n.text("web.too_large", lang(), max_mb=max_upload_mb), 413)

    @app.errorhandler(CSRFError)
    def stale_form(_error):
        return refused("web.csrf", 400)

    @app.errorhandler(HTTPException)
    def http_error(error: HTTPException):
        return refused("web.not_found" if error.code == 404 else "web.bad_request", error.code or 400)

    @app.errorhandler(Exception)
    def defect(error: Exception):  # a defect of ours: a page in the user's language, never a traceback
        app.logger.exception("internal error")
        return refused("web.internal_error", 500, reason=type(error).__name__)

    return app


def _form(req) -> dict:
    """The posted form, when it may be read: the request passed the guard and its form fits the limits."""
    if not g.get("same_site") or not req.content_length or req.content_length > req.max_content_length:
        return {}
    try:
        return req.form
    except RequestEntityTooLarge:  # too many parts
        return {}


def _named(report: Report, folder: str, upload: Upload) -> Report:
    """Show the names the user uploaded, not the temporary paths."""
    names = {f"{folder}/{i:03d}_{name}": name for i, (name, _) in enumerate(upload.files)}
    for result in report.dossiers:
        result.file = names.get(result.file, Path(result.file).name)
    for problem in report.input_errors:
        problem.file = names.get(problem.file, Path(problem.file).name)
    for waiver in report.waivers:
        waiver.file = Path(waiver.file).name
    report.waiver_files = {Path(name).name: digest for name, digest in report.waiver_files.items()}
    return report


def _date_or_none(text: str | None) -> dt.date | None:
    try:
        return dt.date.fromisoformat(text or "")
    except ValueError:
        return None


def _waivers(given: tuple[str, bytes] | None, folder: str, rule_ids: set[str]) -> WaiverSet:
    """The waiver file given with the upload, read from the temporary folder (checked when uploaded)."""
    if given is None:
        return WaiverSet()
    path = Path(folder) / given[0]
    path.write_bytes(given[1])
    return load_waivers([path], rule_ids)


def _waiver_problem(given: tuple[str, bytes], rule_ids: set[str], lang: str, root: str | None) -> str | None:
    """What is wrong with an uploaded waiver file, in the words `check --waivers` uses; None when it is fine."""
    name = given[0]
    if Path(name).suffix.lower() not in WAIVER_SUFFIXES:
        return i18n.text("web.bad_type", lang, names=name, accepted=", ".join(WAIVER_SUFFIXES))
    with tempfile.TemporaryDirectory(prefix="cek-integrasi-", dir=root) as folder:
        try:
            _waivers(given, folder, rule_ids)
        except InputError as error:
            lines = [render_problem(p, lang) for p in getattr(error, "problems", [error])]
            return "\n".join(lines).replace(f"{folder}/", "")
    return None
