"""Every output survives every name (issue 13.7): control characters, bidi overrides, HTML and
Markdown in names go through every format as text, never as an action, markup or a crash."""

from __future__ import annotations

import csv
import io
import json
import re
from pathlib import Path

import openpyxl
import yaml
from click.testing import CliRunner

from casekit import apply_edits, load_base
from cek_integrasi.cli import main

FIXTURES = Path(__file__).parent / "fixtures"
AS_OF = ["--as-of", "2014-03-01"]
VILLAGE = "Bonto <b>Bangun</b> \x1b[31mMERAH\x1b[0m *tebal* [x](http://evil.example) | pipa `kode`"
SIGNER = "Daeng\x07 Ngalle <img src=x onerror=alert(1)>"
OFFICIAL = "Hasna\x0bwati\u202e"
KECAMATAN = "Rilau\x1b Ale\t[2]"  # also a sheet name in the XLSX report
RAW = ("\x1b", "\x07", "\x0b", "\u202e")


def run(*args):
    return CliRunner().invoke(main, [str(a) for a in args], catch_exceptions=False)


def hostile(tmp_path: Path) -> Path:
    data = apply_edits(load_base("desa_lengkap.yaml"), {"set": {
        "nama": VILLAGE, "berita_acara[0].penandatangan[2].nama": SIGNER, "aparatur[1].nama": OFFICIAL, "kecamatan": KECAMATAN,
    }})
    path = tmp_path / "aneh\x1b]0;judul\x07.yaml"  # a file name can be hostile too
    path.write_text(yaml.safe_dump(data, allow_unicode=True), "utf-8")
    return path


def test_the_terminal_shows_control_characters_and_never_receives_them(tmp_path):
    result = run("check", hostile(tmp_path), "--format", "table", *AS_OF)
    assert result.exit_code == 0 and not any(c in result.output for c in RAW)
    assert "Bonto <b>Bangun</b> <U+001B>[31mMERAH<U+001B>[0m" in result.output
    assert "Daeng<U+0007> Ngalle" in result.output  # BA-14 names the doubtful signer
    assert "aneh<U+001B>]0;judul<U+0007>.yaml" in result.output


def test_markdown_is_text_never_markup_links_or_columns(tmp_path):
    markdown = run("check", hostile(tmp_path), "--format", "markdown", *AS_OF).output
    assert not any(c in markdown for c in RAW)
    assert "<b>" not in markdown and "<img" not in markdown and "&lt;img src=x onerror=alert(1)&gt;" in markdown
    assert not re.search(r"(?<!\\)\]\(", markdown) and "\\[x\\](http://evil.example)" in markdown and "\\*tebal\\*" in markdown
    table = [line for line in markdown.splitlines() if line.startswith("| BA-14 |")]
    assert len(table) == 1 and len(re.findall(r"(?<!\\)\|", table[0])) == 7  # six columns, no more


def test_json_and_html_keep_the_name_as_it_was_written(tmp_path):
    report = json.loads(run("check", hostile(tmp_path), "--format", "json", *AS_OF).output)
    assert report["dossiers"][0]["name"] == VILLAGE
    out = tmp_path / "laporan.html"
    assert run("report", hostile(tmp_path), "--format", "html", "-o", out, *AS_OF).exit_code == 0
    html = out.read_text("utf-8")
    assert "<img src=x" not in html and "&lt;img src=x onerror=alert(1)&gt;" in html and "<b>Bangun" not in html


def test_the_xlsx_report_is_written_with_control_characters_made_visible(tmp_path):
    out = tmp_path / "laporan.xlsx"
    result = run("report", hostile(tmp_path), "--format", "xlsx", "-o", out, *AS_OF)
    assert result.exit_code == 0, result.output
    book = openpyxl.load_workbook(out)
    assert "Rilau Ale  2 " in book.sheetnames  # a sheet of the kecamatan, its name made valid
    cells = [c for sheet in book for row in sheet.iter_rows(values_only=True) for c in row if isinstance(c, str)]
    assert "Bonto <b>Bangun</b> <U+001B>[31mMERAH<U+001B>[0m *tebal* [x](http://evil.example) | pipa `kode`" in cells
    assert any("Daeng<U+0007> Ngalle" in c for c in cells)


def test_convert_writes_the_workbook_and_reads_back_the_same_people(tmp_path):
    source = hostile(tmp_path)
    book, back = tmp_path / "desa.xlsx", tmp_path / "kembali.yaml"
    assert run("convert", source, "-o", book).exit_code == 0
    assert run("convert", book, "-o", back).exit_code == 0
    data = yaml.safe_load(back.read_text("utf-8"))
    assert data["nama"] == VILLAGE.replace("\x1b", "")  # the one character a workbook cannot hold is left out
    assert data["berita_acara"][0]["penandatangan"][2]["nama"] == SIGNER.replace("\x07", "")
    assert data["aparatur"][1]["nama"] == "Hasnawati\u202e"
    before = json.loads(run("check", source, "--format", "json", *AS_OF).output)["dossiers"][0]["results"]
    after = json.loads(run("check", back, "--format", "json", *AS_OF).output)["dossiers"][0]["results"]
    assert {**before, "BA-14": "pass"} == after  # the same people; only the invisible character was doubtful


