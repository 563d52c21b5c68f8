"""The review of a dossier on the kabupaten service, on SQLite and PostgreSQL: submitted by its facilitator,
its documents judged against their evidence by a supervisor, returned with a note or accepted; notes on
findings; the evidence state of each document; the returned dossier in the facilitator's notices and open work."""

from __future__ import annotations

import io
import re
from types import SimpleNamespace

import pytest
from servicekit import csrf, login, make_app, pg_server, sample_files, store_url, upload, check_pool  # noqa: F401
from sqlalchemy import select

from cek_integrasi.service import review
from cek_integrasi.service.store import AuditEntry, Subject
from cek_integrasi.service.runtime import service

VILLAGE = sample_files()[5]  # 05_batu_lappa_banyak_masalah.yaml, Rilau Ale
CODE = "73.02.05.2012"
BA, PERDES = "ba:ba-musrenbangdes-rkp-2012", "perdes:perdes-2008-02"
PDF = b"%PDF-1.4\n%%EOF\n"


@pytest.fixture
def app(store_url, check_pool, tmp_path):
    app = make_app(store_url, tmp_path, check_pool)
    assert "tidak disimpan" not in upload(signed_in(app, "fas_rilau"), VILLAGE).get_data(as_text=True)
    return app


def signed_in(app, name: str):
    client = app.test_client()
    assert login(client, name).status_code == 302
    return client


def page(client, code: str = CODE, version: int | None = None) -> str:
    response = client.get(f"/desa/{code}" + (f"?versi={version}" if version else ""))
    assert response.status_code == 200
    return response.get_data(as_text=True)


def post(client, path: str, version: int = 1, **fields):
    token = csrf(page(client))
    return client.post(f"/desa/{CODE}/{path}", data={"csrf_token": token, "versi": version, **fields})


def attach(client, document: str, name: str = "bukti.pdf"):
    token = csrf(page(client))
    assert client.post(f"/desa/{CODE}/bukti", data={"dokumen": document, "bukti": (io.BytesIO(PDF), name), "csrf_token": token},
                       content_type="multipart/form-data").status_code == 302


def status(app) -> str:
    with service(app).store.reading() as db:
        return review.status_of(db, db.get(Subject, CODE))


def states(html: str) -> dict[str, str]:
    return dict(re.findall(r'<tr class="document" data-document="([^"]+)" data-state="([^"]+)"', html))


def audit(app, prefix: str) -> list[tuple[str, str]]:
    with service(app).store.reading() as db:
        return [(a.user, a.action) for a in db.scalars(select(AuditEntry).where(AuditEntry.action.startswith(prefix)).order_by(AuditEntry.id))]


def test_a_dossier_is_submitted_judged_returned_corrected_and_accepted(app, tmp_path):
    fas, supervisor = signed_in(app, "fas_rilau"), signed_in(app, "supervisor_rilau")
    html = page(supervisor)
    assert 'data-status="draf"' in html and 'id="move-' not in html and 'class="judge"' not in html  # nothing to review yet
    assert states(html)[BA] == "tanpa_bukti" and "wajib bukti (PTI Bab II.D.2.d" in html
    attach(fas, BA)
    attach(fas, PERDES)
    assert 'id="move-ajukan"' in page(fas)
    post(fas, "ajukan")
    assert status(app) == "diajukan"

    html = page(supervisor)
    assert 'id="move-kembalikan"' in html and 'id="move-terima"' in html and 'id="move-ajukan"' not in html
    assert states(html) == {**states(html), BA: "bukti_ada", PERDES: "bukti_ada"}
    post(supervisor, "dokumen", dokumen=BA, putusan="sesuai")
    assert status(app) == "ditinjau"  # the first judgement starts the review
    post(supervisor, "dokumen", dokumen=PERDES, putusan="tidak_sesuai")
    assert "Tulis catatannya dulu" in page(supervisor)  # a mismatch needs its note
    post(supervisor, "dokumen", dokumen=PERDES, putusan="tidak_sesuai", catatan="Nomor Perdes di pindaian 03, bukan 02")
    assert states(page(supervisor))[BA] == "terverifikasi" and states(page(supervisor))[PERDES] == "tidak_sesuai"
    post(supervisor, "kembalikan")
    assert status(app) == "ditinjau" and "Tulis catatannya dulu" in page(supervisor)
    post(supervisor, "kembalikan", catatan="Perbaiki nomor Perdes RPJM-Desa")
    assert status(app) == "dikembalikan"

    again = signed_in(app, "fas_rilau")  # the next sign-in: the notice and the open work
    overview = again.get("/").get_data(as_text=True)
    assert re.search(r'class="news-returned" data-code="73.02.05.2012">.*Perbaiki nomor Perdes RPJM-Desa', overview)
    assert f'class="waiting" data-code="{CODE}" data-status="dikembalikan"' in overview
    assert f'data-code="{CODE}" data-status="dikembalikan"' not in signed_in(app, "supervisor_rilau").get("/").get_data(as_text=True)

    corrected = tmp_path / VILLAGE.name
    corrected.write_text(VILLAGE.read_text().replace('nomor: "02 Tahun 2008"', 'nomor: "03 Tahun 2008"'))
    assert "tidak disimpan" not in upload(again, corrected).get_data(as_text=True)
    html = page(again)
    assert status(app) == "draf" and states(html)[BA] == "terverifikasi" and states(html)[PERDES] == "tanpa_bukti"
    attach(again, PERDES, "perdes_03.pdf")
    post(again, "ajukan", version=2)
    post(supervisor, "dokumen", version=2, dokumen=PERDES, putusan="sesuai")
    post(supervisor, "terima", version=2)
    assert status(app) == "diterima"
    steps = re.findall(r'<li data-after="(\w+)">', page(supervisor))
    assert steps == ["diterima", "ditinjau", "diajukan", "dikembalikan", "ditinjau", "diajukan"]  # newest first
    assert audit(app, "review_") == [("fas_rilau", "review_diajukan"), ("supervisor_rilau", "review_ditinjau"),
                                     ("supervisor_rilau", "review_dikembalikan"), ("fas_rilau", "review_diajukan"),
                                     ("supervisor_rilau", "review_ditinjau"), ("supervisor_rilau", "review_diterima")]
    assert [a for _, a in audit(app, "document_reviewed")] == ["document_reviewed"] * 3


