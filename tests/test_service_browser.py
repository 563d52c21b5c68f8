"""The service in headless Chromium (Playwright), on `server --demo`: one scenario per role.

CEK_INTEGRASI_SCREENSHOTS=DIR also saves the screenshots used in the README.
"""

from __future__ import annotations

import json
import os
import re
import signal
import subprocess
import sys
from pathlib import Path
from typing import NamedTuple

import pytest
from browser import CHROMIUM, needs_chromium
from click.testing import CliRunner
from servicekit import SAMPLES
from webclient import free_port, wait_for

from cek_integrasi.cli import main

pytestmark = needs_chromium
WORKBOOK = SAMPLES / "workbooks" / "rilau_ale" / "06_lembanna_jaya_ba_bermasalah.xlsx"
SHOTS = os.environ.get("CEK_INTEGRASI_SCREENSHOTS")


class Demo(NamedTuple):
    url: str
    passwords: dict[str, str]
    data: Path  # its throwaway data folder (the SQLite store)


@pytest.fixture(scope="module")
def demo():
    """The demo server's URL, its accounts' passwords and its data folder (printed on standard error)."""
    port = free_port()
    process = subprocess.Popen([sys.executable, "-m", "cek_integrasi", "server", "--demo", "--port", str(port)],
                               stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, start_new_session=True, text=True)
    passwords, data = {}, None
    for line in process.stderr:
        if f"http://127.0.0.1:{port}/" in line:  # the listening line, in whatever language the server speaks
            break
        found = re.match(r"\s+(\w+)\s+(\S+)$", line)
        if found:
            passwords[found.group(1)] = found.group(2)
        folder = re.search(r"(\S*cek-integrasi-demo-\S+)", line)
        if folder:
            data = Path(folder.group(1))
    wait_for(port, process)
    yield Demo(f"http://127.0.0.1:{port}", passwords, data)
    os.killpg(process.pid, signal.SIGTERM)
    process.wait(10)


@pytest.fixture(scope="module")
def chromium():
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=["--no-sandbox", "--disable-gpu", "--disable-background-networking"])
        yield browser
        browser.close()


def signed_in(chromium, demo, name):
    url, passwords = demo.url, demo.passwords
    page = chromium.new_context(accept_downloads=True, viewport={"width": 1200, "height": 900}).new_page()
    page.goto(url + "/")
    assert "/masuk" in page.url
    page.fill("#name", name)
    page.fill("#password", passwords[name])
    page.click("#login")
    page.wait_for_selector("#kecamatan")
    return page


def shot(page, name):
    if SHOTS:
        page.screenshot(path=str(Path(SHOTS) / name))


def test_facilitator_uploads_a_workbook_and_reads_its_findings(chromium, demo):
    page = signed_in(chromium, demo, "fasilitator")
    page.click("#nav-submit")
    page.set_input_files("#dossier", str(WORKBOOK))
    page.click("#send")
    accepted = page.wait_for_selector(".accepted")
    assert "Lembanna Jaya" in accepted.inner_text() and "versi 3" in accepted.inner_text()  # the demo holds two versions
    page.click(".accepted a")
    page.wait_for_selector("#findings")
    shown = {(el.get_attribute("data-rule"), el.get_attribute("data-subject")) for el in page.query_selector_all(".finding")}
    expected = json.loads(CliRunner().invoke(main, ["check", str(WORKBOOK), "--format", "json", "--as-of", "2014-03-01"]).output)
    assert shown == {(f["rule"], f["subject"]) for f in expected["dossiers"][0]["findings"]} and shown
    assert "Riwayat versi" in page.inner_text("main") and page.locator("#history tr").count() == 4
    assert [el.get_attribute("data-version") for el in page.query_selector_all("#history .state.submitted")] == ["3", "2", "1"]
    assert page.locator(".change").count() == page.locator(".finding").count()  # a new version of the same file: all unchanged
    page.click("#switch-lang")
    page.wait_for_selector("text=Version history")
    page.context.close()


