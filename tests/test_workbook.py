"""Dossier workbooks: template, checking a filled workbook, errors by sheet/row/column, lossless convert."""

from __future__ import annotations

import json
from pathlib import Path

import openpyxl
import pytest
from click.testing import CliRunner

from cek_integrasi.cli import main
from cek_integrasi.dossier import load_dossier

ROOT = Path(__file__).resolve().parents[1]
SAMPLES = sorted((ROOT / "samples").rglob("*.yaml"))
AS_OF = ["--as-of", "2014-03-01"]


def run(*args):
    return CliRunner().invoke(main, [str(a) for a in args], catch_exceptions=False)


@pytest.fixture(scope="module")
def stages(packs):
    return {code for pack in packs.values() for code in pack.plan.stages}


@pytest.mark.parametrize("kind,sheets", [
    ("desa", ["Petunjuk", "Desa", "Aparatur", "Tahapan", "Berita Acara", "Penandatangan", "Perdes", "SK Kepala Desa",
              "Tim Penyusun", "Kegiatan RPJM", "Kegiatan RKP", "Usulan", "APB Desa", "LKPj", "Laporan Kepala Desa"]),
    ("kecamatan", ["Petunjuk", "Kecamatan", "Desa", "Tahapan", "Tim Pelaksana", "Delegasi", "Berita Acara", "Penandatangan", "DPRD"]),
])
def test_template_has_sheets_dropdowns_and_date_cells(tmp_path, kind, sheets):
    out = tmp_path / f"{kind}.xlsx"
    assert run("template", kind, "-o", out).exit_code == 0
    book = openpyxl.load_workbook(out)
    assert book.sheetnames == sheets
    assert "Petunjuk" in book.sheetnames and book["Petunjuk"]["A1"].value.startswith("Dossier")
    tahapan = book["Tahapan"]
    lists = [v.formula1 for v in tahapan.data_validations.dataValidation]
    assert any("musrenbang" in f for f in lists)
    assert tahapan["B2"].number_format == "yyyy-mm-dd"
    assert run("template", kind, "-o", out).exit_code == 2  # never over an existing file


def test_signatory_roles_and_yes_no_have_dropdowns(tmp_path):
    out = tmp_path / "desa.xlsx"
    run("template", "desa", "-o", out)
    sheet = openpyxl.load_workbook(out)["Penandatangan"]
    formulas = {v.formula1 for v in sheet.data_validations.dataValidation}
    assert '"kepala_desa,camat,pimpinan_musyawarah,wakil_masyarakat,wakil_utusan_desa,lainnya"' in formulas
    assert '"ya,tidak"' in formulas


@pytest.mark.parametrize("sample", SAMPLES, ids=[p.stem for p in SAMPLES])
def test_convert_round_trips_every_sample_losslessly(tmp_path, sample, stages):
    book, back = tmp_path / "d.xlsx", tmp_path / "d.yaml"
    assert run("convert", sample, "-o", book).exit_code == 0
    assert run("convert", book, "-o", back).exit_code == 0
    original = load_dossier(sample, stages)[1]
    assert load_dossier(book, stages)[1] == original == load_dossier(back, stages)[1]


@pytest.mark.parametrize("sample", SAMPLES, ids=[p.stem for p in SAMPLES])
def test_every_sample_is_shipped_as_an_equal_workbook(sample, stages):
    shipped = ROOT / "samples" / "workbooks" / sample.relative_to(ROOT / "samples").with_suffix(".xlsx")
    assert shipped.exists(), f"run: cek-integrasi convert {sample} -o {shipped}"
    assert load_dossier(shipped, stages)[1] == load_dossier(sample, stages)[1]


