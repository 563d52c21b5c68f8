"""The local web page: unit checks with Flask's client, and end to end in headless Chromium."""

from __future__ import annotations

import datetime as dt
import functools
import json
import re
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest
import yaml
from click.testing import CliRunner

from browser import CHROMIUM, needs_chromium
from casekit import apply_edits, load_base
from cek_integrasi.cli import main
from helpers import checked_page
from cek_integrasi.evaluation.pool import Pool
from cek_integrasi.evaluation.workers import check_task
from cek_integrasi.webpage import checking
from cek_integrasi.webpage.app import create_app
from cek_integrasi.webpage.jobs import Checks, Upload

ROOT = Path(__file__).resolve().parents[1]
WORKBOOK = ROOT / "samples" / "workbooks" / "rilau_ale" / "05_batu_lappa_banyak_masalah.xlsx"
AS_OF = "2014-03-01"


@pytest.fixture()
def client(pack, tmp_path):
    app = create_app(pack, max_upload_mb=1)
    app.config["TESTING"] = True
    return app.test_client()


def _token(client) -> str:
    """The CSRF token of the upload form, as a browser gets it with the page."""
    return re.search(r'name="csrf_token" value="([^"]+)"', client.get("/").get_data(as_text=True)).group(1)


def _upload(client, *files, **form):
    """Post files as the page does and follow to the result page, waiting while it is being checked."""
    data = {"dossier": [(open(f, "rb"), Path(f).name) for f in files], "as_of": AS_OF, "csrf_token": _token(client), **form}
    response = client.post("/periksa", data=data, content_type="multipart/form-data")
    return checked_page(client, response)


def test_upload_shows_the_findings_of_check_and_cleans_its_temporary_folder(client, tmp_path):
    page = _upload(client, WORKBOOK, lang="id").get_data(as_text=True)
    expected = json.loads(CliRunner().invoke(main, ["check", str(WORKBOOK), "--format", "json", "--as-of", AS_OF]).output)
    for finding in expected["dossiers"][0]["findings"]:
        assert f'data-rule="{finding["rule"]}" data-subject="{finding["subject"]}"' in page
    assert "BELUM MEMENUHI syarat" in page and "05_batu_lappa_banyak_masalah.xlsx" in page


def test_an_upload_mixing_both_regimes_is_judged_pack_by_pack(packs, tmp_path):
    """The page loads every pack, like `check`: each village is judged by the pack of its plan year."""
    app = create_app(list(packs.values()), max_upload_mb=1)
    app.config["TESTING"] = True
    uu = ROOT / "samples" / "workbooks" / "uu_desa" / "02_bonto_mangiring_banyak_masalah.xlsx"
    page = _upload(app.test_client(), WORKBOOK, uu, lang="id", as_of="2018-03-01").get_data(as_text=True)
    assert "Paket aturan: pti" in page and "Paket aturan: uu-desa" in page
    assert 'data-rule="EST-16"' in page and "30 September 2017" in page


def test_bad_files_are_reported_like_the_cli_and_names_are_escaped(client, tmp_path):
    data = apply_edits(load_base("desa_lengkap.yaml"), {"set": {"nama": "<script>alert(1)</script>"}})
    evil = tmp_path / "evil.yaml"
    evil.write_text(yaml.safe_dump(data, allow_unicode=True), "utf-8")
    broken = tmp_path / "rusak.yaml"
    broken.write_text("jenis: desa\nkode: [\n", "utf-8")
    page = _upload(client, evil, broken).get_data(as_text=True)
    assert "<script>alert(1)" not in page and "&lt;script&gt;alert(1)&lt;/script&gt;" in page
    assert "rusak.yaml: baris 3, " in page or "rusak.yaml: baris 3" in page
    assert "YAML rusak" in page


def logged_check(log: str, files, request):
    """The pool's check task, writing down the name of each file it checks in `log` (it runs in a worker process)."""
    with open(log, "a", encoding="utf-8") as out:
        out.writelines(f"{name}\n" for name, _ in files)
    return check_task(files, request)


