"""Output files as officials open them: the -o file's ending decides the format, CSV for Indonesian
Excel, files readable by colleagues, rosters in Windows encodings, progress only on a terminal."""

from __future__ import annotations

import csv
import io
import json
import os
import pty
import select
import shutil
import stat
import subprocess
import sys
from pathlib import Path

import openpyxl
import pytest
import yaml
from click.testing import CliRunner

from casekit import load_base
from cek_integrasi.cli import main

ROOT = Path(__file__).resolve().parents[1]
RILAU_ALE = ROOT / "samples" / "rilau_ale"
ROSTER_CSV = ROOT / "samples" / "roster_kabupaten_bulukumba.csv"
ROSTER_XLSX = ROOT / "samples" / "roster_kabupaten_bulukumba.xlsx"
WORKBOOK = ROOT / "samples" / "workbooks" / "rilau_ale" / "05_batu_lappa_banyak_masalah.xlsx"
AS_OF = ["--as-of", "2014-03-01"]
CLI = Path(sys.executable).parent / "cek-integrasi"


def run(*args):
    return CliRunner().invoke(main, [str(a) for a in args], catch_exceptions=False)


def _csv(path: Path, separator: str = ";") -> list[list[str]]:
    raw = path.read_bytes()
    assert raw.startswith("\ufeff".encode()), "a BOM, so that Excel reads UTF-8"
    return list(csv.reader(io.StringIO(raw.decode("utf-8-sig")), delimiter=separator))


# ------------------------------------------------------------------ 12.1 the file's ending decides


@pytest.mark.parametrize("command", ["check", "report"])
def test_the_ending_of_the_output_file_picks_the_format(command, tmp_path):
    for name in ("hasil.xlsx", "hasil.html", "hasil.csv", "hasil.json", "hasil.md"):
        out = tmp_path / name
        result = run(command, RILAU_ALE, "-o", out, *AS_OF)
        assert result.exit_code == (1 if command == "check" else 0), result.output
        assert str(out) in result.stderr and not result.stdout
        data = out.read_bytes()
        if name.endswith(".xlsx"):
            book = openpyxl.load_workbook(out)
            assert len(book.sheetnames) > 1
        elif name.endswith(".html"):
            assert data.lstrip().lower().startswith(b"<!doctype html")
        elif name.endswith(".csv"):
            rows = _csv(out)
            assert rows[0][:4] == ["File", "Kode", "Desa/Kecamatan", "Aturan"]
            assert {"ELG-03", "BA-01"} <= {row[3] for row in rows[1:]}
        elif name.endswith(".json"):
            assert json.loads(data)["summary"]["dossiers"] == 10
        else:
            assert data.startswith(b"# Laporan Pemeriksaan")


def test_screen_to_xlsx_without_format_writes_a_workbook_excel_opens(tmp_path):
    out = tmp_path / "hasil.xlsx"
    assert run("screen", ROSTER_CSV, "-o", out, *AS_OF).exit_code == 0
    sheet = openpyxl.load_workbook(out).worksheets[0]
    assert [c.value for c in sheet[1]][:3] == ["Baris", "Kode", "Desa"] and sheet.max_row == 49


def test_a_format_that_contradicts_the_ending_is_a_usage_error_in_plain_words(tmp_path):
    out = tmp_path / "laporan.xlsx"
    result = run("report", RILAU_ALE, "-o", out, "--format", "html", *AS_OF)
    assert result.exit_code == 2 and not out.exists()
    assert "-o " + str(out) + " berakhiran .xlsx, tetapi --format html diminta" in result.stderr
    assert "laporan.html" in result.stderr and "Traceback" not in result.output
    english = run("check", RILAU_ALE, "-o", tmp_path / "x.csv", "--format", "json", "--lang", "en", *AS_OF)
    assert english.exit_code == 2 and "ends in .csv but --format json was asked for" in english.stderr
    unsupported = run("screen", ROSTER_CSV, "-o", tmp_path / "x.md", *AS_OF)
    assert unsupported.exit_code == 2 and "screen tidak dapat menulis file .md" in unsupported.stderr
    assert ".xlsx" in unsupported.stderr and not (tmp_path / "x.md").exists()
    agreeing = run("report", RILAU_ALE, "-o", out, "--format", "xlsx", *AS_OF)
    assert agreeing.exit_code == 0 and openpyxl.load_workbook(out)