def test_supervisor_drills_down_and_downloads_a_report(chromium, demo, tmp_path):
    page = signed_in(chromium, demo, "supervisor")
    shot(page, "layanan_ringkasan.png")
    page.click("text=Rilau Ale")
    page.wait_for_selector(".dossier")
    page.click("text=Batu Lappa")
    page.wait_for_selector("#findings")
    assert "BELUM MEMENUHI" in page.inner_text("#verdict")
    shot(page, "layanan_desa.png")
    page.go_back()
    with page.expect_download() as download:
        page.click("#report-xlsx")
    saved = tmp_path / "laporan.xlsx"
    download.value.save_as(saved)
    from openpyxl import load_workbook

    book = load_workbook(saved)
    assert any("Batu Lappa" in str(c) for sheet in book for row in sheet.iter_rows(values_only=True) for c in row)
    page.context.close()


def test_admin_adds_a_user(chromium, demo):
    page = signed_in(chromium, demo, "admin")
    page.click("#nav-users")
    page.fill("#name", "fasilitator_baru")
    page.select_option("#role", "facilitator")
    page.select_option("#kecamatan", "73.02.08")
    page.fill("#password", "sandi-yang-panjang")
    page.click("#add-user")
    row = page.wait_for_selector('.user[data-name="fasilitator_baru"]')
    assert "73.02.08" in row.inner_text()
    page.goto(demo[0] + "/admin/audit")
    shown = page.inner_text("#audit")
    assert "Akun ditambahkan" in shown and "fasilitator_baru (fasilitator) 73.02.08" in shown and "user_added" not in shown
    page.context.close()


def test_facilitator_is_refused_another_kecamatan(chromium, demo):
    page = signed_in(chromium, demo, "fasilitator_kindang")
    assert "Rilau Ale" not in page.inner_text("#kecamatan")
    response = page.goto(demo[0] + "/kecamatan/73.02.05")
    assert response.status == 404 and "Batu Lappa" not in page.content()
    response = page.goto(demo[0] + "/desa/73.02.05.2012")
    assert response.status == 404
    page.goto(demo[0] + "/kirim")
    page.set_input_files("#dossier", str(WORKBOOK))
    page.click("#send")
    refused = page.wait_for_selector(".refused")
    assert "di luar kecamatan Anda" in refused.inner_text()
    page.context.close()


BATU_LAPPA = SAMPLES / "rilau_ale" / "05_batu_lappa_banyak_masalah.yaml"


def test_a_waiver_is_requested_approved_and_shown_with_its_approver(chromium, demo):
    fas = signed_in(chromium, demo, "fasilitator")
    fas.click("#nav-waiver-requests")
    fas.fill("#aturan", "ELG-01")
    fas.fill("#kode", "73.02.05.2012")
    fas.fill("#alasan", "Musdes diulang atas arahan Camat")
    fas.click("#send-waiver")
    row = fas.wait_for_selector('.waiver-request[data-status="pending"]')
    request_id = row.get_attribute("data-id")
    admin = signed_in(chromium, demo, "admin")
    admin.goto(demo[0] + "/pengecualian")
    mine = f'.waiver-request[data-id="{request_id}"]'
    admin.fill(f"{mine} input[name=dari]", "2014-01-01")
    admin.fill(f"{mine} input[name=sampai]", "2014-12-31")
    admin.click(f"{mine} button[value=setujui]")
    admin.wait_for_selector(f'{mine}[data-status="approved"]')
    shot(admin, "layanan_pengecualian.png")
    fas.goto(demo[0] + "/kirim")  # the next check of the village applies it
    fas.set_input_files("#dossier", str(BATU_LAPPA))
    fas.click("#send")
    fas.wait_for_selector(".accepted")
    fas.goto(demo[0] + "/desa/73.02.05.2012")
    waived = fas.wait_for_selector('.finding[data-rule="ELG-01"]')
    assert "Musdes diulang atas arahan Camat" in waived.inner_text() and "disetujui admin" in waived.inner_text()
    fas.context.close()
    admin.context.close()


