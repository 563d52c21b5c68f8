"""No codes or YAML paths in what a user reads: every message, remediation, place and label rendered
for the samples (YAML and workbooks), in both languages and every format, is scanned for a
snake_case code (`kepala_desa`), a dotted key path (`kantor.ada`) or a list index (`[0]`)."""

from __future__ import annotations

import html
import json
import re
from pathlib import Path

import openpyxl
import pytest
from click.testing import CliRunner

from cek_integrasi.cli import main

ROOT = Path(__file__).resolve().parents[1]
YAML = [ROOT / "samples" / "rilau_ale", ROOT / "samples" / "kindang", ROOT / "samples" / "uu_desa"]
WORKBOOKS = [ROOT / "samples" / "workbooks"]  # the same berkas: checked in a run of their own (one area, one berkas)
AS_OF = ["--as-of", "2014-03-01"]
CODE = re.compile(r"\b[a-z0-9]+_[a-z0-9_]+\b|\b[a-z_]+\.[a-z_]+\b|\[\d+\]")
FILE_NAME = re.compile(r"\S*[/\\]\S*|\S+\.(?:yaml|yml|json|xlsx|csv|html|md)\b")  # file names are the user's own words


def codes_in(text: str) -> list[str]:
    return CODE.findall(FILE_NAME.sub(" ", text))


def run(*args) -> str:
    result = CliRunner().invoke(main, [str(a) for a in args], catch_exceptions=False)
    assert result.exit_code in (0, 1), result.output
    return result.output


@pytest.fixture(scope="module", params=["id", "en"])
def lang(request):
    return request.param


@pytest.fixture(scope="module", params=["yaml", "xlsx"])
def samples(request):
    return YAML if request.param == "yaml" else WORKBOOKS


def test_the_scan_finds_what_it_must():
    assert codes_in("catat tanda_tangan: ya") == ["tanda_tangan"]
    assert codes_in("lalu catat kantor.ada") == ["kantor.ada"]
    assert codes_in("berita_acara[0].penandatangan") and not codes_in("samples/rilau_ale/05_batu_lappa.yaml, Sheet Desa")


def test_json_messages_remediations_places_and_labels(lang, samples):
    report = json.loads(run("check", *samples, "--format", "json", "--lang", lang, *AS_OF))
    texts = [p[k] for p in report["input_errors"] for k in ("place", "message")]
    for dossier in report["dossiers"]:
        texts += [f[k] or "" for f in dossier["findings"] for k in ("title", "message", "remediation", "place")]
        texts += [s["label"] for s in dossier["next_steps"] + dossier["timeline"]]
    assert len(texts) > 300
    assert [(t, codes_in(t)) for t in texts if codes_in(t)] == []


@pytest.mark.parametrize("fmt", ["table", "markdown"])
def test_text_reports(lang, fmt, samples):
    text = run("check", *samples, "--format", fmt, "--lang", lang, *AS_OF)
    assert [line for line in text.splitlines() if codes_in(line)] == []


def test_html_and_xlsx_reports(lang, samples, tmp_path):
    page, book = tmp_path / "laporan.html", tmp_path / "laporan.xlsx"
    run("report", *samples, "--lang", lang, *AS_OF, "-o", page)
    run("report", *samples, "--lang", lang, *AS_OF, "--format", "xlsx", "-o", book)
    source = re.sub(r"<(style|script)\b.*?</\1>", "", page.read_text("utf-8"), flags=re.S)
    visible = html.unescape(re.sub(r"<[^>]+>", "\n", source))
    cells = [c for ws in openpyxl.load_workbook(book) for row in ws.iter_rows(values_only=True) for c in row if isinstance(c, str)]
    assert [line for line in visible.splitlines() if codes_in(line)] == []
    assert [c for c in cells if codes_in(c)] == []


def test_workbook_template_drop_downs_show_labels(tmp_path):
    out = tmp_path / "desa.xlsx"
    run("template", "desa", "-o", out)
    lists = [c for row in openpyxl.load_workbook(out)["Pilihan"].iter_rows(values_only=True) for c in row if c]
    assert len(lists) > 40 and [c for c in lists if codes_in(c)] == []