def test_an_upload_asked_in_indonesian_then_in_english_is_checked_once_and_written_in_each(packs, tmp_path):
    """The page checks an upload once, in no language: its report asked in Indonesian, then in English (the
    language switch), sends each file to the pool once, and each report is `check --lang`'s, input problems too."""
    broken = tmp_path / "rusak.yaml"
    broken.write_text("jenis: desa\nkode: [\n", "utf-8")
    paths = [ROOT / "samples" / "rilau_ale" / "05_batu_lappa_banyak_masalah.yaml", WORKBOOK, broken]
    log = tmp_path / "checked.txt"
    log.touch()
    with Pool(list(packs.values()), jobs=1, task=functools.partial(logged_check, str(log))) as pool:
        checks = Checks(functools.partial(checking.check, pool=pool))
        token = checks.add(Upload([(p.name, p.read_bytes()) for p in paths], None, dt.date.fromisoformat(AS_OF)))
        reports = {lang: checks.checked(token).result(timeout=120).report(lang) for lang in ("id", "en")}
    assert sorted(log.read_text("utf-8").splitlines()) == sorted(p.name for p in paths)  # each file checked once for both
    shown = lambda d: [(f["rule"], f["state"], f["title"], f["message"], f["remediation"], f["place"]) for f in d["findings"]]  # noqa: E731
    for lang, report in reports.items():
        expected = json.loads(CliRunner().invoke(main, ["check", *map(str, paths), "--format", "json", "--as-of", AS_OF, "--lang", lang]).output)
        written = report.model_dump(mode="json")
        assert written["lang"] == lang and [d["file"] for d in written["dossiers"]] == [p.name for p in paths[:2]]
        assert [shown(d) for d in written["dossiers"]] == [shown(d) for d in expected["dossiers"]]
        as_uploaded = functools.reduce(lambda text, path: text.replace(str(path), path.name), paths, json.dumps(expected))
        expected = json.loads(as_uploaded)  # the CLI names the files by their paths, the page as they were uploaded
        assert [(p["file"], p["place"], p["message"]) for p in written["input_errors"]] == [
            (p["file"], p["place"], p["message"]) for p in expected["input_errors"]]
        assert written["summary"] == expected["summary"]
    assert shown(reports["id"].model_dump(mode="json")["dossiers"][0]) != shown(reports["en"].model_dump(mode="json")["dossiers"][0])
    assert reports["id"].input_errors[0].message != reports["en"].input_errors[0].message


def test_refuses_other_files_and_too_large_uploads(client, tmp_path):
    other = tmp_path / "catatan.txt"
    other.write_text("x", "utf-8")
    response = _upload(client, other)
    assert response.status_code == 400 and "catatan.txt tidak dapat diperiksa" in response.get_data(as_text=True)
    big = tmp_path / "besar.yaml"
    big.write_bytes(b"x" * (2 * 1024 * 1024))
    response = _upload(client, big)
    assert response.status_code == 413 and "Unggahan terlalu besar" in response.get_data(as_text=True)


def test_rules_page_and_english(client):
    page = client.get("/aturan?lang=en").get_data(as_text=True)
    assert 'id="rule-ELG-03"' in page and "PTI Bab III.B.2" in page and "At least two Kaur" in page
    assert "Periksa Berkas Desa" in client.get("/").get_data(as_text=True)


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture()
def server():
    port = _free_port()
    cli = Path(sys.executable).with_name("cek-integrasi")
    process = subprocess.Popen([str(cli), "serve", "--port", str(port)], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    url = f"http://127.0.0.1:{port}/"
    for _ in range(100):
        try:
            urllib.request.urlopen(url, timeout=1)
            break
        except OSError:
            time.sleep(0.1)
    yield url
    process.terminate()
    process.wait(timeout=10)


@needs_chromium
def test_end_to_end_in_chromium(server, tmp_path):
    from playwright.sync_api import sync_playwright

    expected = json.loads(CliRunner().invoke(main, ["check", str(WORKBOOK), "--format", "json", "--as-of", AS_OF]).output)
    wanted = {(f["rule"], f["subject"]) for f in expected["dossiers"][0]["findings"]}
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=["--no-sandbox", "--disable-gpu", "--disable-background-networking"])
        page = browser.new_page(accept_downloads=True)
        page.goto(server)
        page.set_input_files("#dossier", str(WORKBOOK))
        page.fill("#as_of", AS_OF)
        page.click("#submit")
        page.wait_for_selector(".finding")
        shown = {(el.get_attribute("data-rule"), el.get_attribute("data-subject")) for el in page.query_selector_all(".finding")}
        assert shown == wanted
        assert "BELUM MEMENUHI syarat" in page.inner_text("main")
        page.click("#switch-lang")
        page.wait_for_selector("text=conditions NOT YET MET")
        assert "What to do" in page.inner_text("main")
        with page.expect_download() as download:
            page.click("#download-html")
        saved = tmp_path / "laporan.html"
        download.value.save_as(saved)
        html = saved.read_text("utf-8")
        assert "PNPM-MPd Integration Compliance Report" in html and "Batu Lappa" in html
        browser.close()