def test_a_name_that_looks_like_a_formula_stays_text_in_the_converted_workbook(tmp_path):
    data = apply_edits(load_base("desa_lengkap.yaml"), {"set": {"berita_acara[0].penandatangan[2].nama": "=HYPERLINK(\"http://x\")"}})
    source, book = tmp_path / "desa.yaml", tmp_path / "desa.xlsx"
    source.write_text(yaml.safe_dump(data, allow_unicode=True), "utf-8")
    assert run("convert", source, "-o", book).exit_code == 0
    cells = [c for sheet in openpyxl.load_workbook(book) for row in sheet.iter_rows() for c in row if c.value == data["berita_acara"][0]["penandatangan"][2]["nama"]]
    assert cells and all(c.data_type == "s" for c in cells)


def test_every_roster_row_is_in_every_screening_format(tmp_path):
    roster = tmp_path / "roster.csv"
    roster.write_text((FIXTURES / "roster_baris_rusak.csv").read_text("utf-8").replace("Bulo Lohe", "Bulo\x1b[2J Lohe"), "utf-8")
    rows = {}
    for fmt in ("csv", "table", "json"):
        out = tmp_path / f"hasil.{fmt}"
        assert run("screen", roster, "--format", fmt, "-o", out, *AS_OF).exit_code == 2
        rows[fmt] = out.read_text("utf-8-sig")
    listed = list(csv.reader(io.StringIO(rows["csv"]), delimiter=";"))[1:]  # CSV for Indonesian Excel
    assert sorted(int(r[0]) for r in listed) == list(range(2, 12))  # every village row of the roster, once
    unscreened = {int(r[0]): r for r in listed if r[4] == "TIDAK DISARING"}
    assert sorted(unscreened) == [3, 5, 8, 10]
    assert "kantor_layak: " in unscreened[10][5] and "sekdes: " in unscreened[10][5]
    assert "\x1b" not in rows["table"] and "Bulo<U+001B>[2J Lohe" in rows["table"]
    assert sorted({p["row"] for p in json.loads(rows["json"])["bad_rows"]}) == [3, 5, 8, 10]
    out = tmp_path / "hasil.xlsx"
    assert run("screen", roster, "--format", "xlsx", "-o", out, *AS_OF).exit_code == 2
    bad = openpyxl.load_workbook(out)["Baris Bermasalah"]
    assert sorted({r[0] for r in bad.iter_rows(min_row=2, values_only=True)}) == [3, 5, 8, 10]


def test_the_web_page_and_its_downloads_hold_any_name(pack, tmp_path):
    from cek_integrasi.webpage.app import create_app

    client = create_app(pack).test_client()
    token = re.search(r'name="csrf_token" value="([^"]+)"', client.get("/").get_data(as_text=True)).group(1)
    source = hostile(tmp_path)
    data = {"dossier": [(source.open("rb"), "aneh.yaml")], "as_of": "2014-03-01", "csrf_token": token}
    response = client.post("/periksa", data=data, content_type="multipart/form-data")
    for _ in range(300):
        response = client.get(response.location if response.status_code == 303 else response.request.full_path)
        if response.status_code == 200:
            break
    page = response.get_data(as_text=True)
    assert "<img src=x" not in page and "&lt;img src=x onerror=alert(1)&gt;" in page and 'data-rule="BA-14"' in page
    path = response.request.path.replace("/hasil/", "/laporan/")
    book = client.get(path + ".xlsx")
    assert book.status_code == 200
    cells = [c for sheet in openpyxl.load_workbook(io.BytesIO(book.data)) for row in sheet.iter_rows(values_only=True) for c in row if isinstance(c, str)]
    assert any(c.startswith("Bonto <b>Bangun</b> <U+001B>[31mMERAH") for c in cells)
    html = client.get(path + ".html").get_data(as_text=True)
    assert "<img src=x" not in html and "&lt;img src=x onerror=alert(1)&gt;" in html


def test_messages_naming_files_show_their_control_characters(tmp_path):
    out = tmp_path / "laporan\x1b[2J.html"
    result = run("report", hostile(tmp_path), "-o", out, *AS_OF)
    said = result.output + (result.stderr if result.stderr_bytes is not None else "")
    assert result.exit_code == 0 and out.exists()
    assert "laporan<U+001B>[2J.html" in said and "\x1b" not in said
