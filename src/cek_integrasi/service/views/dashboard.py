"""The dashboard: kabupaten -> kecamatan -> village, filters, versions and what changed, reports, files."""

from __future__ import annotations

import datetime as dt

from flask import Blueprint, Response, abort, g, request, session
from sqlalchemy import select
from sqlalchemy.orm import undefer

from ...errors import InputError
from ...reports.diffing import compare
from .. import evidence, evidence_report, history, news, progress, queries, review, screening_rounds
from ..access import ANY, allow, require_scope, scoped
from ..rendering import result_in
from ..reports import MIME, rendered, report_of, with_weekly_sheet
from ..runtime import service
from ..store import Blob, Kecamatan, Subject, Submission, utcnow
from ..submissions import options
from .common import active_waivers, lang, page

blueprint = Blueprint("dashboard", __name__)


@blueprint.get("/")
@allow(*ANY)
def overview():
    filters = queries.Filters.of(request.args)
    if filters.kecamatan:
        require_scope(filters.kecamatan)
    with service().store.connect() as db:
        rows = queries.kecamatan_rows(db, g.user.scope)
        matches = queries.filtered(db, g.user.scope, filters) if filters.any else None
        weeks = service().weekly.weekly(db, g.user.scope, utcnow().date())
        since = session.get("since")
        changed = news.since(db, g.user.scope, dt.datetime.fromisoformat(since)) if since else None
        latest_round = screening_rounds.latest(db, service().compared_rounds, g.user.scope)
        waiting = queries.in_review_status(db, g.user.scope, review.waiting_for(g.user))
    return page("svc_overview.html.j2", rows=rows, filters=filters, matches=matches, progress=weeks, news=changed, latest_round=latest_round, waiting=waiting,
                names={r.kode: r.nama for r in rows}, verdicts=queries.VERDICTS, severities=queries.SEVERITIES)


@blueprint.get("/kecamatan/<kode>")
@allow(*ANY)
def kecamatan(kode: str):
    require_scope(kode)
    with service().store.connect() as db:
        place = db.execute(select(Kecamatan.kode, Kecamatan.nama, Kecamatan.kabupaten).where(Kecamatan.kode == kode)).first() or abort(404)
        rows = queries.filtered(db, frozenset([kode]), queries.Filters(), limit=5000)
    return page("svc_kecamatan.html.j2", place=place, rows=rows)


@blueprint.get("/desa/<code>")
@allow(*ANY)
def dossier(code: str):
    with service().store.reading() as db:
        subject = scoped(db, Subject, code)
        found = history.of(db, code)  # the versions and the re-check changes: scoped by the subject above
        wanted = request.args.get("versi", type=int) or subject.versions
        current = next((s for s in found.versions if s.version == wanted), None) or abort(404)
        previous = next((s for s in found.versions if s.version == wanted - 1), None)
        place = db.get(Kecamatan, subject.kecamatan)
        result = result_in(current.result, service().packs, lang())
        before = result_in(previous.result, service().packs, lang()) if previous is not None else None
    documents, unreadable = _documents(current)
    with service().store.reading() as db:
        states = review.document_states(db, code, documents, evidence.shown(db, code, documents),
                                         next((p for p in service().packs if p.id == result.pack), None))
        steps, notes, status = review.steps(db, code), review.notes(db, code), review.status_of(db, subject)
    latest = current.version == subject.versions
    changes = None
    if before is not None:
        changes = compare(f"v{previous.version}", [before], f"v{current.version}", [result])
    return page("svc_dossier.html.j2", subject=subject, current=current, result=result, history=history.states(found, service().packs, lang()),
                changes=changes, place=place, places={(f.rule, f.subject): f.place for f in result.findings if f.place},
                states=states, unreadable=unreadable, max_evidence_mb=service().settings.max_evidence_mb, latest=latest,
                may_attach=latest and g.user.may_submit(subject.kecamatan),
                may_judge=latest and review.may_review(g.user, subject.kecamatan) and status in review.UNDER_REVIEW,
                moves=review.moves_for(g.user, subject, status) if latest else [], review_status=status, steps=steps, notes=notes)


def _documents(submission: Submission):
    """The documents of a version, and why not where its file no longer reads (a pack's steps changed)."""
    try:
        return evidence.documents_of(service().store, service().packs, submission), None
    except InputError as error:
        return [], error.describe(lang())


@blueprint.get("/berkas/<int:submission_id>")
@allow(*ANY)
def original(submission_id: int):
    """The file exactly as it was uploaded."""
    with service().store.reading() as db:
        submission = scoped(db, Submission, submission_id)
        data = db.scalar(select(Blob.data).where(Blob.sha256 == submission.blob_sha256))
    return Response(data, mimetype="application/octet-stream",
                    headers={"Content-Disposition": f'attachment; filename="v{submission.version}_{submission.filename}"'})


@blueprint.get("/laporan/kabupaten.<fmt>")
@allow(*ANY)
def report_kabupaten(fmt: str):
    return _report(g.user.scope, fmt, "kabupaten")


@blueprint.get("/laporan/kecamatan/<kode>.<fmt>")
@allow(*ANY)
def report_kecamatan(kode: str, fmt: str):
    require_scope(kode)
    with service().store.reading() as db:
        db.get(Kecamatan, kode) or abort(404)
    return _report(frozenset([kode]), fmt, kode)


def _report(scope, fmt: str, name: str):
    if fmt not in MIME:
        abort(404)
    with service().store.reading() as db:
        latest = db.execute(queries.latest(scope).options(undefer(Submission.result))).all()
        results = queries.results(latest, service().packs, lang())
        weeks = service().weekly.weekly(db, scope, utcnow().date()) if fmt == "xlsx" else None
        names = {k.kode: k.nama for k in db.scalars(select(Kecamatan))}
    attached = evidence_report.of_latest(service().store, service().packs, latest, scope, lang())
    body = rendered(report_of(results, service().packs, options(service().store), lang(), active_waivers()), fmt, attached)
    if weeks is not None:
        body = with_weekly_sheet(body, progress.table(weeks, names), lang())
    return Response(body, mimetype=MIME[fmt],
                    headers={"Content-Disposition": f'attachment; filename="laporan-{name}.{fmt}"'})


@blueprint.get("/laporan/temuan.xlsx")
@allow(*ANY)
def open_findings():
    """The open findings of the user's scope, a sheet per facilitator (a facilitator: its own sheet)."""
    with service().store.reading() as db:
        body = news.open_findings_workbook(db, g.user.scope, service().packs, lang(), only=g.user.name if g.user.role == "facilitator" else None)
    return Response(body, mimetype=MIME["xlsx"], headers={"Content-Disposition": 'attachment; filename="temuan-terbuka.xlsx"'})
