"""What a user sees on sign-in of what changed since its last visit, and the open findings per facilitator as XLSX."""

from __future__ import annotations

import datetime as dt
import io

import openpyxl
from printing import assert_prints
from servicekit import SAMPLES, check_pool, csrf, login, make_app, upload  # noqa: F401
from sqlalchemy import func, select

from cek_integrasi.service import waiver_requests
from cek_integrasi.service.recheck import recheck
from cek_integrasi.service.store import Setting, StoredFinding, Subject, Submission
from cek_integrasi.service.runtime import service

BARU = SAMPLES / "rilau_ale" / "08_bonto_haru_baru_pkd.yaml"  # GOV-01 pending in December 2012, an error from January 2013
BANYAK = SAMPLES / "rilau_ale" / "05_batu_lappa_banyak_masalah.yaml"


def _signed_in(app, name: str):
    client = app.test_client()
    assert login(client, name).status_code == 302
    return client


def test_on_sign_in_a_facilitator_sees_new_errors_and_decided_waivers_of_its_kecamatan(check_pool, tmp_path):
    app = make_app(f"sqlite:///{tmp_path}/s.sqlite3", tmp_path, check_pool)
    store = service(app).store
    with store.writing() as db, db.begin():
        db.get(Setting, "as_of").value = "2012-12-20"
    first = _signed_in(app, "fas_rilau")
    assert 'id="news"' not in first.get("/").get_data(as_text=True)  # the first visit: nothing to compare with
    upload(first, BARU)
    with store.reading() as db:
        code = db.scalars(select(Subject.code)).one()
    assert "Tidak ada perubahan" in _signed_in(app, "fas_rilau").get("/").get_data(as_text=True)

    recheck(store, check_pool, as_of=dt.date(2013, 2, 1))
    from servicekit import principal

    asked = waiver_requests.request(store, check_pool.packs, principal(store, "fas_rilau"), "GOV-01", code, None, "APB Desa menunggu evaluasi Bupati")
    waiver_requests.decide(store, asked, False, "admin", note="tetapkan APB Desa dulu")
    page = _signed_in(app, "fas_rilau").get("/").get_data(as_text=True)
    news = page[page.index('id="news"'):page.index("</div>", page.index('id="news"'))]
    assert f'data-code="{code}"' in news and "GOV-01" in news
    assert "GOV-01 " + code in news and "ditolak" in news and "tetapkan APB Desa dulu" in news
    kindang = _signed_in(app, "fas_kindang")
    _signed_in(app, "fas_kindang")  # a second visit: since the first
    assert code not in kindang.get("/").get_data(as_text=True)
    assert "Tidak ada perubahan" in _signed_in(app, "fas_kindang").get("/").get_data(as_text=True)
    again = _signed_in(app, "fas_rilau").get("/").get_data(as_text=True)
    assert "Tidak ada perubahan" in again  # nothing new since the previous visit


def test_open_findings_per_facilitator_as_xlsx(check_pool, tmp_path):
    app = make_app(f"sqlite:///{tmp_path}/s.sqlite3", tmp_path, check_pool)
    upload(_signed_in(app, "fas_rilau"), BARU, BANYAK)
    store = service(app).store
    with store.reading() as db:
        expected = db.scalar(select(func.count()).select_from(StoredFinding).join(Submission, Submission.id == StoredFinding.submission_id)
                             .join(Subject, Subject.latest_id == Submission.id).where(StoredFinding.state.in_(("fail", "error"))))
    assert expected > 0
    for name in ("fas_rilau", "supervisor", "admin"):
        served = _signed_in(app, name).get("/laporan/temuan.xlsx")
        assert served.status_code == 200 and "attachment" in served.headers["Content-Disposition"]
        book = openpyxl.load_workbook(io.BytesIO(served.data))
        assert book.sheetnames == ["fas_rilau"], name  # Kindang's facilitator has no dossier here
        rows = list(book["fas_rilau"].iter_rows(values_only=True))
        assert rows[0][:5] == ("Kecamatan", "Kode", "Nama", "Versi", "Aturan") and len(rows) - 1 == expected
        assert_prints(book["fas_rilau"])
    nothing = openpyxl.load_workbook(io.BytesIO(_signed_in(app, "fas_kindang").get("/laporan/temuan.xlsx").data))
    assert nothing.sheetnames == ["fas_kindang"] and nothing["fas_kindang"].max_row == 1
    assert_prints(nothing["fas_kindang"])
