"""Dossier workbooks: template, checking a filled workbook, errors by sheet/row/column, lossless convert."""

from __future__ import annotations

import json
from pathlib import Path

import openpyxl
import pytest
from click.testing import CliRunner

from cek_integrasi.cli import main
from cek_integrasi.dossiers.loading import load_dossier

ROOT = Path(__file__).resolve().parents[1]
SAMPLES = sorted((ROOT / "samples").rglob("*.yaml"))
AS_OF = ["--as-of", "2014-03-01"]


def run(*args):
    return CliRunner().invoke(main, [str(a) for a in args], catch_exceptions=False)


@pytest.fixture(scope="module")
def stages(packs):
    """Every pack's stages by code, with their labels: a workbook names its stages by label."""
    from cek_integrasi.packs.choosing import all_stages

    return all_stages(list(packs.values()))


@pytest.mark.parametrize("kind,sheets", [
    ("desa", ["Petunjuk", "Desa", "Aparatur", "Tahapan", "Berita Acara", "Penandatangan", "Perdes", "SK Kepala Desa",
              "Tim Penyusun", "Kegiatan RPJM", "Kegiatan RKP", "Usulan", "APB Desa", "LKPj", "Laporan Kepala Desa", "Pilihan"]),
    ("kecamatan", ["Petunjuk", "Kecamatan", "Desa", "Tahapan", "Tim Pelaksana", "Delegasi", "Berita Acara", "Penandatangan", "DPRD",
                   "Pilihan"]),
])
def test_template_has_sheets_dropdowns_and_date_cells(tmp_path, kind, sheets):
    out = tmp_path / f"{kind}.xlsx"
    assert run("template", kind, "-o", out).exit_code == 0
    book = openpyxl.load_workbook(out)
    assert book.sheetnames == sheets
    assert book["Petunjuk"]["A1"].value.startswith("Berkas") and book["Pilihan"].sheet_state == "hidden"
    tahapan = book["Tahapan"]
    stage_list = _listed(book, tahapan, "A2")
    assert ("Musrenbangdes RKP-Desa" if kind == "desa" else "Musrenbang Kecamatan") in stage_list
    assert not any("_" in label for label in stage_list)  # labels, not codes
    assert tahapan["B2"].number_format == "dd/mm/yyyy" and tahapan["A2"].fill.fgColor.rgb.endswith("FFF2CC")
    assert run("template", kind, "-o", out).exit_code == 2  # never over an existing file


def _listed(book, sheet, cell):
    """The labels of the drop-down list on `cell` (kept on the hidden sheet Pilihan)."""
    validation = next(v for v in sheet.data_validations.dataValidation if cell in v.sqref)
    target, cells = validation.formula1.split("!")
    return [c.value for row in book[target][cells.replace("$", "")] for c in row]


def test_signatory_roles_and_yes_no_have_dropdowns_of_labels_with_excels_message(tmp_path):
    out = tmp_path / "desa.xlsx"
    run("template", "desa", "-o", out)
    book = openpyxl.load_workbook(out)
    sheet = book["Penandatangan"]
    assert _listed(book, sheet, "C2") == ["Kepala Desa", "Camat", "Pimpinan Musyawarah", "Wakil masyarakat", "Wakil utusan desa", "Lainnya"]
    assert _listed(book, sheet, "D2") == ["ya", "tidak"]
    roles = next(v for v in sheet.data_validations.dataValidation if "C2" in v.sqref)
    assert roles.showErrorMessage and roles.error and roles.errorStyle == "warning"
    several = next(v for v in book["Tahapan"].data_validations.dataValidation if "C2" in v.sqref)  # Fasilitator
    assert several.showInputMessage and "KPMD" in several.prompt
    assert book["Desa"]["B6"].fill.fgColor.rgb.endswith("FFF2CC")  # Peserta PNPM-MPd: a list cell, marked


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
    assert elg01["place"] == "Sheet Desa, baris 9 (Kantor desa ada)" and elg01["line"] is None and elg01["path"] == "kantor"


def _edited(tmp_path, sheet, cell, value):
    book = openpyxl.load_workbook(ROOT / "samples" / "workbooks" / "rilau_ale" / "01_bonto_bangun_lengkap.xlsx")
    book[sheet][cell] = value
    out = tmp_path / "edited.xlsx"
    book.save(out)
    return out


