"""Compliance reports as users meet them: XLSX re-read with openpyxl, HTML parsed, rendered in Chromium."""

from __future__ import annotations

import json
import re
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
SAMPLE_DOSSIERS = [SAMPLES / "rilau_ale", SAMPLES / "kindang", SAMPLES / "uu_desa"]  # samples/workbooks holds the same villages
AS_OF = ["--as-of", "2014-03-01"]


def run(*args):
    return CliRunner().invoke(main, [str(a) for a in args], catch_exceptions=False)


@pytest.fixture(scope="module")
def sample_report(tmp_path_factory):
    """The JSON report of the samples, and an HTML and XLSX report of the same run."""
    out = tmp_path_factory.mktemp("reports")
    report = json.loads(run("check", *SAMPLE_DOSSIERS, "--format", "json", *AS_OF).stdout)
    for fmt in ("html", "xlsx"):
        result = run("report", *SAMPLE_DOSSIERS, "--format", fmt, "-o", out / f"laporan.{fmt}", *AS_OF)
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
    assert "Kepatuhan per Kecamatan" in text and "Temuan menurut Keluarga Aturan" in text and "Tahapan Siklus" in text
    assert "1 Maret 2014" in text and f"{report['rule_pack']['id']} {report['rule_pack']['version']}" in text and report["rule_pack"]["sha256"] in text
    assert all(d["sha256"] in text for d in report["dossiers"])


def test_a_report_names_only_the_packs_that_judged_its_dossiers(tmp_path):
    """PTI villages checked where either pack could judge: the header says pti, not 'pti, uu-desa'."""
    from cek_integrasi.packs.rulepack import load_pack

    version = load_pack().version
    page, book = tmp_path / "laporan.html", tmp_path / "laporan.xlsx"
    for out in (page, book):
        assert run("report", ROOT / "samples" / "kindang", "-o", out, *AS_OF).exit_code == 0
    text = " ".join(_parse(page).text)
    assert f"Paket aturan: pti {version}" in text and "uu-desa" not in text
    cells = [str(c) for ws in openpyxl.load_workbook(book) for row in ws.iter_rows(values_only=True) for c in row if c]
    assert f"pti {version}" in cells and not [c for c in cells if "uu-desa" in c]


def test_xlsx_report_summary_findings_with_filters_and_a_sheet_per_kecamatan(sample_report):
    report, out = sample_report
    book = openpyxl.load_workbook(out / "laporan.xlsx")
    kecamatan = sorted({d["kecamatan"] for d in report["dossiers"]})
    assert book.sheetnames == ["Ringkasan", "Temuan", *kecamatan, "File"]
    hashes = {r[0]: r[3] for r in book["File"].iter_rows(min_row=2, values_only=True)}
    assert all(hashes[d["file"]] == d["sha256"] for d in report["dossiers"])
    packs = {r[0]: r[4] for r in book["File"].iter_rows(min_row=2, values_only=True)}
    assert {d["pack"] for d in report["dossiers"]} == {"pti", "uu-desa"}  # the samples mix both regimes
    assert all(packs[d["file"]] == d["pack"] for d in report["dossiers"])
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
    assert summary[0][0] == "Laporan Kepatuhan Perencanaan Desa" and summary[1][1] == "Bulukumba"  # both regimes


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
    assert run("report", *SAMPLE_DOSSIERS, "--format", "markdown", "-o", tmp_path / "r.md", *AS_OF).exit_code == 0
    assert (tmp_path / "r.md").read_text("utf-8").startswith("# Laporan Pemeriksaan cek-integrasi")
    assert run("report", *SAMPLE_DOSSIERS, "--format", "json", "-o", tmp_path / "r.json", *AS_OF).exit_code == 0
    assert json.loads((tmp_path / "r.json").read_text("utf-8"))["summary"]["dossiers"] >= 9


def test_english_report(tmp_path):
    assert run("report", *SAMPLE_DOSSIERS, "--lang", "en", "-o", tmp_path / "r.html", *AS_OF).exit_code == 0
    text = " ".join(_parse(tmp_path / "r.html").text)
    assert "Village Planning Compliance Report" in text and "1 March 2014" in text and "Compliance per Kecamatan" in text


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


SIGNED = [
    "--kop", "PEMERINTAH KABUPATEN BULUKUMBA", "--kop", "KECAMATAN RILAU ALE", "--tempat", "Palampang",
    "--mengetahui", "Camat Rilau Ale; Drs. Andi Baso Tenri; 19650101 199003 1 005", "--pembuat", "Fasilitator Kecamatan; Nurhayati, S.Sos",
]


