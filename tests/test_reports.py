"""Compliance reports as users meet them: XLSX re-read with openpyxl, HTML parsed, rendered in Chromium."""

from __future__ import annotations

import json
from html.parser import HTMLParser
from pathlib import Path

import openpyxl
import pypdf
import pytest
import yaml
from click.testing import CliRunner

from browser import needs_chromium, print_pdf, screenshot
from casekit import apply_edits, load_base
from cek_integrasi.cli import main

ROOT = Path(__file__).resolve().parents[1]
SAMPLES = ROOT / "samples"
AS_OF = ["--as-of", "2014-03-01"]


def run(*args):
    return CliRunner().invoke(main, [str(a) for a in args], catch_exceptions=False)


@pytest.fixture(scope="module")
def sample_report(tmp_path_factory):
    """The JSON report of the samples, and an HTML and XLSX report of the same run."""
    out = tmp_path_factory.mktemp("reports")
    report = json.loads(run("check", SAMPLES, "--format", "json", *AS_OF).output)
    for fmt in ("html", "xlsx"):
        result = run("report", SAMPLES, "--format", fmt, "-o", out / f"laporan.{fmt}", *AS_OF)
        assert result.exit_code == 0, result.output
    return report, out


class _Text(HTMLParser):
    """Visible text, the ids of sections and every URL an element would load."""

    def __init__(self):
        super().__init__()
        self.text, self.sections, self.urls, self.scripts = [], [], [], 0

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "section":
            self.sections.append(attrs.get("id"))
        if tag == "script":
            self.scripts += 1
        for key in ("src", "href"):
            if attrs.get(key) and not attrs[key].startswith("#"):
                self.urls.append(attrs[key])

    def handle_data(self, data):
        self.text.append(data)


def _parse(path: Path) -> _Text:
    parser = _Text()
    parser.feed(path.read_text("utf-8"))
    return parser


def test_html_report_holds_every_dossier_and_finding_and_loads_nothing(sample_report):
    report, out = sample_report
    page = _parse(out / "laporan.html")
    text = " ".join(page.text)
    assert page.urls == [] and page.scripts == 0  # self-contained: no network, no script
    assert len(page.sections) == len(report["dossiers"])
    for dossier in report["dossiers"]:
        assert dossier["name"] in text
        for finding in dossier["findings"]:
            if finding["state"] != "pending":
                assert finding["message"] in text
    assert "Kepatuhan per kecamatan" in text and "Temuan menurut keluarga aturan" in text and "Tahapan siklus" in text
    assert "1 Maret 2014" in text and f"pti {report['rule_pack']['version']}" in text and report["rule_pack"]["sha256"] in text
    assert all(d["sha256"] in text for d in report["dossiers"])


def test_xlsx_report_summary_findings_with_filters_and_a_sheet_per_kecamatan(sample_report):
    report, out = sample_report
    book = openpyxl.load_workbook(out / "laporan.xlsx")
    kecamatan = sorted({d["kecamatan"] for d in report["dossiers"]})
    assert book.sheetnames == ["Ringkasan", "Temuan", *kecamatan, "Berkas"]
    hashes = {r[0]: r[3] for r in book["Berkas"].iter_rows(min_row=2, values_only=True)}
    assert all(hashes[d["file"]] == d["sha256"] for d in report["dossiers"])
    findings = book["Temuan"]
    rows = list(findings.iter_rows(min_row=2, values_only=True))
    assert len(rows) == sum(len(d["findings"]) for d in report["dossiers"])
    assert findings.auto_filter.ref == f"A1:K{len(rows) + 1}" and findings.freeze_panes == "A2"
    first = next(d for d in report["dossiers"] if d["findings"])
    assert rows[0][:4] == (first["code"], first["name"], first["kecamatan"], first["findings"][0]["rule"])
    villages = [d for d in report["dossiers"] if d["kecamatan"] == "Rilau Ale"]
    sheet = book["Rilau Ale"]
    assert [r[0] for r in sheet.iter_rows(min_row=2, values_only=True)] == [d["code"] for d in villages]
    summary = [r for r in book["Ringkasan"].iter_rows(values_only=True)]
    assert summary[0][0] == "Laporan kepatuhan integrasi PNPM-MPd" and summary[1][1] == "Bulukumba"