@pytest.mark.parametrize("sheet,cell,value,expected", [
    ("Penandatangan", "C4", "wakil masyarkat",
     "Sheet Penandatangan, baris 4, kolom Peran: 'wakil masyarkat' bukan pilihan yang dikenal; pilihan: Kepala Desa, Camat"),
    ("Aparatur", "C3", "definitip", "Sheet Aparatur, baris 3, kolom Status: 'definitip' bukan pilihan"),
    ("Desa", "B6", "mungkin", "Sheet Desa, baris 6 (Peserta PNPM-MPd): harus ya atau tidak"),
    ("Tahapan", "B4", "2012-02-30", "Sheet Tahapan, baris 4, kolom Tanggal: tanggal '2012-02-30' tidak ada di kalender"),
    ("Penandatangan", "A2", "ba-tidak-ada", "Sheet Penandatangan, baris 2, kolom Id Berita Acara: tidak ada Berita Acara dengan id 'ba-tidak-ada'"),
    ("Tahapan", "B4", "30/02/2012", "Sheet Tahapan, baris 4, kolom Tanggal: '30/02/2012' tidak ada di kalender"),
    ("Tahapan", "B4", "12/02/12", "Sheet Tahapan, baris 4, kolom Tanggal: '12/02/12': tahun harus ditulis 4 angka"),
    ("Tahapan", "B4", "Februari 12", "Sheet Tahapan, baris 4, kolom Tanggal: 'Februari 12' bukan tanggal yang dikenal; tulis hari dulu"),
    ("Desa", "B2", None, "Sheet Desa, baris 2 (Kode desa (PP.KK.CC.DDDD)): wajib diisi"),
    ("Tahapan", "B4", "20120319", "Sheet Tahapan, baris 4, kolom Tanggal: '20120319' bukan tanggal yang dikenal"),
    ("Aparatur", "A1", "Posisi", "Sheet Aparatur, baris 1: judul kolom sheet Aparatur berubah"),
])
def test_errors_name_sheet_row_and_column(tmp_path, sheet, cell, value, expected):
    result = run("check", _edited(tmp_path, sheet, cell, value))
    assert result.exit_code == 2 and expected in result.output and "Traceback" not in result.output


def test_a_workbook_that_is_not_a_dossier(tmp_path):
    roster = ROOT / "samples" / "roster_kabupaten_bulukumba.xlsx"
    result = run("check", roster)
    assert result.exit_code == 2 and "bukan berkas cek-integrasi" in result.output
    fake = tmp_path / "palsu.xlsx"
    fake.write_text("x", "utf-8")
    assert "bukan buku kerja XLSX" in run("check", fake).output


def test_a_workbook_from_before_the_uu_desa_columns_still_reads(tmp_path):
    """Workbooks filled from the first templates (no Peserta, Bidang, Laporan Kepala Desa) stay valid:
    the columns and sheet added later read as empty."""
    book = openpyxl.load_workbook(ROOT / "samples" / "workbooks" / "rilau_ale" / "01_bonto_bangun_lengkap.xlsx")
    headers = [c.value for c in book["Tahapan"][1]]
    book["Tahapan"].delete_cols(headers.index("Peserta") + 1)
    book["Kegiatan RKP"].delete_cols([c.value for c in book["Kegiatan RKP"][1]].index("Bidang (UU 6/2014)") + 1)
    del book["Laporan Kepala Desa"]
    old = tmp_path / "lama.xlsx"
    book.save(old)
    assert run("check", old, *AS_OF).exit_code == 0


