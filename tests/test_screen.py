"""Kabupaten screening: the same ELG rules as `check`, bad rows by row and column, every output format."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

import openpyxl
import pytest
import yaml
from click.testing import CliRunner

from browser import needs_chromium, screenshot
from cek_integrasi.cli import main

ROOT = Path(__file__).resolve().parents[1]
FIXTURES = ROOT / "tests" / "fixtures"
ROSTER_CSV = ROOT / "samples" / "roster_kabupaten_bulukumba.csv"
ROSTER_XLSX = ROOT / "samples" / "roster_kabupaten_bulukumba.xlsx"
BROKEN = FIXTURES / "roster_baris_rusak.csv"
AS_OF = ["--as-of", "2014-03-01"]


def run(*args):
    return CliRunner().invoke(main, [str(a) for a in args], catch_exceptions=False)


def screened(*args):
    return json.loads(run("screen", *args, "--format", "json", *AS_OF).output)


def test_a_roster_with_bad_rows_reports_them_and_screens_the_rest():
    expected = yaml.safe_load((FIXTURES / "roster_baris_rusak.expected.yaml").read_text("utf-8"))
    result = run("screen", BROKEN, *AS_OF)
    assert result.exit_code == 2
    report = screened(BROKEN)
    problems = [(p["row"], p["column"], p["value"]) for p in report["bad_rows"]]
    assert problems == [(b["baris"], b["kolom"], b["nilai"]) for b in expected["baris_rusak"]]
    by_row = {v["row"]: v for v in report["villages"]}
    assert set(by_row) == set(expected["baris_baik"])
    for row, want in expected["baris_baik"].items():
        assert by_row[row]["kode"] == want["kode"] and by_row[row]["verdict"] == want["putusan"]
        assert [f["rule"] for f in by_row[row]["unmet"]] == want.get("gagal", [])
        assert [f["rule"] for f in by_row[row]["warnings"]] == want.get("peringatan", [])
    assert "baris 10, kolom kantor_layak: 'yaa' bukan ya/tidak" in result.output


def test_csv_and_xlsx_rosters_give_the_same_screening_with_counts_per_kecamatan():
    from_csv, from_xlsx = screened(ROSTER_CSV), screened(ROSTER_XLSX)
    assert from_csv["villages"] == from_xlsx["villages"] and from_csv["bad_rows"] == []
    totals = {v: sum(k[v] for k in from_csv["kecamatan"]) for v in ("WAJIB", "BELUM_MEMENUHI", "BUKAN_PARTISIPAN")}
    assert totals == {"WAJIB": 29, "BELUM_MEMENUHI": 12, "BUKAN_PARTISIPAN": 7}
    assert [k["kecamatan"] for k in from_csv["kecamatan"]] == ["Bulukumpa", "Gantarang", "Kindang", "Rilau Ale"]
    assert sum(k["total"] for k in from_csv["kecamatan"]) == 48 and run("screen", ROSTER_CSV, *AS_OF).exit_code == 0


def test_screening_applies_the_rule_files_messages_and_references():
    village = next(v for v in screened(ROSTER_CSV)["villages"] if v["kode"] == "73.02.05.2007")
    unmet = village["unmet"][0]
    assert unmet["rule"] == "ELG-03" and unmet["reference"] == "PTI Bab III.B.2"
    assert unmet["message"].startswith("Sekurang-kurangnya 2 Kaur oleh 2 orang berbeda; ditemukan 1")
    english = next(v for v in screened(ROSTER_CSV, "--lang", "en")["villages"] if v["kode"] == "73.02.05.2007")
    assert english["unmet"][0]["message"].startswith("At least 2 Kaur")


@pytest.mark.parametrize("lang", ["id", "en"])
def test_a_counted_kaur_is_named_by_its_post_not_by_a_stand_in_name(lang):
    """Row 21 gives only how many Kaur posts are filled: the message names the post, no placeholder."""
    village = next(v for v in screened(ROSTER_CSV, "--lang", lang)["villages"] if v["row"] == 21)
    message = next(f["message"] for f in village["unmet"] if f["rule"] == "ELG-03")
    assert message.endswith(": Kaur 1.") and "(Kaur" not in message, message


def test_csv_output_defuses_formulas(tmp_path):
    roster = tmp_path / "roster.csv"
    roster.write_text(ROSTER_CSV.read_text("utf-8").replace("Bialo Jaya", "=1+2"), "utf-8")
    out = tmp_path / "hasil.csv"
    assert run("screen", roster, "--format", "csv", "-o", out, *AS_OF).exit_code == 0
    rows = list(csv.reader(io.StringIO(out.read_text("utf-8-sig")), delimiter=";"))
    assert rows[0][:3] == ["Baris", "Kode", "Desa"] and ["'=1+2"] == [r[2] for r in rows if "1+2" in r[2]]


FORMULA_NAMES = ['=HYPERLINK("http://x","klik")', "+62 Bonto", "-Dusun Satu", "@SUM(A1)", "  =1+1", "\t-2+3", " @cmd"]


def test_a_roster_excel_wrote_with_formula_like_names_is_screened_and_every_cell_defused(tmp_path):
    """Names and kecamatan starting with = + - @ (also after spaces or a tab), saved by Excel as CSV
    (`;`, the Windows code page): every village is screened (exit 0) and no output cell is a formula."""
    lines = ROSTER_CSV.read_text("utf-8").splitlines()
    rows = [next(csv.reader([line])) for line in lines[: len(FORMULA_NAMES) + 1]]
    for row, name in zip(rows[1:], FORMULA_NAMES):
        row[1], row[2] = name, name.strip() + " Kec"
    text = io.StringIO()
    csv.writer(text, delimiter=";", lineterminator="\r\n").writerows(rows)
    roster = tmp_path / "roster.csv"
    roster.write_bytes(text.getvalue().encode("cp1252"))
    out_csv, out_xlsx = tmp_path / "hasil.csv", tmp_path / "hasil.xlsx"
    assert run("screen", roster, "-o", out_csv, *AS_OF).exit_code == 0
    assert run("screen", roster, "-o", out_xlsx, *AS_OF).exit_code == 0
    written = list(csv.reader(io.StringIO(out_csv.read_text("utf-8-sig")), delimiter=";"))
    assert len(written) == len(FORMULA_NAMES) + 1
    cells = [cell for row in written for cell in row]
    assert [c for c in cells if c.lstrip()[:1] in ("=", "+", "-", "@")] == []
    assert {r[2] for r in written[1:]} == {"'" + name.strip() for name in FORMULA_NAMES}
    book = openpyxl.load_workbook(out_xlsx)
    values = [c for sheet in book for row in sheet.iter_rows() for c in row if c.value is not None]
    assert [c.coordinate for c in values if c.data_type == "f"] == []
    assert {name.strip() for name in FORMULA_NAMES} <= {c.value for c in values}


def test_an_excel_error_value_where_a_name_was_is_a_row_not_screened(tmp_path):
    """Excel runs a name typed as -Dusun Satu and saves #NAME?: that is no village's name."""
    lines = ROSTER_CSV.read_text("utf-8").splitlines()
    rows = [next(csv.reader([line])) for line in lines[:4]]
    rows[1][1] = "#NAME?"
    rows[2][3] = "#N/A"  # peserta_pnpm
    text = io.StringIO()
    csv.writer(text, lineterminator="\r\n").writerows(rows)
    roster = tmp_path / "roster.csv"
    roster.write_text(text.getvalue(), "utf-8")
    result = run("screen", roster, "--format", "json", *AS_OF)
    assert result.exit_code == 2
    report = json.loads(result.output)
    assert [v["row"] for v in report["villages"]] == [4]
    assert [(p["row"], p["value"]) for p in report["bad_rows"]] == [(2, "#NAME?"), (3, "#N/A")]  # one problem per cell
    assert all("nilai kesalahan Excel" in p["message"] for p in report["bad_rows"])


