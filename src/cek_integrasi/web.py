"""A local web page for facilitators: upload dossiers, read the findings, download the report.

Flask, bound to 127.0.0.1 by default. Uploads are limited in size, kept in memory for the
language switch, and written only into a temporary folder that is removed as soon as the check
is done. Everything shown is escaped by Jinja2; no resource is loaded from the network.
"""

from __future__ import annotations

import datetime as dt
import secrets
import tempfile
from collections import OrderedDict
from dataclasses import dataclass
from pathlib import Path

from flask import Flask, Response, abort, render_template, request
from werkzeug.exceptions import RequestEntityTooLarge
from werkzeug.utils import secure_filename

from . import __version__, i18n
from .facts import Context
from .html_report import render_html
from .report import Report
from .rulepack import RulePack
from .run import Run
from .waivers import WaiverSet
from .xlsx_report import report_workbook

ACCEPTED = (".xlsx", ".yaml", ".yml", ".json")
KEEP = 20  # uploads kept in memory for the language switch and downloads


@dataclass
class Upload:
    files: list[tuple[str, bytes]]
    before: str | None
    as_of: dt.date


def create_app(pack: RulePack, max_upload_mb: int = 10, jobs: int = 1, upload_root: str | None = None) -> Flask:
    app = Flask(__name__, template_folder="templates")
    app.jinja_env.autoescape = True  # our templates end in .j2, which Flask would not escape by default
    app.config["MAX_CONTENT_LENGTH"] = max_upload_mb * 1024 * 1024
    uploads: OrderedDict[str, Upload] = OrderedDict()

    def lang() -> str:
        form = request.form if request.content_length and request.content_length <= app.config["MAX_CONTENT_LENGTH"] else {}
        chosen = request.args.get("lang") or form.get("lang") or i18n.DEFAULT
        return chosen if chosen in i18n.LANGUAGES else i18n.DEFAULT

    def page(template: str, **context):
        current = lang()
        return render_template(
            template,
            lang=current,
            t=lambda key, **kw: i18n.text(key, current, **kw),
            show=lambda value: i18n.show(value, current),
            version=__version__,
            pack=pack,
            **context,
        )

    def check(upload: Upload, language: str) -> Report:
        with tempfile.TemporaryDirectory(prefix="cek-integrasi-", dir=upload_root) as folder:
            paths = []
            for i, (name, data) in enumerate(upload.files):
                path = Path(folder) / f"{i:03d}_{name}"
                path.write_bytes(data)
                paths.append(path)
            run = Run(pack, language, WaiverSet(), paths, Context(as_of=upload.as_of, before=upload.before), jobs)
            report = Report(**run.header(), dossiers=list(run.results()), **run.footer())
        return _named(report, folder, upload)

    @app.get("/")
    def index():
        stages = [(code, stage.label[lang()]) for code, stage in pack.plan.stages.items()]
        return page("web_index.html.j2", stages=stages, max_mb=max_upload_mb, today=dt.date.today().isoformat())

    @app.post("/periksa")
    def upload():
        files = [(secure_filename(f.filename or "") or "dossier", f.read()) for f in request.files.getlist("dossier") if f.filename]
        if not files:
            return page("web_index.html.j2", error=i18n.text("web.no_file", lang()), stages=[], max_mb=max_upload_mb, today=""), 400
        refused = [name for name, _ in files if Path(name).suffix.lower() not in ACCEPTED]
        if refused:
            message = i18n.text("web.bad_type", lang(), names=", ".join(refused), accepted=", ".join(ACCEPTED))
            return page("web_index.html.j2", error=message, stages=[], max_mb=max_upload_mb, today=""), 400
        before = request.form.get("before") or None
        if before is not None and before not in pack.plan.stages:
            abort(400)
        try:
            as_of = dt.date.fromisoformat(request.form.get("as_of") or dt.date.today().isoformat())
        except ValueError:
            as_of = dt.date.today()
        token = secrets.token_urlsafe(12)
        uploads[token] = Upload(files, before, as_of)
        while len(uploads) > KEEP:
            uploads.popitem(last=False)
        return result(token)

    @app.get("/hasil/<token>")
    def result(token: str):
        upload = uploads.get(token) or abort(404)
        report = check(upload, lang())
        before = upload.before and pack.plan.stages[upload.before].label[lang()]
        return page("web_result.html.j2", report=report, token=token, before=before, as_of=upload.as_of)

    @app.get("/laporan/<token>.<fmt>")
    def download(token: str, fmt: str):
        upload = uploads.get(token) or abort(404)
        report = check(upload, lang())
        if fmt == "html":
            body, mime = render_html(report).encode("utf-8"), "text/html; charset=utf-8"
        elif fmt == "xlsx":
            body, mime = report_workbook(report), "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
        else:
            abort(404)
        name = f"laporan-cek-integrasi.{fmt}"
        return Response(body, mimetype=mime, headers={"Content-Disposition": f'attachment; filename="{name}"'})

    @app.get("/aturan")
    def rules():
        return page("web_rules.html.j2", rules=pack.rules)

    @app.errorhandler(RequestEntityTooLarge)
    def too_large(_error):
        message = i18n.text("web.too_large", lang(), max_mb=max_upload_mb)
        return page("web_index.html.j2", error=message, stages=[], max_mb=max_upload_mb, today=""), 413

    return app


def _named(report: Report, folder: str, upload: Upload) -> Report:
    """Show the names the user uploaded, not the temporary paths."""
    names = {f"{folder}/{i:03d}_{name}": name for i, (name, _) in enumerate(upload.files)}
    for result in report.dossiers:
        result.file = names.get(result.file, Path(result.file).name)
    for problem in report.input_errors:
        problem.file = names.get(problem.file, Path(problem.file).name)
    return report
