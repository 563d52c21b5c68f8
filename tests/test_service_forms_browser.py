"""A facilitator fixes a berkas's facts in headless Chromium (Playwright), on `server --demo`: a date that is
not in the calendar is refused beside its field, then the Kepala Desa's signature is recorded and the
village page shows the new version with the finding it fixed.

CEK_INTEGRASI_SCREENSHOTS=DIR also saves the screenshots used in docs/service.md.
"""

from __future__ import annotations

from pathlib import Path

from browser import needs_chromium
from test_service_browser import SHOTS, chromium, demo, shot, signed_in  # noqa: F401  (the fixtures of the service's browser tests)

pytestmark = needs_chromium
BATU_LAPPA = "73.02.05.2012"  # in the demo: version 1 from YAML, version 2 from its workbook


def test_facilitator_fixes_a_fact_in_the_browser_and_sees_the_new_version(chromium, demo):
    page = signed_in(chromium, demo, "fasilitator")
    page.goto(f"{demo.url}/desa/{BATU_LAPPA}")
    page.click("#edit-facts")
    page.wait_for_selector("#dossier-form")
    assert page.input_value("#s0-c1") == "Batu Lappa" and page.input_value("#s2-r1-c1") == "02/02/2012"  # Tahapan: Musdes Sosialisasi
    assert page.input_value("#s4-r0-c1") == "Pattiroi Dg. Gassing" and page.input_value("#s4-r0-c3") == "tidak"  # the Kepala Desa, unsigned
    page.fill("#s2-r1-c1", "31/02/2012")
    page.select_option("#s4-r0-c3", "ya")
    page.click("#save")
    problem = page.wait_for_selector('.form-problem[data-field="s2-r1-c1"]')
    assert problem.inner_text() == "Tahapan, baris 2, Tanggal: '31/02/2012' tidak ada di kalender (dibaca hari dulu: hari/bulan/tahun)"
    assert page.locator("#form-problems .form-problem").count() == 1
    assert page.get_attribute("#s2-r1-c1", "aria-invalid") == "true" and page.input_value("#s2-r1-c1") == "31/02/2012"
    assert "tidak ada di kalender" in page.inner_text("#s2-r1 td:nth-child(3)")  # beside the field
    assert page.input_value("#s4-r0-c3") == "ya"  # what was typed is kept
    shot(page, "layanan_formulir.png")
    page.click("#form-problems a")  # the link leads to the field
    assert page.url.endswith("#s2-r1-c1")
    page.fill("#s2-r1-c1", "02/02/2012")
    shot_part(page, "#s4", "layanan_formulir_penandatangan.png")
    page.click("#save")
    page.wait_for_selector("#changes")
    assert page.url == f"{demo.url}/desa/{BATU_LAPPA}#changes"
    assert "3 / 3" in page.inner_text(".box")
    fixed = [row.get_attribute("data-rule") for row in page.query_selector_all("#changes .change") if "Diperbaiki" in row.inner_text()]
    assert fixed == ["BA-04"]
    assert page.locator('#history .state.submitted[data-version="3"]').count() == 1
    assert f"formulir_{BATU_LAPPA}.xlsx" in page.inner_text('#history .state.submitted[data-version="3"]')
    page.context.close()


def shot_part(page, selector: str, name: str) -> None:
    """A screenshot of one part of the page (`shot` takes the window)."""
    if SHOTS:
        page.locator(selector).screenshot(path=str(Path(SHOTS) / name))
