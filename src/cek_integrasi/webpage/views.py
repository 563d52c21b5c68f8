"""The routes of the local page (a blueprint): the form, the empty workbooks, an upload, its findings
and its report, the rules. Every page and refusal is in the user's language."""

from __future__ import annotations

import datetime as dt
from concurrent.futures import CancelledError
from concurrent.futures import TimeoutError as NotYet
from pathlib import Path

from flask import Blueprint, Response, abort, g, redirect, render_template, request, url_for
from werkzeug.exceptions import RequestEntityTooLarge
from werkzeug.utils import secure_filename

from .. import __version__, i18n
from ..dossiers.workbook_layout import asked
from ..evaluation.run import DOSSIER_SUFFIXES, combined
from ..reports.html_report import render_html
from ..reports.xlsx_report import report_workbook
from .checking import waiver_problem
from .jobs import Upload
from .state import local_page

ACCEPTED = DOSSIER_SUFFIXES  # what `check` reads below a folder
TEMPLATE_KINDS = ("desa", "kecamatan")
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"

blueprint = Blueprint("page", __name__)


def lang() -> str:
    chosen = request.args.get("lang") or _form(request).get("lang") or i18n.DEFAULT
    return chosen if chosen in i18n.LANGUAGES else i18n.DEFAULT


def page(template: str, **context):
    current, state = lang(), local_page()
    return render_template(
        template,
        lang=current,
        t=lambda key, **kw: i18n.text(key, current, **kw),
        show=lambda value: i18n.show(value, current),
        version=__version__,
        pack=combined(state.packs),
        max_files=state.max_files,
        **context,
    )


def refused(key: str, status: int, **context):
    return page("web_message.html.j2", message=i18n.text(key, lang(), **context)), status


def refusal(status: int, key: str, **context):
    """An error page of the local page (web_pages.ErrorPages): an upload too large is the form again, with the reason."""
    if status == 413:
        return form_error(i18n.text(key, lang(), **context), status)
    return refused(key, status, **context)


def checked(token: str):
    """The report of an upload in the user's language, or the page to show instead (expired, being checked)."""
    future = local_page().checks.checked(token)
    if future is None:
        return None, refused("web.expired", 404)
    try:
        return future.result(timeout=local_page().wait_seconds).report(lang()), None
    except NotYet:
        return None, (page("web_message.html.j2", message=i18n.text("web.checking", lang()), refresh=True), 202)
    except CancelledError:  # dropped for newer uploads while this request waited
        return None, refused("web.expired", 404)


def form(error: str | None = None, chosen: str | None = None, as_of: dt.date | None = None):
    packs = local_page().packs
    stages = [(f"{pack.id} ({pack.years})", [(code, stage.label[lang()]) for code, stage in pack.plan.stages.items()])
              for pack in packs]  # each pack's steps apart: a dossier is pre-checked against its own pack's
    day = (as_of or dt.date.today()).isoformat()
    templates = [(pack.id, kind, pack.years) for pack in packs for kind in TEMPLATE_KINDS if kind in pack.kinds]
    asks = [line for kind in dict.fromkeys(kind for _, kind, _ in templates) for line in asked(kind, lang())]
    return page("web_index.html.j2", stages=stages, max_mb=local_page().max_upload_mb, today=day, chosen=chosen or "", error=error,
                templates=templates, asks=asks)


def form_error(message: str, status: int):
    """The form with the error, keeping the forum and date chosen when the form could be read
    (a browser never lets a page fill in the files again)."""
    posted = _form(request)
    return form(message, posted.get("before"), _date_or_none(posted.get("as_of"))), status


@blueprint.get("/")
def index():
    return form()


@blueprint.get("/templat/<pack_id>/<kind>.xlsx")
def template(pack_id: str, kind: str):
    """An empty dossier workbook of one pack to fill in Excel or LibreOffice, like `cek-integrasi template`."""
    from ..dossiers.workbook_writing import write_workbook

    pack = next((p for p in local_page().packs if p.id == pack_id), None)
    if pack is None or kind not in TEMPLATE_KINDS or kind not in pack.kinds:
        abort(404)
    return Response(write_workbook(kind, pack.stage_labels(kind), omit=pack.template_omits.get(kind, ())), mimetype=XLSX,
                    headers={"Content-Disposition": f'attachment; filename="{kind}_{pack.id}.xlsx"'})


@blueprint.post("/periksa")
def upload():
    state = local_page()
    files = [(secure_filename(f.filename or "") or "dossier", f.read()) for f in request.files.getlist("dossier") if f.filename]
    if len(files) > state.max_files:
        return form_error(i18n.text("web.too_many_files", lang(), count=len(files), max_files=state.max_files), 413)
    if not files:
        return form_error(i18n.text("web.no_file", lang()), 400)
    wrong_type = [name for name, _ in files if Path(name).suffix.lower() not in ACCEPTED]
    if wrong_type:
        return form_error(i18n.text("web.bad_type", lang(), names=", ".join(wrong_type), accepted=", ".join(ACCEPTED)), 400)
    before = request.form.get("before") or None
    if before is not None and before not in state.stages:
        abort(400)
    as_of = _date_or_none(request.form.get("as_of")) or dt.date.today()
    given = request.files.get("waivers")
    waivers = (secure_filename(given.filename) or "pengecualian.yaml", given.read()) if given and given.filename else None
    if waivers is not None:
        problem = waiver_problem(waivers, {r.id for pack in state.packs for r in pack.rules}, lang())
        if problem:
            return form_error(problem, 400)
    token = state.checks.add(Upload(files, before, as_of, waivers=waivers))
    state.checks.checked(token)  # checking starts now, off this thread
    return redirect(url_for("page.result", token=token, lang=lang()), 303)


@blueprint.get("/hasil/<token>")
def result(token: str):
    report, instead = checked(token)
    upload = local_page().checks.get(token)
    if report is None or upload is None:  # upload: dropped for newer ones in between
        return instead or refused("web.expired", 404)
    before = upload.before and local_page().stages[upload.before].label[lang()]
    return page("web_result.html.j2", report=report, token=token, before=before, as_of=upload.as_of)


@blueprint.get("/laporan/<token>.<fmt>")
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


@blueprint.get("/aturan")
def rules():
    return page("web_rules.html.j2", rules=[rule for pack in local_page().packs for rule in pack.rules], unfilled=i18n.unfilled)


def _form(req) -> dict:
    """The posted form, when it may be read: the request passed the guard and its form fits the limits."""
    if not g.get("same_site") or not req.content_length or req.content_length > req.max_content_length:
        return {}
    try:
        return req.form
    except RequestEntityTooLarge:  # too many parts
        return {}


def _date_or_none(text: str | None) -> dt.date | None:
    try:
        return dt.date.fromisoformat(text or "")
    except ValueError:
        return None