def test_a_workbook_is_checked_exactly_like_its_yaml():
    yaml_file = ROOT / "samples" / "rilau_ale" / "05_batu_lappa_banyak_masalah.yaml"
    book = ROOT / "samples" / "workbooks" / "rilau_ale" / "05_batu_lappa_banyak_masalah.xlsx"
    a = json.loads(run("check", yaml_file, "--format", "json", *AS_OF).output)["dossiers"][0]
    b = json.loads(run("check", book, "--format", "json", *AS_OF).output)["dossiers"][0]
    assert a["results"] == b["results"] and a["verdict"] == b["verdict"]
    assert [(f["rule"], f["subject"], f["message"]) for f in a["findings"]] == [(f["rule"], f["subject"], f["message"]) for f in b["findings"]]
    elg01 = next(f for f in b["findings"] if f["rule"] == "ELG-01")
    assert elg01["place"] == "Sheet Desa, baris 9" and elg01["line"] is None


def _edited(tmp_path, sheet, cell, value):
    book = openpyxl.load_workbook(ROOT / "samples" / "workbooks" / "rilau_ale" / "01_bonto_bangun_lengkap.xlsx")
    book[sheet][cell] = value
    out = tmp_path / "edited.xlsx"
    book.save(out)
    return out


@pytest.mark.parametrize("sheet,cell,value,expected", [
    ("Penandatangan", "C4", "wakil masyarkat",
     "Sheet Penandatangan, baris 4, kolom Peran: 'wakil masyarkat' bukan pilihan yang dikenal; pilihan: 'kepala_desa'"),
    ("Aparatur", "C3", "definitip", "Sheet Aparatur, baris 3, kolom Status: 'definitip' bukan pilihan"),
    ("Desa", "B6", "mungkin", "Sheet Desa, baris 6, kolom Peserta PNPM-MPd: harus ya atau tidak"),
    ("Tahapan", "B4", "2012-02-30", "Sheet Tahapan, baris 4, kolom Tanggal: tanggal '2012-02-30' tidak ada di kalender"),
    ("Penandatangan", "A2", "ba-tidak-ada", "Sheet Penandatangan, baris 2, kolom Id Berita Acara: tidak ada berita_acara dengan id 'ba-tidak-ada'"),
    ("Aparatur", "A1", "Posisi", "Sheet Aparatur, baris 1: judul kolom sheet Aparatur berubah"),
])
def test_errors_name_sheet_row_and_column(tmp_path, sheet, cell, value, expected):
    result = run("check", _edited(tmp_path, sheet, cell, value))
    assert result.exit_code == 2 and expected in result.output and "Traceback" not in result.output


def test_a_workbook_that_is_not_a_dossier(tmp_path):
    roster = ROOT / "samples" / "roster_kabupaten_bulukumba.xlsx"
    result = run("check", roster)
    assert result.exit_code == 2 and "bukan dossier cek-integrasi" in result.output
    fake = tmp_path / "palsu.xlsx"
    fake.write_text("x", "utf-8")
    assert "bukan buku kerja XLSX" in run("check", fake).output


def test_a_workbook_from_before_the_uu_desa_columns_still_reads():
    """Workbooks filled from the first templates (no Peserta, Bidang, Laporan Kepala Desa) stay valid:
    the columns and sheet added later read as empty."""
    old = ROOT / "samples" / "workbooks" / "rilau_ale" / "01_bonto_bangun_lengkap.xlsx"
    headers = [c.value for c in openpyxl.load_workbook(old)["Tahapan"][1]]
    assert "Peserta" not in headers
    assert run("check", old, *AS_OF).exit_code == 0


def test_a_uu_desa_template_lists_that_packs_stages(tmp_path):
    out = tmp_path / "uu.xlsx"
    assert run("template", "desa", "--pack", "uu-desa", "-o", out).exit_code == 0
    book = openpyxl.load_workbook(out)
    lists = " ".join(str(v.formula1) for v in book["Tahapan"].data_validations.dataValidation)
    assert "musdes_rkp" in lists and "mkp" not in lists.split('"')[1].split(",")
    assert "dana_desa" in " ".join(str(v.formula1) for v in book["Kegiatan RKP"].data_validations.dataValidation)