def test_a_step_on_an_older_version_is_refused(app, tmp_path):
    fas, supervisor = signed_in(app, "fas_rilau"), signed_in(app, "supervisor_rilau")
    post(fas, "ajukan")
    newer = tmp_path / VILLAGE.name
    newer.write_text(VILLAGE.read_text().replace("nama: Batu Lappa", "nama: Batu Lappa Baru"))
    upload(fas, newer)
    post(supervisor, "terima", version=1)
    assert "Sudah ada versi berkas yang lebih baru" in page(supervisor) and status(app) == "draf"


def test_each_step_is_for_its_role_and_scope(app):
    fas, supervisor, other = signed_in(app, "fas_rilau"), signed_in(app, "supervisor_rilau"), signed_in(app, "fas_kindang")
    token = csrf(page(fas))
    assert supervisor.post(f"/desa/{CODE}/ajukan", data={"csrf_token": csrf(page(supervisor)), "versi": 1}).status_code == 403
    assert fas.post(f"/desa/{CODE}/terima", data={"csrf_token": token, "versi": 1}).status_code == 403
    assert fas.post(f"/desa/{CODE}/dokumen", data={"csrf_token": token, "versi": 1, "dokumen": BA, "putusan": "sesuai"}).status_code == 403
    other_token = csrf(other.get("/tentang").get_data(as_text=True))
    for path in ("ajukan", "catatan"):
        assert other.post(f"/desa/{CODE}/{path}", data={"csrf_token": other_token, "versi": 1}).status_code == 404
    post(supervisor, "dokumen", dokumen=BA, putusan="sesuai")  # a draf is not under review
    assert "Dokumen ditinjau setelah berkas diajukan" in page(supervisor) and status(app) == "draf"
    post(supervisor, "terima")
    assert "tidak dapat diambil pada status tinjauan" in page(supervisor) and status(app) == "draf"
    admin = signed_in(app, "admin")
    assert admin.post(f"/desa/{CODE}/ajukan", data={"csrf_token": csrf(page(admin)), "versi": 1}).status_code == 302
    assert status(app) == "diajukan"  # an admin may take any step


def test_new_evidence_after_a_judgement_awaits_review_again(app):
    fas, supervisor = signed_in(app, "fas_rilau"), signed_in(app, "supervisor_rilau")
    attach(fas, BA)
    post(fas, "ajukan")
    post(supervisor, "dokumen", dokumen=BA, putusan="sesuai")
    assert states(page(supervisor))[BA] == "terverifikasi"
    attach(fas, BA, "halaman_2.pdf")
    assert states(page(supervisor))[BA] == "bukti_ada"
    post(supervisor, "dokumen", dokumen=BA, putusan="")  # back to not reviewed
    assert states(page(supervisor))[BA] == "bukti_ada" and "Sesuai bukti oleh" not in page(supervisor)