def test_screening_rounds_from_a_roster_and_from_the_store_are_compared(chromium, demo):
    page = signed_in(chromium, demo, "supervisor")
    page.click("#nav-screening")
    page.set_input_files("#roster", str(SAMPLES / "roster_kabupaten_bulukumba.csv"))
    page.fill("#tanggal", "2014-03-01")
    page.click("#screen-roster")
    page.wait_for_selector("#round-villages")
    assert page.locator(".village").count() == 48
    page.goto(demo[0] + "/penyaringan")
    page.click("#screen-store")
    page.wait_for_selector("#dropped-out")
    assert "Dibandingkan dengan putaran" in page.inner_text("main")
    assert page.locator("#only-previous li[data-kode]").count() > 24  # the roster's other villages have no dossier in the store:
    dropped = {el.get_attribute("data-kode") for el in page.query_selector_all("#dropped-out li[data-kode]")}  # named, not compared
    assert not dropped & {el.get_attribute("data-kode") for el in page.query_selector_all("#only-previous li[data-kode]")}
    assert "BELUM MEMENUHI syarat" in page.inner_text("#round-villages") and "BELUM_MEMENUHI" not in page.inner_text("main")
    assert page.locator(".village").count() == len({el.get_attribute("data-kode") for el in page.query_selector_all(".village")})
    shot(page, "layanan_penyaringan.png")
    round_id = re.search(r"/penyaringan/(\d+)", page.url).group(1)
    listed = [page.locator(f"#{part} li[data-kode]").count() for part in ("became-wajib", "dropped-out", "still-unmet")]
    page.click('header a[href="/"]')  # the dashboard compares the latest round too
    box = page.wait_for_selector("#latest-round")
    assert box.get_attribute("data-round") == round_id and "Dibandingkan dengan putaran" in box.inner_text()
    assert [int(page.inner_text(f"#round-{part}")) for part in ("became", "dropped", "still")] == listed
    page.click("#latest-round-link")
    page.wait_for_selector("#round-villages")
    assert page.url.endswith(f"/penyaringan/{round_id}")
    page.context.close()


def test_a_recheck_shows_in_the_village_history(chromium, demo):
    """Last: the re-check moves the demo's results to another date. 07 Bonto Kamase has no APB Desa:
    GOV-01 fails on 2014-03-01 and is pending again as of 2012-12-20, before its plan year."""
    run = CliRunner().invoke(main, ["server", "recheck", "--data", str(demo.data), "--as-of", "2012-12-20", "--jobs", "1"])
    assert run.exit_code == 0, run.output
    page = signed_in(chromium, demo, "fasilitator")
    page.goto(demo.url + "/desa/73.02.05.2015")
    row = page.wait_for_selector("#history .state.recheck")
    assert "Diperiksa ulang per 20 Desember 2012 (sebelumnya per 1 Maret 2014)" in row.inner_text()
    move = row.query_selector('.move[data-rule="GOV-01"]')
    assert (move.get_attribute("data-before"), move.get_attribute("data-after")) == ("fail", "pending") and "gagal → menunggu" in move.inner_text()
    states = [(el.get_attribute("class"), el.get_attribute("data-version")) for el in page.query_selector_all("#history .state")]
    assert states == [("state recheck", "2"), ("state submitted", "2"), ("state submitted", "1")]
    page.click("#switch-lang")
    page.wait_for_selector("text=Re-checked as of 20 December 2012")
    page.context.close()


BONTO_BANGUN = "73.02.05.2004"


def _required(page) -> list[str]:
    return [row.get_attribute("data-document") for row in page.query_selector_all("#evidence tr.document") if "wajib bukti" in row.inner_text()]


def _attach(page, document: str, path: Path) -> None:
    row = f'#evidence tr.document[data-document="{document}"]'
    page.set_input_files(f"{row} input[name=bukti]", str(path))
    page.click(f"{row} form.attach button")
    page.wait_for_selector(f'{row} .evidence')