def test_web_pages(lang, pack, tmp_path):
    from test_web import _upload  # posts as the page does and waits for the result

    from cek_integrasi.webpage.app import create_app

    client = create_app(pack, max_upload_mb=5).test_client()
    rules = client.get(f"/rules?lang={lang}").get_data(as_text=True)
    book = ROOT / "samples" / "workbooks" / "rilau_ale" / "05_batu_lappa_banyak_masalah.xlsx"
    result = _upload(client, book, lang=lang).get_data(as_text=True)
    assert "Batu Lappa" in result
    for page in (rules, result):
        source = re.sub(r"<(style|script)\b.*?</\1>", "", page, flags=re.S)
        visible = html.unescape(re.sub(r"<[^>]+>", "\n", source))
        assert [line for line in visible.splitlines() if codes_in(line)] == []


def test_dates_numbers_and_money_as_people_write_them():
    import datetime as dt

    from cek_integrasi import i18n

    assert i18n.show(dt.date(2013, 2, 12)) == "12 Februari 2013" and i18n.show(dt.date(2013, 2, 12), "en") == "12 February 2013"
    assert i18n.show(i18n.Rupiah(120_000_000)) == "Rp 120.000.000" and i18n.show(i18n.Rupiah(120_000_000), "en") == "Rp 120,000,000"
    assert i18n.show(2013) == "2013" and i18n.show(12_345) == "12.345"  # a year stays a year
    summary = i18n.text("ui.summary", "id", dossiers=12_345, error=3, warning=1, info=0, waived=0, unreadable=0)
    assert summary.startswith("Ringkasan: 12.345 berkas diperiksa")


def test_markdown_dates_and_money():
    text = run("check", ROOT / "samples" / "rilau_ale" / "05_batu_lappa_banyak_masalah.yaml", "--format", "markdown", *AS_OF)
    assert "- Per tanggal: 1 Maret 2014" in text and "jumlah Rp 120.000.000" in text


def test_diff_table_names_places_not_subjects(tmp_path, lang, samples):
    before, after = tmp_path / "putaran1.json", tmp_path / "putaran2.json"
    before.write_text(run("check", *samples, "--format", "json", "--lang", lang, "--as-of", "2013-01-01"), "utf-8")
    after.write_text(run("check", *samples, "--format", "json", "--lang", lang, *AS_OF), "utf-8")
    text = run("diff", before, after, "--lang", lang)
    assert [line for line in text.splitlines() if codes_in(line)] == []


def _words_the_glossary_refuses() -> set[str]:
    """The words docs/glossary.md rules out (`Not "galat"`, `Not "dossier"`)."""
    return {w.lower() for w in re.findall(r'\bNot "([^"]+)"', (ROOT / "docs" / "glossary.md").read_text("utf-8"))}


def _indonesian_texts() -> list[tuple[str, str]]:
    """(where, text) for every Indonesian string a user reads: the catalogue, click's messages and the rule files' texts."""
    import yaml

    def strings(node, where):
        if isinstance(node, dict):
            for key, value in node.items():
                yield from strings(value, f"{where}.{key}")
        elif isinstance(node, list):
            for i, value in enumerate(node):
                yield from strings(value, f"{where}[{i}]")
        elif isinstance(node, str):
            yield where, node

    catalogues = ROOT / "src" / "cek_integrasi" / "catalogues"
    out = list(strings(yaml.safe_load((catalogues / "id.yaml").read_text("utf-8")), "id.yaml"))
    out += [("click.id.po", m) for m in re.findall(r'^msgstr "(.*)"$', (catalogues / "click.id.po").read_text("utf-8"), re.M)]
    for path in sorted((ROOT / "rules").glob("*/*.yaml")):
        out += [(w, t) for w, t in strings(yaml.safe_load(path.read_text("utf-8")), path.name) if w.endswith(".id")]
    return out


def test_the_catalogues_read_the_same_with_yaml_rs_as_with_pyyaml():
    """i18n reads the catalogues with yaml-rs (YAML 1.2); the glossary checks above read them with PyYAML (1.1): a
    word such as `yes` or `010` would read differently, and must not appear unquoted."""
    import yaml
    import yaml_rs

    for path in sorted((ROOT / "src" / "cek_integrasi" / "catalogues").glob("*.yaml")):
        text = path.read_text("utf-8")
        assert repr(yaml_rs.loads(text)) == repr(yaml.safe_load(text)), path.name  # repr: True and 1 differ


def test_every_indonesian_string_uses_the_glossary_words():
    refused = _words_the_glossary_refuses()
    assert {"galat", "dossier"} <= refused
    texts = _indonesian_texts()
    assert len(texts) > 500 and any(w.startswith("click.id.po") for w, _ in texts)
    found = [(where, text) for where, text in texts if refused & {w.lower() for w in re.findall(r"\w+", text)}]
    assert found == []