@pytest.mark.parametrize("value", ["  =1+1", "\u00a0+62", " \t-2", "\r\n@x", "=1", "\t=1"])
def test_a_formula_after_spaces_is_defused_in_csv(value):
    from cek_integrasi.reports.csv_output import csv_text

    [_, row] = list(csv.reader(io.StringIO(csv_text(["a"], [[value]], bom=False)), delimiter=";"))
    assert row == ["'" + value]


def test_xlsx_output_has_villages_counts_and_bad_rows(tmp_path):
    out = tmp_path / "hasil.xlsx"
    assert run("screen", BROKEN, "--format", "xlsx", "-o", out, *AS_OF).exit_code == 2  # written, with bad rows
    book = openpyxl.load_workbook(out)
    assert book.sheetnames == ["Penyaringan", "Temuan", "Per Kecamatan", "Baris Bermasalah", "Tentang"]
    villages = list(book["Penyaringan"].iter_rows(min_row=2, values_only=True))
    assert [r[0] for r in villages] == [2, 4, 6, 7, 9, 11] and book["Penyaringan"].auto_filter.ref
    bad = list(book["Baris Bermasalah"].iter_rows(min_row=2, values_only=True))
    assert [(r[0], r[1]) for r in bad] == [(3, "kode"), (5, "kode"), (8, "peserta_pnpm"), (10, "kantor_layak"), (10, "sekdes")]
    assert run("screen", BROKEN, "--format", "xlsx").exit_code == 2  # xlsx needs -o