def test_outputs_are_readable_by_colleagues_and_keep_the_mode_of_the_file_they_replace(tmp_path):
    old = os.umask(0o022)
    try:
        fresh = tmp_path / "laporan.html"
        assert run("report", RILAU_ALE, "-o", fresh, *AS_OF).exit_code == 0
        assert stat.S_IMODE(fresh.stat().st_mode) == 0o644
        shared = tmp_path / "hasil.csv"
        shared.write_text("lama", "utf-8")
        shared.chmod(0o664)
        assert run("screen", ROSTER_CSV, "-o", shared, *AS_OF).exit_code == 0
        assert stat.S_IMODE(shared.stat().st_mode) == 0o664 and shared.read_text("utf-8-sig") != "lama"
    finally:
        os.umask(old)
    assert [p.name for p in tmp_path.iterdir() if p.name.startswith(".")] == [], "no temporary file left"


# ------------------------------------------------------------------ 12.3 CSV for Indonesian Excel


def test_csv_is_utf8_with_bom_and_semicolons_or_commas_on_request(tmp_path):
    out = tmp_path / "hasil.csv"
    assert run("screen", ROSTER_CSV, "-o", out, *AS_OF).exit_code == 0
    rows = _csv(out)
    assert rows[0][:3] == ["Baris", "Kode", "Desa"] and len(rows) == 49 and all(len(r) == 7 for r in rows)
    comma = tmp_path / "koma.csv"
    assert run("check", RILAU_ALE, "-o", comma, "--csv-separator", ",", *AS_OF).exit_code == 1
    rows = _csv(comma, ",")
    assert rows[0][:2] == ["File", "Kode"] and all(len(r) == 9 for r in rows)
    assert run("screen", ROSTER_CSV, "-o", out, "--csv-separator", "|", *AS_OF).exit_code == 2


def _screened(roster: Path) -> dict:
    result = run("screen", roster, "--format", "json", *AS_OF)
    assert result.exit_code == 0, result.output
    return json.loads(result.stdout)


def test_rosters_saved_by_excel_in_windows_encodings_are_read(tmp_path):
    text = ROSTER_CSV.read_text("utf-8").replace("Bialo Jaya", "Bialó Jaya").replace("Muh. Yamin", "Muh’ Yamin")
    rows = list(csv.reader(io.StringIO(text)))
    expected = [v["nama"] for v in _screened(ROSTER_CSV)["villages"]]
    expected[0] = "Bialó Jaya"

    def saved(separator: str) -> str:
        out = io.StringIO()
        csv.writer(out, delimiter=separator, lineterminator="\r\n").writerows(rows)
        return out.getvalue()

    windows = tmp_path / "windows.csv"  # Excel's "CSV" on an Indonesian Windows PC: cp1252 and ';'
    windows.write_bytes(saved(";").encode("cp1252"))
    unicode_text = tmp_path / "unicode.csv"  # Excel's "Unicode text": UTF-16 with tabs
    unicode_text.write_bytes(saved("\t").encode("utf-16"))
    for roster in (windows, unicode_text):
        assert [v["nama"] for v in _screened(roster)["villages"]] == expected


def test_a_village_code_of_ten_digits_is_accepted_and_normalised(tmp_path):
    roster = tmp_path / "roster.csv"
    roster.write_text(ROSTER_CSV.read_text("utf-8").replace("73.02.02.2001", "7302022001"), "utf-8")
    villages = _screened(roster)["villages"]
    assert villages[0]["kode"] == "73.02.02.2001" and villages == _screened(ROSTER_CSV)["villages"]
    bad = tmp_path / "salah.csv"
    bad.write_text(ROSTER_CSV.read_text("utf-8").replace("73.02.02.2001", "730202200"), "utf-8")
    assert run("screen", bad, *AS_OF).exit_code == 2
    dossier = tmp_path / "desa.yaml"  # unquoted in YAML: a number
    dossier.write_text(yaml.safe_dump({**load_base("desa_lengkap.yaml"), "kode": 7302052004}, allow_unicode=True), "utf-8")
    result = run("check", dossier, "--format", "json", *AS_OF)
    assert result.exit_code == 0, result.output
    assert json.loads(result.stdout)["dossiers"][0]["code"] == "73.02.05.2004"
    book = openpyxl.load_workbook(WORKBOOK)  # a code typed in Excel without dots: a number in the cell
    assert book["Desa"]["A2"].value.startswith("Kode desa")
    book["Desa"]["B2"] = 7302052012
    typed = tmp_path / "desa.xlsx"
    book.save(typed)
    as_number = json.loads(run("check", typed, "--format", "json", *AS_OF).stdout)["dossiers"][0]
    assert as_number["code"] == "73.02.05.2012" and as_number["name"] == "Batu Lappa"


