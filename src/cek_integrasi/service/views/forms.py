"""A berkas's facts fixed in the browser: the latest version's workbook as a form (dossier_form.py),
saved as a new version by `submissions.submit` like an upload; a new village from an empty form."""

from __future__ import annotations

from pathlib import Path

from flask import Blueprint, abort, g, redirect, request
from sqlalchemy import select

from ... import i18n
from ...dossiers.loading import load_dossier
from ...errors import InputError
from ...packs.choosing import all_stages
from ...packs.rulepack import RulePack
from ..access import allow, scoped
from ..dossier_form import ADDED_ROWS, DossierForm
from ..runtime import service
from ..store import Blob, Kecamatan, Subject, Submission
from ..submissions import Accepted, options, submit
from .common import active_waivers, address, lang, page

blueprint = Blueprint("forms", __name__)


@blueprint.route("/desa/<code>/ubah", methods=["GET", "POST"])
@allow("facilitator", "admin")
def edit(code: str):
    """The latest version's facts in the form; saved as the next version when something changed."""
    with service().store.reading() as db:
        subject = scoped(db, Subject, code)  # a facilitator of another kecamatan: 404, like the village page
        latest = db.get(Submission, subject.latest_id)
        data = db.scalar(select(Blob.data).where(Blob.sha256 == latest.blob_sha256))
    pack = _pack(latest.pack.split()[0])
    context = dict(subject=subject, pack=pack, version=subject.versions)
    try:
        _doc, dossier = load_dossier(Path(latest.filename), all_stages(service().packs), data)
    except InputError as error:  # the stored file no longer reads (a pack's steps changed): say why, offer no form
        return _page(409, form=None, unreadable=error.describe(lang()), **context)
    stored = _form(subject.kind, pack, dossier.model_dump(mode="json", exclude_none=True))
    _fix_code(stored, code)
    if request.method == "GET":
        return _page(form=stored, **context)
    form = _posted(subject.kind, pack)
    _fix_code(form, code)  # the berkas of this page, whatever was posted
    if "tambah" in request.form:
        return _with_rows(form, context)
    if request.form.get("versi", type=int) != subject.versions:  # saved by someone else since the form was opened
        form.show_problems([], [i18n.text("form.newer_version", lang(), version=subject.versions)])
        return _page(409, form=form, **context)
    if form.written() == stored.written():
        return _page(form=form, unchanged=True, **context)
    return _save(form, f"formulir_{code}.xlsx", context, "#changes")  # the village page, at what changed


@blueprint.route("/desa/baru", methods=["GET", "POST"])
@allow("facilitator", "admin")
def new():
    """A new village from an empty form of the pack chosen (default: the one covering the kabupaten's as-of year)."""
    chosen = request.values.get("paket")
    choices = [p for p in service().packs if "desa" in p.kinds]
    pack = next((p for p in choices if p.id == chosen), None) if chosen else _pack_of_year(choices)
    if pack is None:
        abort(404)
    context = dict(subject=None, pack=pack, packs=choices, version=None)
    if request.method == "GET":
        form = _form("desa", pack, _known_place())
        return _page(form=form, **context)
    form = _posted("desa", pack)
    if "tambah" in request.form:
        return _with_rows(form, context)
    where = form.record_cell("kode")
    code = where[2].typed
    with service().store.reading() as db:
        existing = db.get(Subject, code) if code else None
    if existing is not None and g.user.sees(existing.kecamatan):  # another kecamatan's village: submit refuses it
        form.note(*where, i18n.text("form.exists", lang(), code=code))
        return _page(409, form=form, existing=code, **context)
    return _save(form, f"formulir_{code or 'baru'}.xlsx", context)


def _page(status: int = 200, **context):
    return page("svc_dossier_form.html.j2", status, added=ADDED_ROWS, **context)


def _form(kind: str, pack: RulePack, data: dict | None) -> DossierForm:
    return DossierForm.of_dossier(kind, pack.stage_labels(kind), data, pack.template_omits.get(kind, ()), lang())


def _posted(kind: str, pack: RulePack) -> DossierForm:
    return DossierForm.of_posted(kind, pack.stage_labels(kind), request.form, pack.template_omits.get(kind, ()), lang())


def _fix_code(form: DossierForm, code: str) -> None:
    cell = form.record_cell("kode")[2]
    cell.value, cell.readonly = code, True


def _with_rows(form: DossierForm, context: dict):
    """The form as typed, with more empty rows in the table asked for (nothing is saved)."""
    index = request.form.get("tambah", type=int)
    if index is not None and 0 <= index < len(form.parts) and form.parts[index].sheet.is_table:
        form.add_rows(index)
    context["version"] = request.form.get("versi", type=int) or context["version"]
    return _page(form=form, opened=index, **context)


def _save(form: DossierForm, filename: str, context: dict, fragment: str = ""):
    """The form's workbook checked and stored by submissions.submit (then its village page), or the form again
    with the messages beside the fields."""
    outcome = submit(service().store, service().pool, g.user, filename, form.workbook(), lang(), address(), waivers=active_waivers())
    if isinstance(outcome, Accepted):
        return redirect(f"/desa/{outcome.code}{fragment}")
    form.show_problems(outcome.problems, [] if outcome.problems else outcome.messages)
    return _page(422, form=form, **context)


def _pack(pack_id: str) -> RulePack:
    """The pack that judged the version (its steps in the drop-down list), or the first when the service no longer has it."""
    return next((p for p in service().packs if p.id == pack_id), service().packs[0])


def _pack_of_year(choices: list[RulePack]) -> RulePack | None:
    year = options(service().store).as_of.year
    return next((p for p in choices if p.covers(year)), choices[0] if choices else None)


def _known_place() -> dict | None:
    """A facilitator of one kecamatan: its name and kabupaten written in the empty form already."""
    if len(g.user.kecamatan) != 1:
        return None
    with service().store.reading() as db:
        place = db.get(Kecamatan, next(iter(g.user.kecamatan)))
    return {"kecamatan": place.nama, "kabupaten": place.kabupaten} if place else None
