"""What changed in a user's kecamatan since its last visit, and the open findings per facilitator.

On sign-in the dashboard shows the errors that re-checks made appear, the waiver requests decided
and the dossiers returned by their reviewer since the previous sign-in; `open_findings_workbook` is the XLSX of the open findings
(failed or not assessable, not waived) at the latest versions, a sheet per facilitator.
"""

from __future__ import annotations

import datetime as dt
import io
from collections import defaultdict
from dataclasses import dataclass

from openpyxl import Workbook
from openpyxl.styles import Font
from sqlalchemy import Connection, Row, bindparam, select
from sqlalchemy.orm import Session, undefer

from .. import i18n
from ..evaluation.results import UNMET
from ..packs.rulepack import RulePack
from ..xlsx_layout import lay_out
from . import queries, scoping
from .rendering import result_in
from .store import ResultChange, ReviewStep, Subject, Submission, User, UserKecamatan, WaiverRequest


@dataclass
class NewErrors:
    code: str
    name: str
    rules: list[str]
    at: dt.datetime


@dataclass
class News:
    since: dt.datetime
    new_errors: list[NewErrors]
    decided: list[Row]  # id, rule, code, status, decided_by and note of each waiver request decided
    returned: list[Row]  # code, name, version, by and note of each dossier returned by its reviewer

    @property
    def any(self) -> bool:
        return bool(self.new_errors or self.decided or self.returned)


_CHANGES = scoping.scoped_statements(
    select(ResultChange.code, ResultChange.at, ResultChange.appeared, Subject.name)
    .join(Subject, Subject.code == ResultChange.code).where(ResultChange.at > bindparam("when")).order_by(ResultChange.id),
    ResultChange.kecamatan,
)
_DECIDED = scoping.scoped_statements(
    select(WaiverRequest.id, WaiverRequest.rule, WaiverRequest.code, WaiverRequest.status, WaiverRequest.decided_by, WaiverRequest.note)
    .where(WaiverRequest.decided_at > bindparam("when")).order_by(WaiverRequest.decided_at),
    WaiverRequest.kecamatan,
)

_RETURNED = scoping.scoped_statements(
    select(ReviewStep.code, Subject.name, ReviewStep.version, ReviewStep.by, ReviewStep.note)
    .join(Subject, Subject.code == ReviewStep.code)
    .where(ReviewStep.at > bindparam("when"), ReviewStep.status_after == "dikembalikan").order_by(ReviewStep.id),
    ReviewStep.kecamatan,
)


def since(db: Session | Connection, scope: frozenset[str] | None, when: dt.datetime) -> News:
    """The errors re-checks made appear, the waiver requests decided and the dossiers returned after `when`, within the scope."""
    new_errors = []
    for change in scoping.run_scoped(db, _CHANGES, scope, when=when):
        rules = sorted({rule for rule, _subject, state in change.appeared if state in UNMET})
        if rules:
            new_errors.append(NewErrors(change.code, change.name, rules, change.at))
    return News(when, new_errors, scoping.run_scoped(db, _DECIDED, scope, when=when).all(),
                scoping.run_scoped(db, _RETURNED, scope, when=when).all())


def facilitators(db: Session) -> dict[str, list[str]]:
    """Kecamatan code -> the names of its facilitators."""
    out = defaultdict(list)
    rows = db.execute(select(UserKecamatan.kode, User.name).join(User, User.id == UserKecamatan.user_id)
                      .where(User.role == "facilitator").order_by(User.name))
    for kode, name in rows:
        out[kode].append(name)
    return out


def open_findings_workbook(db: Session, scope: frozenset[str] | None, packs: list[RulePack], lang: str, only: str | None = None) -> bytes:
    """The open findings at the latest versions in scope, a sheet per facilitator (`only`: that one's sheet)."""
    t = lambda key, **kw: i18n.text(key, lang, **kw)  # noqa: E731
    rows = db.execute(queries.latest(scope).options(undefer(Submission.result)).order_by(Subject.kecamatan, Subject.code)).all()
    by_kecamatan = facilitators(db)
    sheets: dict[str, list[list]] = defaultdict(list)
    for subject, submission in rows:
        result = result_in(submission.result, packs, lang)
        open_ = [f for f in result.findings if f.state in UNMET and not f.waiver]
        owners = by_kecamatan.get(subject.kecamatan) or [t("svc.no_facilitator")]
        for owner in owners:
            if only and owner != only:
                continue
            for f in open_:
                sheets[owner].append([result.kecamatan, subject.code, subject.name, submission.version, f.rule,
                                      t(f"severity.{f.severity}"), t(f"state.{f.state}"), f.place or f.path or t("ui.whole_dossier"),
                                      f.message, f.reference, f.remediation])
    book = Workbook()
    book.remove(book.active)
    header = [t("svc.kecamatan"), t("svc.code"), t("svc.name_col"), t("svc.version"), t("ui.col_rule"), t("ui.col_severity"),
              t("ui.col_state"), t("ui.col_place"), t("ui.col_message"), t("ui.col_reference"), t("ui.col_remediation")]
    for owner in sorted(sheets) or [only or t("svc.no_facilitator")]:
        sheet = book.create_sheet(_title(owner, book.sheetnames))
        sheet.append(header)
        for cell in sheet[1]:
            cell.font = Font(bold=True)
        for row in sheets.get(owner, []):
            sheet.append(row)
        lay_out(sheet, filter_rows=len(sheets.get(owner, [])))
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def _title(name: str, used: list[str]) -> str:
    """A sheet title Excel accepts (31 characters, no []:*?/\\), unique in the book."""
    base = "".join("_" if c in "[]:*?/\\" else c for c in name)[:31] or "-"
    title, n = base, 2
    while title in used:
        title, n = f"{base[:28]}~{n}", n + 1
    return title
