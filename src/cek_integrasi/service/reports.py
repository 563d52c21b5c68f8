"""The compliance report of a kecamatan or the kabupaten, from the store: the same HTML and XLSX as `report`."""

from __future__ import annotations

from collections import Counter

from .. import i18n
from ..packs.facts import Context
from ..reports.html_report import render_html
from ..evaluation.results import SEVERITIES, DossierResult, Report, Summary
from ..packs.rulepack import RulePack
from ..evaluation.run import pack_header, waiver_statuses
from ..evaluation.waivers import WaiverSet
from ..reports.evidence_summary import DossierEvidence
from ..reports.xlsx_report import report_workbook
from ..xlsx_layout import lay_out
from .queries import VERDICTS

MIME = {"html": "text/html; charset=utf-8", "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"}


def report_of(dossiers: list[DossierResult], packs: list[RulePack], ctx: Context, lang: str, waivers: WaiverSet) -> Report:
    """A Report as `check` would make it of these results (villages first, as `check` orders them),
    with what became of each active waiver."""
    dossiers = sorted(dossiers, key=lambda d: (d.kind != "desa", d.code))
    counts = Counter(f.severity for d in dossiers for f in d.findings if not f.waiver)
    used = Counter((f.waiver.file, f.waiver.index) for d in dossiers for f in d.findings if f.waiver)
    return Report(
        **pack_header(packs, ctx, lang),
        dossiers=dossiers, input_errors=[], waivers=waiver_statuses(waivers, used, ctx.as_of), waiver_files=waivers.files,
        summary=Summary(dossiers=len(dossiers), findings={s: counts[s] for s in SEVERITIES},
                        waived=sum(used.values()), unreadable=0),
    )


def rendered(report: Report, fmt: str, evidence: dict[str, DossierEvidence] | None = None) -> bytes:
    """The report as HTML or XLSX, with the evidence of its dossiers' documents (evidence_report.of_latest)."""
    return render_html(report, evidence=evidence).encode("utf-8") if fmt == "html" else report_workbook(report, evidence=evidence)


def with_weekly_sheet(workbook: bytes, weekly: tuple[list[str], list[list]], lang: str) -> bytes:
    """The report's workbook with a sheet of compliance week by week (progress.table), shares as percentages."""
    import io

    from openpyxl import load_workbook
    from openpyxl.styles import Font

    book = load_workbook(io.BytesIO(workbook))
    sheet = book.create_sheet(i18n.text("svc.progress_sheet", lang))
    header, rows = weekly
    fixed = {"week", "villages", "without_errors", "share"}
    sheet.append([i18n.text(f"svc.progress_{h}", lang) if h in fixed else i18n.text(f"verdict.{h}", lang) if h in VERDICTS else h
                  for h in header])
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    for row in rows:
        sheet.append(row)
        sheet.cell(sheet.max_row, 1).number_format = "yyyy-mm-dd"
    share_columns = [i + 1 for i, h in enumerate(header) if h == "share" or i >= 7]  # after the three verdicts: a share per kecamatan
    for column in share_columns:
        for (cell,) in sheet.iter_rows(min_row=2, min_col=column, max_col=column):
            cell.number_format = "0.0%"
    sheet.column_dimensions["A"].width = 12
    lay_out(sheet)
    sheet.freeze_panes = "B2"  # the weeks stay in view as the kecamatan columns scroll by
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()