# ------------------------------------------------------------------ 12.7 progress and folder scans


def test_folder_scans_take_dossier_workbooks_and_name_the_workbooks_skipped(tmp_path):
    shutil.copy(WORKBOOK, tmp_path / "desa.xlsx")
    shutil.copy(ROSTER_XLSX, tmp_path / "roster.xlsx")
    (tmp_path / "~$desa.xlsx").write_bytes(b"Excel lock file")
    result = run("check", tmp_path, "--format", "json", *AS_OF)
    report = json.loads(result.stdout)
    assert [Path(d["file"]).name for d in report["dossiers"]] == ["desa.xlsx"] and report["input_errors"] == []
    assert "Dilewati, bukan buku kerja berkas: " + str(tmp_path / "roster.xlsx") in result.stderr
    assert "~$" not in result.stderr
    assert "roster.xlsx" not in run("check", tmp_path, "--quiet", *AS_OF).stderr


@pytest.fixture(scope="module")
def many(tmp_path_factory) -> Path:
    folder = tmp_path_factory.mktemp("banyak") / "desa"
    assert run("generate", "-n", "200", "-o", folder).exit_code == 0
    return folder


def _stderr_on_a_terminal(*args: str) -> str:
    """Run the CLI with stderr on a pseudo-terminal (stdout a pipe); what the terminal showed."""
    leader, follower = pty.openpty()
    done = subprocess.Popen([str(CLI), *args], stdout=subprocess.PIPE, stderr=follower, env={**os.environ, "COLUMNS": "100"})
    os.close(follower)
    shown = b""
    while True:
        ready, _, _ = select.select([leader], [], [], 60)
        if not ready:
            break
        try:
            chunk = os.read(leader, 4096)
        except OSError:  # the terminal closed with the process
            break
        if not chunk:
            break
        shown += chunk
    done.communicate(timeout=60)
    os.close(leader)
    return shown.decode("utf-8", "replace")


def test_long_work_shows_progress_on_a_terminal_only(many, tmp_path):
    shown = _stderr_on_a_terminal("check", str(many), "--format", "json", "-o", str(tmp_path / "a.json"), *AS_OF)
    assert "Memeriksa" in shown and "file/detik" in shown and "/" in shown
    assert "Memeriksa" not in _stderr_on_a_terminal("check", str(many), "-o", str(tmp_path / "b.json"), "--quiet", *AS_OF)
    piped = subprocess.run([str(CLI), "check", str(many), "-o", str(tmp_path / "c.json"), *AS_OF], capture_output=True, text=True)
    assert piped.returncode in (0, 1) and "Memeriksa" not in piped.stderr and "ditulis" in piped.stderr


def test_screening_a_long_roster_shows_progress_on_a_terminal(tmp_path):
    header, *rows = ROSTER_CSV.read_text("utf-8").splitlines()
    many = [row.replace(row.split(",")[0], f"73.02.{i // 900 + 10:02d}.2{i % 900 + 100:03d}", 1) for i, row in
            enumerate(rows * 5)]
    roster = tmp_path / "roster.csv"
    roster.write_text("\n".join([header, *many]) + "\n", "utf-8")
    shown = _stderr_on_a_terminal("screen", str(roster), "-o", str(tmp_path / "hasil.xlsx"), *AS_OF)
    assert "Menyaring" in shown and "240/240" in shown and "(240 desa disaring)" in shown
