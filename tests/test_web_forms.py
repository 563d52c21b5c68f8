"""The web page's forms: templates to download, choices kept after an error, downloads only for
something checked, an approved waiver file. Flask's client for each, then the whole in Chromium."""

from __future__ import annotations

import io
import re
from pathlib import Path

import openpyxl
import pytest

from browser import CHROMIUM, needs_chromium
from cek_integrasi.webpage.app import create_app
from helpers import checked_page
from test_web import _token, server  # noqa: F401  (server: the fixture running `cek-integrasi serve` on a free port)

ROOT = Path(__file__).resolve().parents[1]
BULO_LOHE = ROOT / "samples" / "rilau_ale" / "02_bulo_lohe_kaur_kosong.yaml"  # ELG-03, waived in the example file
WAIVERS = ROOT / "docs" / "examples" / "pengecualian_rilau_ale.yaml"
AS_OF = "2014-03-01"


@pytest.fixture()
def client(pack, tmp_path):
    app = create_app(pack, max_upload_mb=1)
    app.config["TESTING"] = True
    return app.test_client()


def _post(client, files, waivers=None, **form):
    """Post the form as the page does (with its CSRF token) and follow to the result page once checked."""
    data = {"dossier": [(io.BytesIO(Path(f).read_bytes()), Path(f).name) for f in files], "csrf_token": _token(client), **form}
    if waivers is not None:
        data["waivers"] = (io.BytesIO(Path(waivers).read_bytes()), Path(waivers).name)
    response = client.post("/periksa", data=data, content_type="multipart/form-data")
    return checked_page(client, response)


def test_the_forum_list_shows_each_packs_steps_apart(packs, tmp_path):
    """The two packs' steps are not one mixed list: each under its pack, with that pack's labels."""
    app = create_app([packs["pti"], packs["uu-desa"]])
    page = app.test_client().get("/").get_data(as_text=True)
    select = page[page.index('<select id="before"'):page.index("</select>")]
    groups = dict(re.findall(r'<optgroup label="Paket aturan ([^"]+)">(.*?)</optgroup>', select, re.S))
    assert list(groups) == ["pti (2010-2015)", "uu-desa (2016-2100)"], list(groups)
    pti, uu = groups.values()
    assert "Musyawarah Kelompok Perempuan (MKP)" in pti and "Musyawarah Desa penyusunan RKP Desa" not in pti
    assert "Musyawarah Desa penyusunan RKP Desa" in uu and "Musyawarah Kelompok Perempuan (MKP)" not in uu
    assert "Penetapan RKP-Desa (SK Kepala Desa)" in pti and "Penetapan RKP Desa (Perdes)" in uu


def test_the_page_offers_the_workbook_templates(client):
    page = client.get("/").get_data(as_text=True)
    for kind in ("desa", "kecamatan"):
        assert f'href="/templat/pti/{kind}.xlsx"' in page and "tahun rencana 2010-2015" in page
        response = client.get(f"/templat/pti/{kind}.xlsx")
        assert response.status_code == 200 and f'filename="{kind}_pti.xlsx"' in response.headers["Content-Disposition"]
        book = openpyxl.load_workbook(io.BytesIO(response.data))
        assert book.sheetnames[0] == "Petunjuk" and ["jenis", kind] in [list(r[:2]) for r in book["Petunjuk"].iter_rows(values_only=True)]
    assert client.get("/templat/pti/kabupaten.xlsx").status_code == 404
    assert client.get("/templat/tidak-ada/desa.xlsx").status_code == 404


def test_each_pack_judging_uploads_offers_its_own_templates(tmp_path):
    from cek_integrasi.packs.rulepack import load_pack

    app = create_app([load_pack("pti"), load_pack("uu-desa")])
    app.config["TESTING"] = True
    page = app.test_client().get("/").get_data(as_text=True)
    assert 'href="/templat/uu-desa/desa.xlsx"' in page and "tahun rencana 2016-2100" in page
    assert 'href="/templat/uu-desa/kecamatan.xlsx"' not in page  # that pack judges village dossiers only
    book = openpyxl.load_workbook(io.BytesIO(app.test_client().get("/templat/uu-desa/desa.xlsx").data))
    rows = [r[0] for r in book["Desa"].iter_rows(values_only=True)]
    assert "Peserta PNPM-MPd" not in rows and "Tanggal pelantikan Kepala Desa (UU 6/2014)" in rows


def test_the_page_says_what_the_workbook_must_record_in_full(tmp_path):
    """Beside the templates, in the reader's language, the facts a rule reads that are often left out."""
    from cek_integrasi.packs.rulepack import load_pack

    app = create_app([load_pack("pti"), load_pack("uu-desa")])
    app.config["TESTING"] = True
    page = app.test_client().get("/").get_data(as_text=True)
    asks = page[page.index('id="template-asks"'):]
    assert "Yang harus dicatat lengkap di buku kerja" in page
    assert "Sheet Tahapan, kolom Peserta: Musdes: Pemerintah Desa, BPD (penyelenggara), unsur masyarakat" in asks
    assert "Sheet Perdes, kolom Forum: Perdes RPJM Desa, RKP Desa dan APB Desa (UU 6/2014)" in asks
    english = app.test_client().get("/?lang=en").get_data(as_text=True)
    assert "What the workbook must record in full" in english
    assert "Sheet Perdes, column Forum: Perdes on the RPJM Desa, RKP Desa and APB Desa (UU 6/2014)" in english