def test_html_output_escapes_names(tmp_path):
    roster = tmp_path / "roster.csv"
    roster.write_text(ROSTER_CSV.read_text("utf-8").replace("Bialo Jaya", "<b>Bialo</b>"), "utf-8")
    out = tmp_path / "hasil.html"
    assert run("screen", roster, "--format", "html", "-o", out, *AS_OF).exit_code == 0
    html = out.read_text("utf-8")
    assert "&lt;b&gt;Bialo&lt;/b&gt;" in html and "<b>Bialo" not in html
    assert "Penyaringan Desa Wajib Integrasi" in html and "Rilau Ale" in html


def test_template_and_input_errors(tmp_path):
    header = run("screen", "--template").output.lstrip("\ufeff").strip().split(";")
    assert header[:4] == ["Kode desa", "Nama desa", "Kecamatan", "Peserta PNPM-MPd"]  # words, not codes
    assert run("screen", "--template", "--lang", "en").output.lstrip("\ufeff").startswith("Village code;Village name")
    assert run("screen", "--template", "-o", tmp_path / "t.xlsx").exit_code == 0
    assert [c.value for c in openpyxl.load_workbook(tmp_path / "t.xlsx")["Daftar Desa"][1]][:2] == ["Kode desa", "Nama desa"]
    headers_only = tmp_path / "kurang.csv"
    headers_only.write_text("Kode Desa;Nama\n73.02.05.2004;Bonto Bangun\n", "utf-8")
    result = run("screen", headers_only)
    assert result.exit_code == 2 and "kolom wajib tidak ditemukan" in result.output and "baris 1" in result.output
    assert run("screen").exit_code == 2
    refused = run("screen", ROSTER_CSV, "--format", "csv", "-o", ROSTER_CSV)
    assert refused.exit_code == 2 and "ini file masukan" in refused.output
    binary = tmp_path / "biner.csv"
    binary.write_bytes(bytes(range(256)) * 40)
    unreadable = run("screen", binary)
    assert unreadable.exit_code == 2 and "bukan teks UTF-8" in unreadable.output
    not_xlsx = tmp_path / "palsu.xlsx"
    not_xlsx.write_text("bukan", "utf-8")
    assert "bukan buku kerja XLSX" in run("screen", not_xlsx).output


@pytest.mark.parametrize("lang", ["id", "en"])
def test_a_filled_template_is_read_back_in_either_language(tmp_path, lang):
    """The template's headers in words are accepted headers: fill it, screen it."""
    header = run("screen", "--template", "--lang", lang, "--csv-separator", ",").output.lstrip("\ufeff").strip()
    rows = ROSTER_CSV.read_text("utf-8").split("\n", 1)[1]
    roster = tmp_path / "isi.csv"
    roster.write_text(header + "\n" + rows, "utf-8")
    assert screened(roster)["villages"] == screened(ROSTER_CSV)["villages"]


def test_indonesian_headers_in_any_case_are_accepted(tmp_path):
    roster = tmp_path / "roster.csv"
    text = ROSTER_CSV.read_text("utf-8").split("\n", 1)
    roster.write_text("Kode Desa,Nama Desa,KECAMATAN,Peserta PNPM-MPd,Kantor Ada,Kantor Layak,Sekretaris Desa,Nama Sekdes,Daftar Kaur,Jumlah Kaur,BPD\n" + text[1], "utf-8")
    assert screened(roster)["villages"] == screened(ROSTER_CSV)["villages"]


