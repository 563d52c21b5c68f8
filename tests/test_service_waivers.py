"""Waivers in the service, on SQLite and PostgreSQL: requested by a facilitator, decided by an admin,
applied at the next check with the approver, stopping on their last day."""

from __future__ import annotations

import datetime as dt
import json

import pytest
from servicekit import KINDANG, check_pool, pg_server, principal, sample_files, seeded, store_url  # noqa: F401
from sqlalchemy import select
from sqlalchemy.orm import undefer

from cek_integrasi.service import waiver_requests
from cek_integrasi.service.recheck import recheck
from cek_integrasi.service.store import AuditEntry, ResultChange, Subject, Submission
from cek_integrasi.service.submissions import submit_many
from cek_integrasi.service.waiver_requests import RequestError
from cek_integrasi.service.runtime import service

VILLAGE = sample_files()[5]  # 05_batu_lappa_banyak_masalah.yaml: ELG-01 fails


def _latest(store, code: str) -> Submission:
    with store.reading() as db:
        return db.scalars(select(Submission).options(undefer(Submission.result))
                          .join(Subject, Subject.latest_id == Submission.id).where(Subject.code == code)).one()


def _elg01(store, code: str) -> list[dict]:
    return [f for f in json.loads(_latest(store, code).result)["findings"] if f["rule"] == "ELG-01"]


def test_a_requested_waiver_applies_once_approved_with_its_approver_and_stops_after_its_last_day(store_url, check_pool):
    store = seeded(store_url)
    fas = principal(store, "fas_rilau")
    [accepted] = submit_many(store, check_pool, fas, [(VILLAGE.name, VILLAGE.read_bytes())], "id")
    code = accepted.code
    assert _elg01(store, code) and all(f["state"] == "fail" for f in _elg01(store, code))
    errors_before = _latest(store, code).errors

    with pytest.raises(RequestError, match="waiver_not_yours"):
        waiver_requests.request(store, check_pool.packs, principal(store, "fas_kindang"), "ELG-01", code, None, "bukan desanya")
    with pytest.raises(RequestError, match="waiver_unknown_rule"):
        waiver_requests.request(store, check_pool.packs, fas, "XYZ-99", code, None, "aturan tidak ada")
    wanted = waiver_requests.request(store, check_pool.packs, fas, "ELG-01", code, None, "Musyawarah diulang atas arahan Bupati")
    refused = waiver_requests.request(store, check_pool.packs, fas, "ELG-02", code, None, "alasan lemah")
    assert recheck(store, check_pool).stale == 0  # pending requests change nothing

    waiver_requests.decide(store, refused, False, "admin", note="tidak cukup dasar")
    with pytest.raises(RequestError, match="waiver_period"):
        waiver_requests.decide(store, wanted, True, "admin", dt.date(2014, 6, 30), dt.date(2014, 1, 1))
    waiver_requests.decide(store, wanted, True, "admin", dt.date(2014, 1, 1), dt.date(2014, 6, 30))
    with pytest.raises(RequestError, match="waiver_decided"):
        waiver_requests.decide(store, wanted, False, "admin")

    summary = recheck(store, check_pool)  # the waivers changed: the result is stale, checked again
    assert (summary.rechecked, summary.changed) == (1, 1)
    waived = _elg01(store, code)
    assert waived and all(f["state"] == "waived" for f in waived)
    assert waived[0]["waiver"]["disetujui_oleh"] == "admin" and waived[0]["waiver"]["alasan"] == "Musyawarah diulang atas arahan Bupati"
    assert _latest(store, code).errors == errors_before - len(waived)
    assert all(f["state"] == "fail" for f in json.loads(_latest(store, code).result)["findings"] if f["rule"] == "ELG-02")

    recheck(store, check_pool, as_of=dt.date(2014, 7, 1))  # the day after its last day: no longer applies
    assert all(f["state"] == "fail" for f in _elg01(store, code))
    with store.reading() as db:
        assert db.scalar(select(ResultChange.errors_after).order_by(ResultChange.id.desc()).limit(1)) == errors_before
        actions = db.scalars(select(AuditEntry.action).where(AuditEntry.action.like("waiver_%"))).all()
        assert sorted(actions) == ["waiver_approved", "waiver_rejected", "waiver_requested", "waiver_requested"]
    assert [r.status for r in waiver_requests.listed(store, frozenset({KINDANG}))] == []
    assert [r.status for r in waiver_requests.listed(store, None)] == ["rejected", "approved"]
    store.close()