def test_the_chosen_forum_and_date_are_kept_after_an_upload_error(client, tmp_path):
    other = tmp_path / "catatan.txt"
    other.write_text("x", "utf-8")
    response = _post(client, [other], before="musrenbangdes_rkp", as_of="2013-05-17")
    page = response.get_data(as_text=True)
    assert response.status_code == 400 and "catatan.txt tidak dapat diperiksa" in page
    assert re.search(r'<option value="musrenbangdes_rkp" selected>', page) and 'value="2013-05-17"' in page
    assert page.count(" selected>") == 1
    empty = _post(client, [], before="pkd", as_of="2013-01-02").get_data(as_text=True)
    assert '<option value="pkd" selected>' in empty and 'value="2013-01-02"' in empty


def test_download_buttons_only_when_something_was_checked(client, tmp_path):
    broken = tmp_path / "rusak.yaml"
    broken.write_text("jenis: desa\nkode: [\n", "utf-8")
    nothing = _post(client, [broken], as_of=AS_OF).get_data(as_text=True)
    assert "rusak.yaml" in nothing and 'id="download-html"' not in nothing and 'id="download-xlsx"' not in nothing
    assert 'id="nothing-checked"' in nothing
    something = _post(client, [broken, BULO_LOHE], as_of=AS_OF).get_data(as_text=True)
    assert 'id="download-html"' in something and 'id="download-xlsx"' in something


def test_an_approved_waiver_file_applies_by_its_dates(client, tmp_path):
    unwaived = _post(client, [BULO_LOHE], as_of=AS_OF).get_data(as_text=True)
    assert 'data-rule="ELG-03"' in unwaived and 'class="waived"' not in unwaived and 'id="waivers"' not in unwaived
    page = _post(client, [BULO_LOHE], WAIVERS, as_of=AS_OF).get_data(as_text=True)
    assert 'id="waivers"' in page and "pengecualian_rilau_ale.yaml" in page and "1 temuan dikecualikan." in page
    assert re.search(r'<span class="waived">[^<]*Kaur Pembangunan terpilih[^<]*Drs. Andi Baso Amir', page)
    assert "BA-11 73.02.05.2009: kedaluwarsa sejak 31 Maret 2013" in page
    assert str(tmp_path) not in page
    late = _post(client, [BULO_LOHE], WAIVERS, as_of="2014-07-01").get_data(as_text=True)
    assert "0 temuan dikecualikan." in late and "kedaluwarsa sejak 30 Juni 2014" in late
    bad = tmp_path / "pengecualian.yaml"
    bad.write_text("pengecualian:\n  - aturan: XYZ-99\n    kode: '73.02.05.2007'\n", "utf-8")
    refused = _post(client, [BULO_LOHE], bad, before="pkd", as_of=AS_OF)
    text = refused.get_data(as_text=True)
    assert refused.status_code == 400 and "pengecualian.yaml" in text and str(tmp_path) not in text
    assert '<option value="pkd" selected>' in text
    wrong_type = tmp_path / "pengecualian.txt"
    wrong_type.write_text("x", "utf-8")
    assert _post(client, [BULO_LOHE], wrong_type).status_code == 400


@needs_chromium
def test_forms_end_to_end(server, tmp_path):
    from playwright.sync_api import sync_playwright

    other = tmp_path / "catatan.txt"
    other.write_text("x", "utf-8")
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=["--no-sandbox", "--disable-gpu", "--disable-background-networking"])
        page = browser.new_page(accept_downloads=True)
        page.goto(server)
        with page.expect_download() as download:
            page.click("#template-pti-desa")
        saved = tmp_path / "desa.xlsx"
        download.value.save_as(saved)
        assert openpyxl.load_workbook(saved).sheetnames[0] == "Petunjuk"
        page.select_option("#before", "musrenbangdes_rkp")
        page.fill("#as_of", "2013-05-17")
        page.set_input_files("#dossier", str(other))
        page.click("#submit")
        page.wait_for_selector("#error")
        assert page.input_value("#before") == "musrenbangdes_rkp" and page.input_value("#as_of") == "2013-05-17"
        page.fill("#as_of", AS_OF)
        page.select_option("#before", "")
        page.set_input_files("#dossier", str(BULO_LOHE))
        page.set_input_files("#waivers", str(WAIVERS))
        page.click("#submit")
        page.wait_for_selector(".finding")
        assert "1 temuan dikecualikan." in page.inner_text("#waivers")
        assert "Kaur Pembangunan terpilih" in page.inner_text(".finding[data-rule='ELG-03']")
        assert page.is_visible("#download-xlsx")
        browser.close()