def test_a_uu_desa_template_lists_that_packs_stages(tmp_path):
    out = tmp_path / "uu.xlsx"
    assert run("template", "desa", "--pack", "uu-desa", "-o", out).exit_code == 0
    book = openpyxl.load_workbook(out)
    stage_list = _listed(book, book["Tahapan"], "A2")
    assert "Musyawarah Desa penyusunan RKP Desa" in stage_list and "Musyawarah Kelompok Perempuan (MKP)" not in stage_list
    assert "Dana Desa (APBN)" in _listed(book, book["Kegiatan RKP"], "C2")
    rows = [r[0] for r in book["Desa"].iter_rows(values_only=True)]
    assert "Peserta PNPM-MPd" not in rows and "Kantor desa ada" not in rows  # rows only the PTI pack reads
    assert "Tanggal pelantikan Kepala Desa (UU 6/2014)" in rows
    assert "RKP-Desa ditetapkan dengan (id SK atau Perdes)" in rows  # a Perdes under UU 6/2014, not only an SK
    assert not [r for r in rows if "(id SK)" in str(r)]
    pti = tmp_path / "pti.xlsx"
    assert run("template", "desa", "-o", pti).exit_code == 0
    rows = [r[0] for r in openpyxl.load_workbook(pti)["Desa"].iter_rows(values_only=True)]
    assert "Peserta PNPM-MPd" in rows and "Tanggal pelantikan Kepala Desa (UU 6/2014)" not in rows


def test_the_template_asks_explicitly_for_the_participants_and_the_perdes_forum(tmp_path):
    """The facts a rule reads that are often left out (uu-desa MDS-02, MRD-07, EST-02): the
    Petunjuk sheet names them and the cell itself asks for them when it is selected in Excel."""
    out = tmp_path / "uu.xlsx"
    assert run("template", "desa", "--pack", "uu-desa", "-o", out).exit_code == 0
    book = openpyxl.load_workbook(out)
    guide = [r[0] for r in book["Petunjuk"].iter_rows(values_only=True) if r[0]]
    peserta = next(line for line in guide if line.startswith("Sheet Tahapan, kolom Peserta: "))
    assert "BPD (penyelenggara)" in peserta and "lainnya dibaca tidak hadir" in peserta
    forum = next(line for line in guide if line.startswith("Sheet Perdes, kolom Forum: "))
    assert "pilih Rapat BPD bila rancangannya dibahas dan disepakati bersama BPD" in forum

    def prompt(sheet, cell):
        return next(v for v in book[sheet].data_validations.dataValidation if cell in v.sqref and v.showInputMessage).prompt

    headers = [c.value for c in book["Tahapan"][1]]
    letter = openpyxl.utils.get_column_letter(headers.index("Peserta") + 1)
    asked = prompt("Tahapan", f"{letter}2")
    assert asked.startswith("Musdes: Pemerintah Desa, BPD (penyelenggara), unsur masyarakat;")
    assert asked.endswith("Satu atau lebih, dipisah ';': Pemerintah desa; BPD; Unsur masyarakat")  # within Excel's 255
    assert prompt("Perdes", "E2") == forum.removeprefix("Sheet Perdes, kolom Forum: ")
    assert _listed(book, book["Perdes"], "E2") == ["Rapat BPD", "Lainnya"]  # the list itself is kept


@pytest.mark.parametrize("typed,read", [
    ("12/02/2013", "2013-02-12"), ("12-02-2013", "2013-02-12"), ("12.2.2013", "2013-02-12"), ("12 Februari 2013", "2013-02-12"),
    ("12 Feb 2013", "2013-02-12"), ("3 agt 2013", "2013-08-03"), ("1 Okt. 2013", "2013-10-01"), ("2013-02-12", "2013-02-12"),
])
def test_dates_typed_as_text_are_read_day_first(tmp_path, stages, typed, read):
    book = _edited(tmp_path, "Tahapan", "B2", typed)
    assert load_dossier(book, stages)[1].tahapan[0].tanggal.isoformat() == read


