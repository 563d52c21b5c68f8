"""Every XLSX we write prints: A4, one page wide, header row repeated, widths that show the content.

The files are written by the commands and read back with openpyxl, as Excel and LibreOffice read them.
"""

from __future__ import annotations

import json
from pathlib import Path

import openpyxl
import pytest
from click.testing import CliRunner

from cek_integrasi.cli import main
from printing import assert_prints

ROOT = Path(__file__).resolve().parents[1]
SAMPLES = ROOT / "samples"
SAMPLE_DOSSIERS = [SAMPLES / "rilau_ale", SAMPLES / "kindang"]  # samples/workbooks holds the same villages
ROSTER = SAMPLES / "roster_kabupaten_bulukumba.csv"
AS_OF = ["--as-of", "2014-03-01"]


def run(*args):
    return CliRunner().invoke(main, [str(a) for a in args], catch_exceptions=False)


@pytest.fixture(scope="module")
def written(tmp_path_factory):
    """The report, the screening and a dossier workbook of the samples, and the JSON report of the same run."""
    out = tmp_path_factory.mktemp("xlsx")
    assert run("report", *SAMPLE_DOSSIERS, "--format", "xlsx", "-o", out / "laporan.xlsx", *AS_OF).exit_code == 0
    assert run("screen", ROSTER, "--format", "xlsx", "-o", out / "penyaringan.xlsx", *AS_OF).exit_code == 0
    assert run("convert", SAMPLES / "rilau_ale" / "05_batu_lappa_banyak_masalah.yaml", "-o", out / "desa.xlsx").exit_code == 0
    assert run("template", "kecamatan", "-o", out / "kecamatan.xlsx").exit_code == 0
    report = json.loads(run("check", *SAMPLE_DOSSIERS, "--format", "json", *AS_OF).stdout)
    return out, report


def _width(sheet, letter: str) -> float:
    return sheet.column_dimensions[letter].width


@pytest.mark.parametrize("name", ["laporan.xlsx", "penyaringan.xlsx", "desa.xlsx", "kecamatan.xlsx"])
def test_every_sheet_prints_on_a4_one_page_wide_with_its_header_row_on_every_page(written, name):
    out, _ = written
    book = openpyxl.load_workbook(out / name)
    for sheet in book.worksheets:
        assert_prints(sheet)


def test_report_sheets_are_tables_with_frozen_filtered_headers_and_readable_widths(written):
    out, report = written
    book = openpyxl.load_workbook(out / "laporan.xlsx")
    findings = book["Temuan"]
    assert findings.page_setup.orientation == "landscape" and findings.freeze_panes == "A2" and findings.print_title_rows == "$1:$1"
    assert findings.auto_filter.ref.startswith("A1:K")
    longest_code = max(len(d["code"]) for d in report["dossiers"])
    for sheet in [findings, book["Rilau Ale"]]:
        assert _width(sheet, "A") >= longest_code + 1  # "73.02.05.2004" whole, never "73.02.02.20"
        assert sheet.auto_filter.ref and sheet.freeze_panes == "A2"
    files = book["File"]
    assert _width(files, "D") >= 64  # a sha256 on one line
    summary = book["Ringkasan"]
    assert summary.freeze_panes is None and summary.print_title_rows == "$1:$1"  # several tables: the title repeats
    assert summary["A1"].value == "Laporan Kepatuhan Integrasi PNPM-MPd"


def test_report_findings_carry_message_reference_remediation_wrapped_and_coloured(written):
    out, report = written
    sheet = openpyxl.load_workbook(out / "laporan.xlsx")["Temuan"]
    headers = [c.value for c in sheet[1]]
    assert headers[7:10] == ["Temuan", "Rujukan", "Tindakan"]
    rows = list(sheet.iter_rows(min_row=2))
    expected = [(f["message"], f["reference"], f["remediation"]) for d in report["dossiers"] for f in d["findings"]]
    assert [(r[7].value, r[8].value, r[9].value) for r in rows] == expected
    assert all(r[7].alignment.wrap_text and r[9].alignment.wrap_text for r in rows)
    width = _width(sheet, "H")
    long_rows = [r[7].row for r in rows if len(r[7].value) > 2.5 * width]
    assert long_rows and all(sheet.row_dimensions[n].height >= 45 for n in long_rows)  # tall enough for 3+ lines
    colours = {r[4].value: r[4].font.color.rgb for r in rows if r[4].font.color is not None}
    assert colours["kesalahan"].endswith("C62828") and colours["peringatan"].endswith("EF6C00")
    assert all(r[4].font.b for r in rows if r[4].value == "kesalahan")


def test_report_verdicts_are_coloured_like_the_html(written):
    out, _ = written
    sheet = openpyxl.load_workbook(out / "laporan.xlsx")["Rilau Ale"]
    cells = {row[2].value: row[2] for row in sheet.iter_rows(min_row=2)}
    wajib = cells["WAJIB integrasi"]
    assert wajib.fill.fgColor.rgb.endswith("E8F5E9") and wajib.font.color.rgb.endswith("2E7D32")
    not_yet = cells["BELUM MEMENUHI syarat"]
    assert not_yet.fill.fgColor.rgb.endswith("FFEBEE") and not_yet.font.color.rgb.endswith("C62828")


def test_report_dates_read_as_people_write_them(written):
    out, _ = written
    summary = openpyxl.load_workbook(out / "laporan.xlsx")["Ringkasan"]
    date = next(row[1] for row in summary.iter_rows() if row[0].value == "Per tanggal")
    assert date.value.date().isoformat() == "2014-03-01" and date.number_format == "[$-421]d mmmm yyyy"
    assert date.alignment.horizontal == "left"


def test_screening_findings_sheet_carries_message_reference_and_remediation(written):
    out, _ = written
    book = openpyxl.load_workbook(out / "penyaringan.xlsx")
    screening = json.loads(run("screen", ROSTER, "--format", "json", *AS_OF).output)
    rows = list(book["Temuan"].iter_rows(min_row=2, values_only=True))
    expected = [(v["kode"], f["rule"], f["message"], f["reference"], f["remediation"])
                for v in screening["villages"] for f in (*v["unmet"], *v["warnings"])]
    assert [(r[1], r[4], r[6], r[7], r[8]) for r in rows] == expected and expected
    assert all(r[8] for r in rows)  # every unmet condition says what to do
    villages = book["Penyaringan"]
    assert _width(villages, "B") >= len("73.02.05.2004") + 1
    verdicts = {row[4].value: row[4] for row in villages.iter_rows(min_row=2)}
    assert verdicts["BELUM MEMENUHI syarat"].font.color.rgb.endswith("C62828")


def test_dossier_workbook_tables_are_filtered_and_wide_enough_for_what_was_typed(written):
    out, _ = written
    book = openpyxl.load_workbook(out / "desa.xlsx")
    for name in ("Aparatur", "Tahapan", "Penandatangan", "Kegiatan RKP"):
        sheet = book[name]
        assert sheet.freeze_panes == "A2" and sheet.auto_filter.ref.startswith("A1:") and sheet.print_title_rows == "$1:$1"
        for column in sheet.iter_cols(min_row=2):
            longest = max((len(str(c.value)) for c in column if c.value is not None), default=0)
            width = _width(sheet, column[0].column_letter)
            assert width >= min(longest, 60), (name, column[0].column_letter)
            assert all(c.alignment.wrap_text for c in column if isinstance(c.value, str) and len(c.value) > width)
    assert book["Desa"].freeze_panes == "A2" and _width(book["Desa"], "A") >= max(len(c.value) for c in book["Desa"]["A"])