def _with_findings(report) -> list[dict]:
    return [d for d in report["dossiers"] if any(f["state"] in ("fail", "error", "waived") for f in d["findings"])]


def _pdf_pages(html: Path, pdf: Path, png: Path | None = None) -> list[str]:
    """The text of every page of the A4 PDF that Chromium prints of the page (Playwright's page.pdf)."""
    from playwright.sync_api import sync_playwright

    from browser import CHROMIUM

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=["--no-sandbox", "--disable-gpu", "--disable-background-networking"])
        page = browser.new_page(viewport={"width": 1100, "height": 900})
        page.goto(html.resolve().as_uri())
        if png is not None:
            page.locator(".kecamatan-chart").screenshot(path=png)
        page.pdf(path=pdf, format="A4", print_background=True)
        browser.close()
    return [p.extract_text() for p in pypdf.PdfReader(pdf).pages]


def test_kecamatan_chart_draws_the_share_of_villages_without_errors_with_a_printed_legend(sample_report):
    report, out = sample_report
    html = (out / "laporan.html").read_text("utf-8")
    villages = [d for d in report["dossiers"] if d["kind"] == "desa" and d["kecamatan"] == "Rilau Ale"]
    compliant = sum(1 for d in villages if not any(f["severity"] == "error" and f["state"] in ("fail", "error") for f in d["findings"]))
    chart = html[html.index('class="kecamatan-chart"'):html.index("</svg>", html.index('class="kecamatan-chart"'))]
    assert "<title>" not in chart  # nothing hides in a hover tooltip
    bar = chart[chart.index("Rilau Ale"):]
    green = float(bar.split('class="bar-compliant"')[0].rsplit('width="', 1)[1].split('"')[0])
    assert green == round(240 * compliant / len(villages), 1) and f"{compliant} dari {len(villages)} desa ({round(100 * compliant / len(villages))}%)" in bar
    text = " ".join(_parse(out / "laporan.html").text)
    assert "Desa tanpa Kesalahan per Kecamatan" in text and "desa tanpa kesalahan" in text and "desa dengan kesalahan" in text


def test_timeline_shows_stage_labels_and_readable_dates(sample_report):
    report, out = sample_report
    text = " ".join(_parse(out / "laporan.html").text)
    village = next(d for d in report["dossiers"] if d["kind"] == "desa" and any(s["date"] for s in d["timeline"]))
    step = next(s for s in village["timeline"] if s["date"])
    year, month, day = (int(part) for part in step["date"].split("-"))
    months = ["Januari", "Februari", "Maret", "April", "Mei", "Juni", "Juli", "Agustus", "September", "Oktober", "November", "Desember"]
    assert step["label"] in text and f"{day} {months[month - 1]} {year}" in text
    html = (out / "laporan.html").read_text("utf-8")
    timelines = [part.split("</table>")[0] for part in html.split('<table class="timeline">')[1:]]
    assert len(timelines) == sum(1 for d in report["dossiers"] if d["timeline"])
    codes = {s["stage"] for d in report["dossiers"] for s in d["timeline"]}
    assert not [code for code in codes if any(f">{code}<" in timeline for timeline in timelines)]  # labels, never stage codes
    assert not [t for t in timelines if re.search(r"\d+/\d+/\d+|\d{4}-\d\d-\d\d", t)]  # no 12/02/13, no 2013-02-12


def test_brief_report_has_the_summary_and_only_dossiers_with_findings(tmp_path):
    report = json.loads(run("check", *SAMPLE_DOSSIERS, "--format", "json", *AS_OF).stdout)
    assert run("report", *SAMPLE_DOSSIERS, "--ringkas", "-o", tmp_path / "r.html", *AS_OF).exit_code == 0
    page = _parse(tmp_path / "r.html")
    text = " ".join(page.text)
    shown, every = _with_findings(report), report["dossiers"]
    assert 0 < len(shown) < len(every) and len(page.sections) == len(shown)
    assert f"halaman rinci hanya untuk {len(shown)} dari {len(every)} berkas" in text
    assert all(d["name"] in text for d in every)  # every village is still in the summary table


