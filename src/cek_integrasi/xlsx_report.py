"""The compliance report and the screening result as XLSX workbooks (openpyxl).

Text that a spreadsheet would take for a formula (=, +, -, @ ...) is stored as plain text; the
characters a workbook cannot hold (control characters from a name) are written as <U+XXXX>.
"""

from __future__ import annotations

import datetime as dt
import io
import re
from collections.abc import Iterable

from openpyxl import Workbook
from openpyxl.styles import Font
from openpyxl.worksheet.worksheet import Worksheet

from . import i18n
from .compliance import summarize
from .escaping import cell as safe_cell
from .escaping import cell_stripped
from .outputs import FORMULA_STARTS
from .report import Report

BOLD = Font(bold=True)


def put(sheet: Worksheet, values: Iterable[object], bold: bool = False) -> None:
    """Append a row; strings are always text, never formulas, characters a workbook cannot hold made visible."""
    sheet.append([safe_cell(value) for value in values] or [""])
    for cell in sheet[sheet.max_row]:
        if isinstance(cell.value, str) and cell.value.startswith(FORMULA_STARTS):
            cell.data_type = "s"
        elif isinstance(cell.value, dt.date):
            cell.number_format = "yyyy-mm-dd"
        if bold:
            cell.font = BOLD


def table(sheet: Worksheet, headers: list[str], rows: Iterable[Iterable[object]], filters: bool = False) -> None:
    """A header row, the rows, a frozen header and optionally filters, as a table a reader sorts and filters."""
    put(sheet, headers, bold=True)
    first = sheet.max_row
    for row in rows:
        put(sheet, row)
    if first == 1:
        sheet.freeze_panes = "A2"
    if filters:
        sheet.auto_filter.ref = f"A{first}:{chr(64 + len(headers))}{sheet.max_row}"
    for column in range(1, len(headers) + 1):
        letter = sheet.cell(row=first, column=column).column_letter
        sheet.column_dimensions[letter].width = min(60, max(10, len(str(headers[column - 1])) + 2))


def sheet_title(name: str, used: set[str]) -> str:
    """A valid, unique sheet name (31 characters, none of []:*?/\\ nor a control character)."""
    base = re.sub(r"[\[\]:*?/\\\t\n\r]", " ", cell_stripped(name))[:31] or "-"
    title, n = base, 2
    while title.lower() in used:
        title = f"{base[:28]}~{n}"
        n += 1
    used.add(title.lower())
    return title


def report_workbook(report: Report) -> bytes:
    lang = report.lang
    t = lambda key, **context: i18n.text(key, lang, **context)  # noqa: E731
    c = summarize(report)
    book = Workbook()
    summary = book.active
    summary.title = t("xlsx.summary")
    put(summary, [t("report.title")], bold=True)
    put(summary, [t("report.kabupaten"), ", ".join(c.kabupaten)])
    put(summary, [t("ui.as_of"), dt.date.fromisoformat(report.as_of)])
    put(summary, [t("ui.rule_pack"), f"{report.rule_pack['id']} {report.rule_pack['version']}", report.rule_pack["sha256"]])
    put(summary, ["cek-integrasi", report.version])
    put(summary, [])
    put(summary, [t("report.per_kecamatan")], bold=True)
    table(summary, [t("report.kecamatan"), t("report.villages"), t("report.compliant"), t("severity.error"), t("severity.warning"), t("report.passed") + " %"],
          ([k.name, len(k.villages), k.compliant, k.errors, k.warnings, k.percent] for k in c.kecamatan))
    put(summary, [])
    put(summary, [t("report.frequent")], bold=True)
    table(summary, [t("ui.col_rule"), t("ui.col_title"), t("ui.col_severity"), t("report.count"), t("report.dossier_count"), t("ui.col_reference")],
          ([f.rule, f.title, t(f"severity.{f.severity}"), f.count, f.dossiers, f.reference] for f in c.frequent))
    summary.column_dimensions["A"].width = 28
    summary.column_dimensions["B"].width = 50

    findings = book.create_sheet(t("xlsx.findings"))
    headers = [t("ui.col_code"), t("ui.col_village"), t("report.kecamatan"), t("ui.col_rule"), t("ui.col_severity"), t("ui.col_state"),
               t("ui.col_place"), t("ui.col_message"), t("ui.col_reference"), t("ui.col_remediation"), t("xlsx.waiver")]
    table(findings, headers, (
        [r.code, r.name, r.kecamatan, f.rule, t(f"severity.{f.severity}"), t(f"state.{f.state}"), f.path or t("ui.whole_dossier"),
         f.message, f.reference, f.remediation, f.waiver.alasan if f.waiver else ""]
        for r in report.dossiers for f in r.findings
    ), filters=True)
    for letter, width in (("H", 70), ("J", 50), ("B", 22)):
        findings.column_dimensions[letter].width = width

    used = {summary.title.lower(), findings.title.lower()}
    for k in c.kecamatan:
        sheet = book.create_sheet(sheet_title(k.name, used))
        table(sheet, [t("ui.col_code"), t("ui.col_village"), t("ui.verdict"), t("severity.error"), t("severity.warning"), t("report.passed"), t("ui.next_steps")],
              ([d.result.code, d.result.name, t(f"verdict.{d.result.verdict}") if d.result.verdict else t(f"report.kind_{d.result.kind}"),
                d.errors, d.warnings, f"{d.passed}/{d.applicable}", ", ".join(s.label for s in d.result.next_steps)] for d in k.dossiers))
        sheet.column_dimensions["B"].width = 24
        sheet.column_dimensions["G"].width = 50
    files = book.create_sheet(sheet_title(t("xlsx.files"), used))
    table(files, [t("ui.col_file"), t("ui.col_code"), t("ui.col_village"), "sha256"],
          [[r.file, r.code, r.name, r.sha256] for r in report.dossiers]
          + [[p.file, "", p.message, p.sha256 or ""] for p in report.input_errors]
          + [[name, "", t("xlsx.waiver"), digest] for name, digest in report.waiver_files.items()])
    files.column_dimensions["A"].width = 60
    files.column_dimensions["D"].width = 66
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()