@needs_chromium
def test_screening_html_renders_in_chromium(tmp_path):
    out = tmp_path / "hasil.html"
    run("screen", ROSTER_CSV, "--format", "html", "-o", out, *AS_OF)
    png = tmp_path / "hasil.png"
    screenshot(out, png, tmp_path / "profile")
    assert png.stat().st_size > 20_000


def test_html_chart_has_a_printed_legend(tmp_path):
    out = tmp_path / "hasil.html"
    assert run("screen", ROSTER_CSV, "--format", "html", "-o", out, *AS_OF).exit_code == 0
    html = out.read_text("utf-8")
    legend = html[html.index('<p class="legend">'):html.index("</p>", html.index('<p class="legend">'))]
    assert [word in legend for word in ("WAJIB integrasi", "BELUM MEMENUHI syarat", "BUKAN peserta PNPM-MPd")] == [True] * 3


def test_a_bad_cell_is_named_by_the_header_the_roster_writes(tmp_path):
    roster = tmp_path / "daftar.csv"
    roster.write_text(
        "Kode desa;Nama desa;Kecamatan;Peserta PNPM-MPd;Kantor ada;Kantor layak;Sekdes;Kaur terisi;BPD terbentuk\n"
        "73.02.05.2004;Bonto Bangun;Rilau Ale;ya;ya;yaa;definitif;2;ya\n", "utf-8")
    result = CliRunner().invoke(main, ["screen", str(roster)])
    assert result.exit_code == 2 and "baris 2, kolom Kantor layak: 'yaa' bukan ya/tidak" in result.output


def test_a_cell_or_listed_kaur_a_dossier_cannot_hold_is_a_row_not_screened(tmp_path):
    """A village's name, a Sekdes's name or a listed Kaur longer than a dossier holds (500 characters), a Kaur
    with a blank post, more Kaur posts than a dossier's list holds: each a row problem in words, the other rows
    screened (not a traceback from the worker, nor millions of posts built)."""
    lines = ROSTER_CSV.read_text("utf-8").splitlines()
    rows = [next(csv.reader([line])) for line in lines[:7]]
    header = rows[0]
    rows[1][header.index("nama")] = "X" * 501
    rows[2][header.index("sekdes_nama")] = "Y" * 600
    rows[3][header.index("kaur")], rows[3][header.index("kaur_terisi")] = f"{'Z' * 501} (Kaur Umum); Ani (Kaur Keuangan)", ""
    rows[4][header.index("kaur")], rows[4][header.index("kaur_terisi")] = "Budi ( ); Ani (Kaur Keuangan)", ""  # a post left blank
    rows[5][header.index("kaur")], rows[5][header.index("kaur_terisi")] = "", "99999999"
    text = io.StringIO()
    csv.writer(text, lineterminator="\r\n").writerows(rows)
    roster = tmp_path / "roster.csv"
    roster.write_text(text.getvalue(), "utf-8")
    result = run("screen", roster, "--format", "json", *AS_OF)
    assert result.exit_code == 2 and "Traceback" not in result.output
    report = json.loads(result.output)
    assert [v["row"] for v in report["villages"]] == [7]
    assert [(p["row"], p["column"]) for p in report["bad_rows"]] == [(2, "nama"), (3, "sekdes_nama"), (4, "kaur"), (5, "kaur"), (6, "kaur_terisi")]
    assert [p["message"] for p in report["bad_rows"]] == [
        "teks terlalu panjang (501 karakter); paling banyak 500 karakter", "teks terlalu panjang (600 karakter); paling banyak 500 karakter",
        f"'{'Z' * 40}...': nama atau jabatan lebih dari 500 karakter",
        "'Budi ( )' tidak berbentuk 'Nama (Jabatan)' atau 'Nama (Jabatan, plt)'",
        "'99999999' jabatan Kaur melebihi yang dapat dimuat berkas (paling banyak 10.000)"]


def test_the_excel_error_values_a_roster_knows_are_openpyxls():
    from openpyxl.cell.cell import ERROR_CODES

    from cek_integrasi.screening.roster import EXCEL_ERRORS

    assert EXCEL_ERRORS == set(ERROR_CODES)