def test_a_plan_set_by_the_wrong_instrument_is_offered_read_and_judged(tmp_path):
    """An RPJM Desa set by an SK Kepala Desa is a fact to judge (EST-01), not a refused choice."""
    template = tmp_path / "desa.xlsx"
    run("template", "desa", "-o", template)
    lists = openpyxl.load_workbook(template)
    assert "RPJM-Desa" in _listed(lists, lists["SK Kepala Desa"], "D2")
    assert "Tim Penyusun RPJM-Desa" in _listed(lists, lists["Perdes"], "D2")
    book = openpyxl.load_workbook(ROOT / "samples" / "workbooks" / "uu_desa" / "01_bonto_marannu_lengkap.xlsx")
    for column, value in zip("ABCD", ["sk-rpjm", "141/01/2016", "04/04/2016", "RPJM-Desa"]):
        book["SK Kepala Desa"][f"{column}2"] = value
    row = next(r for r in book["Desa"].iter_rows() if r[0].value == "RPJM-Desa ditetapkan dengan (id Perdes)")
    row[1].value = "sk-rpjm"
    out = tmp_path / "rpjm_sk.xlsx"
    book.save(out)
    result = run("check", out, "--as-of", "2018-03-01", "--format", "json")
    assert result.exit_code == 1, result.output
    est01 = next(f for f in json.loads(result.output)["dossiers"][0]["findings"] if f["rule"] == "EST-01")
    assert "SK Kepala Desa nomor 141/01/2016" in est01["message"]


def test_labels_and_codes_are_both_read_as_codes(tmp_path, stages):
    book = openpyxl.load_workbook(ROOT / "samples" / "workbooks" / "rilau_ale" / "01_bonto_bangun_lengkap.xlsx")
    assert book["Penandatangan"]["C2"].value == "Kepala Desa" and book["Tahapan"]["A2"].value == "MAD Sosialisasi"
    book["Penandatangan"]["C2"] = "kepala_desa"  # a code, as a YAML dossier writes it
    book["Tahapan"]["A2"] = "mad sosialisasi"  # a label in another case
    book["Tahapan"]["C2"] = "lpmd; KPMD"  # several choices: a code and a label
    out = tmp_path / "mixed.xlsx"
    book.save(out)
    dossier = load_dossier(out, stages)[1]
    assert dossier.berita_acara[0].penandatangan[0].peran == "kepala_desa"
    assert dossier.tahapan[0].kode == "mad_sosialisasi" and dossier.tahapan[0].fasilitator == ["lpmd", "kpmd"]


def test_a_deleted_required_row_is_named_by_sheet_and_label(tmp_path):
    book = openpyxl.load_workbook(ROOT / "samples" / "workbooks" / "rilau_ale" / "01_bonto_bangun_lengkap.xlsx")
    book["Desa"].delete_rows(3)  # Nama desa
    out = tmp_path / "tanpa_nama.xlsx"
    book.save(out)
    result = run("check", out)
    assert result.exit_code == 2 and "Sheet Desa (Nama desa): wajib diisi" in result.output


def test_money_is_shown_in_rupiah(tmp_path):
    book = openpyxl.load_workbook(ROOT / "samples" / "workbooks" / "rilau_ale" / "05_batu_lappa_banyak_masalah.xlsx")
    assert book["Kegiatan RKP"]["B2"].number_format == '"Rp "#,##0'


def test_the_instructions_promise_only_date_forms_that_are_read():
    from cek_integrasi.dossiers.workbook_layout import DATES, INSTRUCTIONS
    from cek_integrasi.dossiers.workbook_reading import date_from_text

    forms = [f.strip() for f in DATES.rsplit(":", 1)[1].replace(" atau ", ", ").rstrip(".").split(",")]
    assert forms == ["12/02/2013", "12-02-2013", "12 Februari 2013", "12 Feb 2013", "2013-02-12"]
    assert {date_from_text(f) for f in forms} == {"2013-02-12"}
    assert all(DATES in lines for lines in INSTRUCTIONS.values())


def test_a_workbook_made_with_the_earlier_template_is_still_read(tmp_path, stages):
    book = openpyxl.load_workbook(ROOT / "samples" / "workbooks" / "rilau_ale" / "01_bonto_bangun_lengkap.xlsx")
    book["Tahapan"]["A1"], book["Tahapan"]["A2"] = "Kode tahap", "mad_sosialisasi"
    [rkp_row] = [row for row in book["Desa"].iter_rows() if str(row[0].value).startswith("RKP-Desa ditetapkan dengan")]
    rkp_row[0].value = "RKP-Desa ditetapkan dengan (id SK)"  # the row's label before it named both instruments
    out = tmp_path / "lama.xlsx"
    book.save(out)
    read = load_dossier(out, stages)[1]
    assert read.tahapan[0].kode == "mad_sosialisasi" and read.rkp_desa.ditetapkan_dengan == rkp_row[1].value