def _hostile_village(tmp_path: Path) -> Path:
    data = apply_edits(load_base("desa_lengkap.yaml"), {"set": {
        "nama": "<script>alert('x')</script> & Co",
        "aparatur[3].status": "kosong", "aparatur[4].status": "kosong",
        "aparatur[2].nama": "=HYPERLINK(\"http://evil\",\"klik\")",
    }})
    path = tmp_path / "desa.yaml"
    path.write_text(yaml.safe_dump(data, allow_unicode=True), "utf-8")
    return path


def test_names_are_escaped_in_html_and_formulas_defused_in_xlsx(tmp_path):
    village = _hostile_village(tmp_path)
    assert run("report", village, "-o", tmp_path / "r.html", *AS_OF).exit_code == 0
    html = (tmp_path / "r.html").read_text("utf-8")
    assert "<script>" not in html and "&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt; &amp; Co" in html
    assert run("report", village, "--format", "xlsx", "-o", tmp_path / "r.xlsx", *AS_OF).exit_code == 0
    cells = [c for row in openpyxl.load_workbook(tmp_path / "r.xlsx")["Temuan"].iter_rows() for c in row]
    formulas = [c for c in cells if c.data_type == "f"]
    assert formulas == []
    assert any(isinstance(c.value, str) and "=HYPERLINK" in c.value for c in cells)


def test_output_replaces_atomically_and_never_an_input(tmp_path):
    village = _hostile_village(tmp_path)
    target = tmp_path / "r.html"
    target.write_text("old", "utf-8")
    assert run("report", village, "-o", target, *AS_OF).exit_code == 0
    assert target.read_text("utf-8").startswith("<!DOCTYPE html>")
    assert sorted(p.name for p in tmp_path.iterdir()) == ["desa.yaml", "r.html"]  # no temporary file left
    before = village.read_bytes()
    refused = run("report", village, "--format", "json", "-o", village, *AS_OF)
    assert refused.exit_code == 2 and "ini file masukan" in refused.output and village.read_bytes() == before
    refused = run("report", tmp_path, "--format", "markdown", "-o", village, *AS_OF)
    assert refused.exit_code == 2 and village.read_bytes() == before


def test_markdown_and_json_reports(tmp_path):
    assert run("report", SAMPLES, "--format", "markdown", "-o", tmp_path / "r.md", *AS_OF).exit_code == 0
    assert (tmp_path / "r.md").read_text("utf-8").startswith("# Laporan pemeriksaan cek-integrasi")
    assert run("report", SAMPLES, "--format", "json", "-o", tmp_path / "r.json", *AS_OF).exit_code == 0
    assert json.loads((tmp_path / "r.json").read_text("utf-8"))["summary"]["dossiers"] >= 9


def test_english_report(tmp_path):
    assert run("report", SAMPLES, "--lang", "en", "-o", tmp_path / "r.html", *AS_OF).exit_code == 0
    text = " ".join(_parse(tmp_path / "r.html").text)
    assert "PNPM-MPd integration compliance report" in text and "1 March 2014" in text and "Compliance per kecamatan" in text


@needs_chromium
def test_html_report_renders_in_chromium_to_png_and_a4_pdf_with_a_page_per_dossier(sample_report, tmp_path):
    report, out = sample_report
    png, pdf = tmp_path / "laporan.png", tmp_path / "laporan.pdf"
    screenshot(out / "laporan.html", png, tmp_path / "profile")
    assert png.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n" and png.stat().st_size > 20_000
    print_pdf(out / "laporan.html", pdf, tmp_path / "profile")
    pages = pypdf.PdfReader(pdf).pages
    assert len(pages) >= 1 + len(report["dossiers"])  # summary, then a page break before each dossier
    width, height = float(pages[0].mediabox.width), float(pages[0].mediabox.height)
    assert abs(width - 595) < 2 and abs(height - 842) < 2  # A4 in points
    text = "".join(page.extract_text() for page in pages)
    for dossier in report["dossiers"]:
        assert dossier["name"] in text