def _judge(page, document: str, verdict: str, note: str = "") -> None:
    row = f'#evidence tr.document[data-document="{document}"]'
    page.select_option(f"{row} select[name=putusan]", verdict)
    page.fill(f"{row} form.judge input[name=catatan]", note)
    page.click(f"{row} form.judge button")
    page.wait_for_selector(f'{row} .judged')


def test_evidence_is_attached_reviewed_returned_and_accepted(chromium, demo, tmp_path):
    from PIL import Image

    photo, scan = tmp_path / "ba_tanda_tangan.png", tmp_path / "pindaian.pdf"
    Image.new("RGB", (1200, 900), (200, 180, 120)).save(photo)
    scan.write_bytes(b"%PDF-1.4\n%%EOF\n")
    fas = signed_in(chromium, demo, "fasilitator")
    fas.goto(f"{demo.url}/desa/{BONTO_BANGUN}")
    needed = _required(fas)
    assert needed and needed[0].startswith("ba:")
    _attach(fas, needed[0], photo)
    thumbnail = fas.wait_for_selector(f'#evidence tr[data-document="{needed[0]}"] img')
    assert fas.evaluate("(img) => img.complete && img.naturalWidth", thumbnail) == 240  # a thumbnail the server made
    for document in needed[1:]:
        _attach(fas, document, scan)
    fas.click("#move-ajukan button")
    fas.wait_for_selector('#review-status[data-status="diajukan"]')

    supervisor = signed_in(chromium, demo, "supervisor")
    supervisor.goto(f"{demo.url}/desa/{BONTO_BANGUN}")
    assert [el.get_attribute("data-state") for el in supervisor.query_selector_all("#evidence tr.document") if el.get_attribute("data-document") in needed] \
        == ["bukti_ada"] * len(needed)
    _judge(supervisor, needed[0], "tidak_sesuai", "Tanda tangan Kepala Desa tidak terbaca")
    assert supervisor.get_attribute(f'#evidence tr[data-document="{needed[0]}"]', "data-state") == "tidak_sesuai"
    supervisor.fill("#move-kembalikan textarea", "Pindai ulang Berita Acara dengan tanda tangan yang jelas")
    supervisor.click("#move-kembalikan button")
    supervisor.wait_for_selector('#review-status[data-status="dikembalikan"]')

    fas.context.close()
    fas = signed_in(chromium, demo, "fasilitator")  # the next sign-in: told, and it is in the open work
    returned = fas.wait_for_selector(f'.news-returned[data-code="{BONTO_BANGUN}"]')
    assert "Pindai ulang Berita Acara" in returned.inner_text()
    fas.click(f'#review-work .waiting[data-code="{BONTO_BANGUN}"] a')
    fas.wait_for_selector("#review-steps")
    _attach(fas, needed[0], photo)
    fas.click("#move-ajukan button")
    fas.wait_for_selector('#review-status[data-status="diajukan"]')

    supervisor.goto(f"{demo.url}/desa/{BONTO_BANGUN}")
    for document in needed:
        _judge(supervisor, document, "sesuai")
    states = {el.get_attribute("data-document"): el.get_attribute("data-state") for el in supervisor.query_selector_all("#evidence tr.document")}
    assert all(states[d] == "terverifikasi" for d in needed)
    shot(supervisor, "layanan_tinjauan.png")
    supervisor.click("#move-terima button")
    supervisor.wait_for_selector('#review-status[data-status="diterima"]')
    steps = [el.get_attribute("data-after") for el in supervisor.query_selector_all("#review-steps li")]
    assert steps == ["diterima", "ditinjau", "diajukan", "dikembalikan", "ditinjau", "diajukan"]
    assert supervisor.query_selector("#move-terima") is None and supervisor.query_selector("form.judge") is None

    fas_kindang = signed_in(chromium, demo, "fasilitator_kindang")
    evidence_id = supervisor.get_attribute(f'#evidence tr[data-document="{needed[0]}"] .evidence', "data-evidence")
    assert fas_kindang.goto(f"{demo.url}/bukti/{evidence_id}").status == 404
    for page in (fas, supervisor, fas_kindang):
        page.context.close()
