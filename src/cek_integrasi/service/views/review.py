"""The review on the village page: submit a dossier for review, judge its documents, note its findings,
return or accept it. Each form names the version it was shown with (`versi`); the step is refused
in plain words when a newer version came meanwhile."""

from __future__ import annotations

from flask import Blueprint, flash, g, redirect, request, url_for

from ... import i18n
from .. import evidence, review
from ..access import ANY, allow, scoped
from ..runtime import service
from ..store import Subject
from .common import address, lang

blueprint = Blueprint("review", __name__)


def _subject(code: str):
    with service().store.reading() as db:
        subject = scoped(db, Subject, code)
        latest = subject.latest
    return subject, latest


def _done(code: str, key: str, **context):
    flash(i18n.text(f"review.{key}", lang(), **context), "tinjauan-ok")
    return redirect(url_for("dashboard.dossier", code=code) + "#tinjauan")


def _refused(code: str, message: str):
    flash(message, "tinjauan-error")
    return redirect(url_for("dashboard.dossier", code=code) + "#tinjauan")


def _version() -> int:
    return request.form.get("versi", type=int) or 0


def _move(code: str, action: str):
    _subject(code)  # 404 outside the user's scope
    try:
        status = review.move(service().store, g.user, code, action, _version(), request.form.get("catatan"), address())
    except review.ReviewError as error:
        return _refused(code, i18n.text(f"review.{error}", lang()))
    return _done(code, "moved", status=i18n.text(f"review.status_{status}", lang()))


@blueprint.post("/desa/<code>/ajukan")
@allow("facilitator", "admin")
def submit_for_review(code: str):
    return _move(code, "ajukan")


@blueprint.post("/desa/<code>/<any(kembalikan, terima):action>")
@allow("supervisor", "admin")
def decide(code: str, action: str):
    """Return the dossier with a note, or accept it."""
    return _move(code, action)


@blueprint.post("/desa/<code>/dokumen")
@allow("supervisor", "admin")
def judge(code: str):
    """A document of the latest version matched to its evidence, found not to match, or left unreviewed."""
    latest = _subject(code)[1]
    try:
        document = evidence.latest_document(service().store, service().packs, latest, request.form.get("dokumen"))
        review.judge(service().store, g.user, code, _version(), document, request.form.get("putusan") or None, request.form.get("catatan"),
                     address())
    except review.ReviewError as error:
        return _refused(code, i18n.text(f"review.{error}", lang()))
    except evidence.Refusal as refusal:
        return _refused(code, refusal.message(lang()))
    return _done(code, "judged")


@blueprint.post("/desa/<code>/catatan")
@allow(*ANY)
def note(code: str):
    """A note on a finding of the latest version, by anyone who sees the dossier."""
    _subject(code)
    try:
        review.add_note(service().store, g.user, code, _version(), request.form.get("aturan", "").strip(), request.form.get("subjek", ""),
                        request.form.get("catatan"), address())
    except review.ReviewError as error:
        return _refused(code, i18n.text(f"review.{error}", lang()))
    return _done(code, "noted")