def test_the_pages_request_decide_and_show_the_waiver_in_the_reports(check_pool, tmp_path):
    from servicekit import csrf, login, make_app, upload

    from cek_integrasi.service.store import WaiverRequest

    app = make_app(f"sqlite:///{tmp_path}/s.sqlite3", tmp_path, check_pool)
    fas = app.test_client()
    login(fas, "fas_rilau")
    assert "tidak disimpan" not in upload(fas, VILLAGE).get_data(as_text=True)
    store = service(app).store
    with store.reading() as db:
        code = db.scalars(select(Subject.code)).one()
    form = csrf(fas.get("/pengecualian").get_data(as_text=True))
    assert fas.post("/pengecualian", data={"aturan": "ELG-01", "kode": code, "alasan": "Musdes diulang", "csrf_token": form}).status_code == 302
    refused = fas.post("/pengecualian", data={"aturan": "ELG-01", "kode": KINDANG, "alasan": "x", "csrf_token": form})
    assert refused.status_code == 400 and "Desa ini tidak termasuk kecamatan Anda." in refused.get_data(as_text=True)
    admin = app.test_client()
    login(admin, "admin")
    with store.reading() as db:
        request_id = db.scalars(select(WaiverRequest.id)).one()
    token = csrf(admin.get("/pengecualian").get_data(as_text=True))
    bad = admin.post(f"/pengecualian/{request_id}/putusan", data={"putusan": "setujui", "dari": "2014-01-01", "csrf_token": token})
    assert bad.status_code == 400  # no last day
    assert admin.post(f"/pengecualian/{request_id}/putusan", data={"putusan": "setujui", "dari": "2014-01-01", "sampai": "2014-12-31",
                                                                   "csrf_token": token}).status_code == 302
    assert 'data-status="approved"' in fas.get("/pengecualian").get_data(as_text=True)
    recheck(store, check_pool)
    page = fas.get(f"/desa/{code}").get_data(as_text=True)
    assert "Musdes diulang" in page and "admin" in page
    report = fas.get("/laporan/kecamatan/73.02.05.html").get_data(as_text=True)
    assert "Musdes diulang (disetujui admin," in report
    import io

    import openpyxl

    book = openpyxl.load_workbook(io.BytesIO(fas.get("/laporan/kecamatan/73.02.05.xlsx").data))
    cells = [c for sheet in book for row in sheet.iter_rows(values_only=True) for c in row if isinstance(c, str)]
    assert "Musdes diulang (admin)" in cells


def test_a_waiver_makes_stale_only_the_result_of_the_dossier_it_names(store_url, check_pool):
    store = seeded(store_url)
    fas = principal(store, "fas_rilau")
    others = [p for p in sample_files()[:4] if p != VILLAGE]
    accepted = submit_many(store, check_pool, fas, [(p.name, p.read_bytes()) for p in [VILLAGE, *others]], "id")
    code = accepted[0].code
    assert recheck(store, check_pool).stale == 0
    wanted = waiver_requests.request(store, check_pool.packs, fas, "ELG-01", code, None, "Musyawarah diulang atas arahan Bupati")
    waiver_requests.decide(store, wanted, True, "admin", dt.date(2014, 1, 1), dt.date(2014, 6, 30))
    summary = recheck(store, check_pool)
    assert (summary.stale, summary.rechecked, summary.changed) == (1, 1, 1)  # the other villages' results still hold
    assert all(f["state"] == "waived" for f in _elg01(store, code))
    store.close()


def test_a_waiver_file_replaced_by_a_reordered_copy_stales_the_dossiers_it_names(store_url, check_pool):
    """A waived finding names its waiver's file and place: a new file with the same waivers elsewhere must be
    re-checked, or the reports would count the live waivers as unused."""
    import yaml

    from cek_integrasi.service import waiver_files
    from cek_integrasi.service.store import WaiverFile
    from servicekit import ROOT

    store = seeded(store_url)
    example = ROOT / "docs" / "examples" / "pengecualian_rilau_ale.yaml"
    assert waiver_files.add(store, check_pool.packs, example.name, example.read_bytes(), "admin", "", "id") == []
    fas = principal(store, "fas_rilau")
    submit_many(store, check_pool, fas, [(p.name, p.read_bytes()) for p in sample_files()], "id")
    assert recheck(store, check_pool).stale == 0
    waivers = yaml.safe_load(example.read_text("utf-8"))
    waivers["pengecualian"].reverse()
    assert waiver_files.add(store, check_pool.packs, "pengecualian_baru.yaml", yaml.safe_dump(waivers, allow_unicode=True).encode(),
                            "admin", "", "id") == []
    with store.reading() as db:
        old = db.scalars(select(WaiverFile.id).where(WaiverFile.name == example.name)).one()
    waiver_files.deactivate(store, old, "admin", "")
    named = {w["kode"] for w in waivers["pengecualian"]}
    assert recheck(store, check_pool).stale == len(named) == 2
    notes = [f["waiver"] for code in named for f in json.loads(_latest(store, code).result)["findings"] if f["waiver"]]
    assert notes and all(n["file"] == "pengecualian_baru.yaml" for n in notes)  # ELG-03 of 2007 (BA-11's has expired)
    store.close()
