"""The screening result as a terminal table, JSON, CSV, XLSX or HTML, in the report's language.

openpyxl and Jinja2 are imported by the formats that use them, not by `screen` writing JSON or a table.
"""

from __future__ import annotations

import datetime as dt

from .. import i18n
from ..reports.csv_output import DEFAULT_SEPARATOR, csv_text
from ..escaping import terminal
from .report import VERDICTS
from .roster import COLUMNS, ScreenReport, template_header
from ..terminal import table
from ..html_templates import template



def _t(report: ScreenReport):
    return lambda key, **context: i18n.text(key, report.lang, **context)


def _village_rows(report: ScreenReport) -> list[list[object]]:
    t = _t(report)
    return [
        [v.row, v.kode, v.nama, v.kecamatan, t(f"verdict.{v.verdict}"),
         "; ".join(f"{f.rule} {f.title}" for f in v.unmet), "; ".join(f"{f.rule} {f.title}" for f in v.warnings)]
        for v in report.villages
    ]


def _village_headers(report: ScreenReport) -> list[str]:
    t = _t(report)
    return [t("screen.row"), t("ui.col_code"), t("screen.village"), t("report.kecamatan"), t("ui.verdict"), t("screen.unmet"), t("screen.warnings")]


def _count_rows(report: ScreenReport) -> tuple[list[str], list[list[object]]]:
    t = _t(report)
    headers = [t("report.kecamatan")] + [t(f"verdict.{v}") for v in VERDICTS] + [t("screen.total")]
    rows = [[k.kecamatan, k.WAJIB, k.BELUM_MEMENUHI, k.BUKAN_PARTISIPAN, k.total] for k in report.kecamatan]
    rows.append([t("screen.all")] + [sum(getattr(k, v) for k in report.kecamatan) for v in VERDICTS] + [len(report.villages)])
    return headers, rows


def _bad_lines(report: ScreenReport) -> list[str]:
    t = _t(report)
    return [f"{report.roster['file']}: {t('screen.row_col', row=p.row, column=p.column)}: {p.message}" for p in report.bad_rows]


def as_table(report: ScreenReport) -> str:
    t = _t(report)
    rows = [[terminal(cell) for cell in row] for row in _village_rows(report)]
    out = [table(rows, _village_headers(report), [5, 13, 22, 14, 22, 40, 30], "simple", {0: 5, 1: 13, 2: 22}), ""]
    headers, rows = _count_rows(report)
    out += [t("screen.per_kecamatan") + ":", table(rows, headers, [20, 12, 12, 12, 8], "simple"), ""]
    if report.bad_rows:
        out += [t("screen.bad_rows") + ":"] + [f"  {line}" for line in _bad_lines(report)] + [""]
    out.append(t("screen.summary", villages=len(report.villages), bad=len({p.row for p in report.bad_rows})))
    return terminal("\n".join(out)) + "\n"


def as_json(report: ScreenReport) -> str:
    return report.model_dump_json(indent=2) + "\n"


def _unscreened_rows(report: ScreenReport) -> list[list[object]]:
    """One row per roster row that could not be screened: its number, NOT SCREENED, and why."""
    t = _t(report)
    why: dict[int, list[str]] = {}
    for p in report.bad_rows:
        why.setdefault(p.row, []).append(f"{p.column}: {p.message}")
    return [[row, "", "", "", t("screen.not_screened"), "; ".join(reasons), ""] for row, reasons in sorted(why.items())]


def as_csv(report: ScreenReport, separator: str = DEFAULT_SEPARATOR, bom: bool = True) -> str:
    """Every roster row for Excel (UTF-8 with BOM, `;` by default: see csv_output): the screened
    villages, then the rows that could not be screened and why."""
    return csv_text(_village_headers(report), _village_rows(report) + _unscreened_rows(report), separator, bom)


def as_xlsx(report: ScreenReport) -> bytes:
    """Villages with their verdicts, every unmet condition with message, reference and remediation,
    the counts per kecamatan, the rows not screened and what was screened; every sheet prints."""
    from ..xlsx_layout import SheetPlan, Styled, save

    t, lang = _t(report), report.lang
    villages = SheetPlan(t("screen.sheet_villages"), lang)
    villages.table(_village_headers(report), (
        [*row[:4], Styled(row[4], v.verdict), *row[5:]] for v, row in zip(report.villages, _village_rows(report))
    ), filters=True)
    for column, width in ((6, 44), (7, 36)):
        villages.widths[column] = width
        villages.wrap.add(column)
    findings = SheetPlan(t("xlsx.findings"), lang)
    findings.table([t("screen.row"), t("ui.col_code"), t("screen.village"), t("report.kecamatan"), t("ui.col_rule"), t("ui.col_severity"),
                    t("ui.col_message"), t("ui.col_reference"), t("ui.col_remediation")], (
        [v.row, v.kode, v.nama, v.kecamatan, f.rule, Styled(t(f"severity.{f.severity}"), f.severity), f.message, f.reference, f.remediation]
        for v in report.villages for f in (*v.unmet, *v.warnings)
    ), filters=True)
    for column, width in ((7, 50), (8, 18), (9, 44)):
        findings.widths[column] = width
        findings.wrap.add(column)
    counts = SheetPlan(t("screen.per_kecamatan")[:31], lang)
    headers, rows = _count_rows(report)
    counts.table(headers, rows)
    bad = SheetPlan(t("screen.bad_rows")[:31], lang)
    bad.table([t("screen.row"), t("screen.column"), t("screen.value"), t("ui.col_message")],
              ([p.row, p.column, p.value, p.message] for p in report.bad_rows), filters=True)
    about = SheetPlan(t("screen.sheet_about"), lang, freeze=False)
    about.line(t("screen.title"), look="title", measured=False)
    about.line(t("ui.as_of"), dt.date.fromisoformat(report.as_of))
    about.line(t("ui.rule_pack"), f"{report.rule_pack['id']} {report.rule_pack['version']}", report.rule_pack["sha256"])
    about.line(t("screen.roster"), report.roster["file"], report.roster["sha256"])
    about.line("cek-integrasi", report.version)
    return save([villages, findings, counts, bad, about])


def as_html(report: ScreenReport) -> str:
    headers, rows = _count_rows(report)
    return template("screen.html.j2").render(
        report=report, t=_t(report), show=lambda v: i18n.show(v, report.lang), as_of=dt.date.fromisoformat(report.as_of),
        count_headers=headers, count_rows=rows, verdicts=VERDICTS, bad_lines=_bad_lines(report),
    )


def template_csv(lang: str, separator: str = DEFAULT_SEPARATOR, bom: bool = True) -> str:
    """An empty roster: the header row in words (with a BOM for a file Excel opens)."""
    return csv_text([template_header(c, lang) for c in COLUMNS], [], separator, bom)


def template_xlsx(lang: str) -> bytes:
    """An empty roster workbook: the header row in words, filters on."""
    from ..xlsx_layout import SheetPlan, save

    sheet = SheetPlan(i18n.text("screen.roster", lang))
    sheet.table([template_header(c, lang) for c in COLUMNS], [], filters=True)
    return save([sheet])


TEXT = {"table": as_table, "json": as_json, "html": as_html}