def test_notes_on_findings_are_kept_shown_and_audited(app):
    fas, supervisor = signed_in(app, "fas_rilau"), signed_in(app, "supervisor_rilau")
    finding = re.search(r'<tr class="finding \w+" data-rule="([^"]+)" data-subject="([^"]*)"', page(fas))
    rule, subject = finding.group(1), finding.group(2)
    post(supervisor, "catatan", aturan=rule, subjek=subject, catatan="Tanda tangan Kepala Desa belum terlihat")
    post(fas, "catatan", aturan=rule, subjek=subject, catatan="Akan dimintakan minggu ini")
    html = page(fas)
    row = re.search(rf'data-rule="{rule}" data-subject="{re.escape(subject)}">.*?</tr>', html, re.S).group(0)
    assert row.index("Tanda tangan Kepala Desa belum terlihat") < row.index("Akan dimintakan minggu ini")
    assert "supervisor_rilau" in row and "fas_rilau" in row
    post(fas, "catatan", aturan="XYZ-99", subjek="", catatan="?")
    assert "Temuan itu tidak ada di versi terbaru" in page(fas)
    post(fas, "catatan", aturan=rule, subjek=subject, catatan="   ")
    assert "Tulis catatannya dulu" in page(fas)
    assert [u for u, _ in audit(app, "finding_note")] == ["supervisor_rilau", "fas_rilau"]


def evidence(*ids: int):
    return [SimpleNamespace(id=i) for i in ids]


def judged(verdict: str, seen: int):
    return SimpleNamespace(verdict=verdict, evidence_seen=seen)


@pytest.mark.parametrize(("shown", "judgement", "expected"), [
    (evidence(), None, "tanpa_bukti"),
    (evidence(3), None, "bukti_ada"),
    (evidence(3), judged("sesuai", 3), "terverifikasi"),
    (evidence(3, 5), judged("sesuai", 3), "bukti_ada"),  # newer evidence than the judgement
    (evidence(), judged("sesuai", 3), "tanpa_bukti"),  # its evidence removed
    (evidence(3), judged("tidak_sesuai", 3), "tidak_sesuai"),
    (evidence(), judged("tidak_sesuai", 3), "tidak_sesuai"),
    (evidence(3, 7), judged("tidak_sesuai", 3), "bukti_ada"),  # new evidence answers the mismatch
])
def test_the_evidence_state_of_a_document(shown, judgement, expected):
    assert review.state(shown, judgement) == expected


def required(html: str) -> list[str]:
    """The documents of the village page whose evidence the pack requires."""
    return re.findall(r'<tr class="document" data-document="([^"]+)"[^>]*><td>[^<]*<br><small>wajib bukti', html)


def test_the_reports_count_the_villages_whose_required_documents_are_all_verified(app):
    fas, supervisor = signed_in(app, "fas_rilau"), signed_in(app, "supervisor_rilau")
    assert "tidak disimpan" not in upload(fas, sample_files()[4]).get_data(as_text=True)  # a second village, not reviewed
    needed = required(page(fas))
    assert BA in needed and PERDES in needed and "kantor" not in needed
    for document in needed:
        attach(fas, document)
    post(fas, "ajukan")
    for document in needed:
        post(supervisor, "dokumen", dokumen=document, putusan="sesuai")
    assert {states(page(supervisor))[d] for d in needed} == {"terverifikasi"}

    html = supervisor.get("/laporan/kecamatan/73.02.05.html").get_data(as_text=True)
    assert "1 dari 2 desa: semua dokumen yang wajib berbukti" in html
    assert re.search(r'class="num evidence-verified">1/2<', html)
    assert html.count('class="evidence-terverifikasi"') == len(needed) and 'class="evidence-tanpa_bukti"' in html  # the other village

    from openpyxl import load_workbook

    book = load_workbook(io.BytesIO(supervisor.get("/laporan/kecamatan/73.02.05.xlsx").data))
    sheet = book["Bukti Dokumen"]
    rows = [[c.value for c in row] for row in sheet.iter_rows(min_row=2)]
    mine = [r for r in rows if r[0] == CODE]
    assert len(mine) == len(needed) and {r[3] for r in mine} == {"Ditinjau"} and {r[5] for r in mine} == {"Terverifikasi"}
    summary = [[c.value for c in row] for row in book[book.sheetnames[0]].iter_rows()]
    header = next(r for r in summary if "Desa terverifikasi" in r)
    assert summary[summary.index(header) + 1][header.index("Desa terverifikasi")] == "1/2"