def test_hashes_are_in_the_appendix_only(sample_report):
    report, out = sample_report
    html = (out / "laporan.html").read_text("utf-8")
    appendix = html.index('<div class="appendix">')
    for digest in [report["rule_pack"]["sha256"], *(d["sha256"] for d in report["dossiers"])]:
        assert html.index(digest) > appendix and html.count(digest) == 1


def test_bad_signatory_is_a_usage_error(tmp_path):
    result = run("report", *SAMPLE_DOSSIERS, "--mengetahui", "Camat saja", "-o", tmp_path / "r.html", *AS_OF)
    assert result.exit_code == 2 and "'Camat saja' bukan 'Jabatan; Nama'" in result.output and not (tmp_path / "r.html").exists()


def test_xlsx_report_carries_letterhead_and_signature_block(tmp_path):
    assert run("report", *SAMPLE_DOSSIERS, "--format", "xlsx", "-o", tmp_path / "r.xlsx", *SIGNED, *AS_OF).exit_code == 0
    rows = [[c for c in row if c not in (None, "")] for row in openpyxl.load_workbook(tmp_path / "r.xlsx")["Ringkasan"].iter_rows(values_only=True)]
    assert rows[0] == ["PEMERINTAH KABUPATEN BULUKUMBA"] and rows[1] == ["KECAMATAN RILAU ALE"]
    tail = [cell for row in rows[-8:] for cell in row]
    assert tail == ["Palampang, 1 Maret 2014", "Mengetahui,", "Yang membuat laporan,", "Camat Rilau Ale", "Fasilitator Kecamatan",
                    "Drs. Andi Baso Tenri", "Nurhayati, S.Sos", "NIP 19650101 199003 1 005"]


@needs_chromium
def test_signed_brief_report_prints_letterhead_signature_and_appendix_in_chromium(tmp_path):
    report = json.loads(run("check", *SAMPLE_DOSSIERS, "--format", "json", *AS_OF).stdout)
    html = tmp_path / "r.html"
    assert run("report", *SAMPLE_DOSSIERS, "--ringkas", "-o", html, *SIGNED, *AS_OF).exit_code == 0
    png = tmp_path / "chart.png"
    pages = _pdf_pages(html, tmp_path / "r.pdf", png)
    assert png.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    assert pages[0].startswith("PEMERINTAH KABUPATEN BULUKUMBA") and "desa tanpa kesalahan" in pages[0] and "desa dengan kesalahan" in pages[0]
    signed = next(i for i, text in enumerate(pages) if "Mengetahui," in text)
    first_dossier = next(i for i, text in enumerate(pages) if f"{_with_findings(report)[0]['name']} (" in text)
    assert signed < first_dossier  # the summary is signed before the detail pages
    for needle in ("Camat Rilau Ale", "Drs. Andi Baso Tenri", "NIP 19650101 199003 1 005", "Palampang, 1 Maret 2014", "Nurhayati, S.Sos"):
        assert needle in pages[signed].replace("\n", " ")
    assert "Lampiran: sidik berkas (sha256)" in pages[-1] and report["rule_pack"]["sha256"][:20] in pages[-1].replace("\n", "")
    complete = run("report", *SAMPLE_DOSSIERS, "-o", tmp_path / "all.html", *SIGNED, *AS_OF)  # the same signed report, every dossier
    assert complete.exit_code == 0 and len(_pdf_pages(tmp_path / "all.html", tmp_path / "all.pdf")) > len(pages)


def test_a_report_of_village_law_dossiers_is_not_titled_for_pnpm_integration(tmp_path):
    """The title names PNPM-MPd integration only when the PTI pack judged every dossier."""
    uu = sorted((SAMPLES / "uu_desa").glob("*.yaml"))
    assert uu and run("report", *uu, "-o", tmp_path / "uu.html", *AS_OF).exit_code == 0
    text = (tmp_path / "uu.html").read_text("utf-8")
    assert "Laporan Kepatuhan Perencanaan Desa" in text and "Integrasi PNPM-MPd" not in text
    assert run("report", *uu, "-o", tmp_path / "uu.xlsx", *AS_OF).exit_code == 0
    assert openpyxl.load_workbook(tmp_path / "uu.xlsx").worksheets[0]["A1"].value == "Laporan Kepatuhan Perencanaan Desa"
    assert run("report", SAMPLES / "rilau_ale", SAMPLES / "kindang", "-o", tmp_path / "pti.html", *AS_OF).exit_code == 0
    assert "Laporan Kepatuhan Integrasi PNPM-MPd" in (tmp_path / "pti.html").read_text("utf-8")
