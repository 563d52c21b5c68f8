"""Evidence on the kabupaten service, on SQLite and PostgreSQL: scans and photos attached to a dossier's
documents, judged by their first bytes, kept with the documents whose facts did not change, scoped like
the dossier, removed with an audit line."""

from __future__ import annotations

import io
import json
import re

import pytest
from PIL import Image
from servicekit import RILAU, ROOT, check_pool, csrf, pg_server, sample_files, signed_in, store_url, upload, village_app  # noqa: F401
from sqlalchemy import func, select

from cek_integrasi.dossiers.documents import documents
from cek_integrasi.dossiers.loading import load_dossier
from cek_integrasi.service.store import AuditEntry, Blob, Evidence
from cek_integrasi.service.runtime import service

VILLAGE = sample_files()[5]  # 05_batu_lappa_banyak_masalah.yaml, Rilau Ale
CODE = "73.02.05.2012"
BA, PERDES = "ba:ba-musrenbangdes-rkp-2012", "perdes:perdes-2008-02"
PDF = b"%PDF-1.4\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n"


def image(kind: str = "PNG", size=(800, 600)) -> bytes:
    out = io.BytesIO()
    Image.new("RGB", size, (20, 80, 120)).save(out, kind)
    return out.getvalue()


@pytest.fixture
def app(store_url, check_pool, tmp_path):
    return village_app(store_url, tmp_path, check_pool, VILLAGE, max_evidence_mb=1)


def attach(client, document: str, name: str, data: bytes, code: str = CODE):
    shown = client.get(f"/desa/{code}")  # a page with the form's token; one outside the user's scope is 404
    token = csrf((shown if shown.status_code == 200 else client.get("/tentang")).get_data(as_text=True))
    return client.post(f"/desa/{code}/bukti", data={"dokumen": document, "bukti": (io.BytesIO(data), name), "csrf_token": token},
                       content_type="multipart/form-data")


def rows(app) -> list[Evidence]:
    with service(app).store.reading() as db:
        return list(db.scalars(select(Evidence).order_by(Evidence.id)))


def evidence_cells(html: str) -> dict[str, str]:
    """The evidence cell of each document row of the village page, by document key."""
    return dict(re.findall(r'<tr class="document" data-document="([^"]+)"[^>]*>(.*?)</tr>', html, re.S))


def test_documents_of_a_village_have_keys_and_fingerprints_that_follow_their_facts(tmp_path):
    _doc, dossier = load_dossier(VILLAGE)
    found = {d.key: d for d in documents(dossier)}
    assert {"kantor", "aparatur", "bpd", BA, PERDES, "perdes:perdes-2012-09"} <= set(found)
    changed = tmp_path / VILLAGE.name
    changed.write_text(VILLAGE.read_text().replace("nomor: \"02 Tahun 2008\"", "nomor: \"03 Tahun 2008\""))
    again = {d.key: d for d in documents(load_dossier(changed)[1])}
    assert again[PERDES].fingerprint != found[PERDES].fingerprint
    assert all(again[k].fingerprint == found[k].fingerprint for k in found if k != PERDES)


def test_a_kecamatan_dossier_has_its_berita_acara_and_the_camat_letter():
    path = ROOT / "samples" / "rilau_ale" / "00_kecamatan_rilau_ale.yaml"
    _doc, dossier = load_dossier(path)
    keys = [d.key for d in documents(dossier)]
    assert "spc" in keys and any(k.startswith("ba:") for k in keys) and "kantor" not in keys


def test_evidence_is_kept_shown_and_served_with_safe_headers(app):
    client = signed_in(app, "fas_rilau")
    photo = image("JPEG")
    assert attach(client, BA, "ba_ttd.jpg", photo).status_code == 302
    assert attach(client, PERDES, "perdes.pdf", PDF).status_code == 302
    html = client.get(f"/desa/{CODE}").get_data(as_text=True)
    assert "Bukti perdes.pdf disimpan." in html
    cells = evidence_cells(html)
    photo_row, pdf_row = rows(app)
    assert f'src="/bukti/{photo_row.id}/kecil"' in cells[BA] and "ba_ttd.jpg" in cells[BA] and "fas_rilau" in cells[BA]
    assert "perdes.pdf" in cells[PERDES] and "/kecil" not in cells[PERDES]
    assert "Belum ada bukti." in cells["kantor"]

    served = client.get(f"/bukti/{pdf_row.id}")
    assert served.status_code == 200 and served.data == PDF and served.mimetype == "application/pdf"
    assert served.headers["Content-Disposition"] == 'attachment; filename="perdes.pdf"'
    assert served.headers["X-Content-Type-Options"] == "nosniff"
    shown = client.get(f"/bukti/{photo_row.id}")
    assert shown.data == photo and shown.mimetype == "image/jpeg" and shown.headers["Content-Disposition"].startswith("inline")
    assert client.get(f"/bukti/{photo_row.id}?unduh=1").headers["Content-Disposition"].startswith("attachment")
    small = client.get(f"/bukti/{photo_row.id}/kecil")
    assert small.mimetype == "image/png" and max(Image.open(io.BytesIO(small.data)).size) == 240
    assert client.get(f"/bukti/{pdf_row.id}/kecil").status_code == 404  # a PDF has no thumbnail

    with service(app).store.reading() as db:
        audit = list(db.scalars(select(AuditEntry).where(AuditEntry.action == "evidence_added").order_by(AuditEntry.id)))
        assert [(a.user, json.loads(a.detail)["document"], json.loads(a.detail)["file"]) for a in audit] == [
            ("fas_rilau", BA, "ba_ttd.jpg"), ("fas_rilau", PERDES, "perdes.pdf")]
        blobs = db.scalar(select(func.count()).select_from(Blob))
    assert attach(client, "kantor", "perdes_lagi.pdf", PDF).status_code == 302  # the same bytes again: one blob
    with service(app).store.reading() as db:
        assert db.scalar(select(func.count()).select_from(Blob)) == blobs


@pytest.mark.parametrize(("name", "data", "said"), [
    ("ba.pdf", image("PNG"), "sebenarnya berisi PNG, tidak sesuai dengan akhiran namanya: beri nama dengan akhiran .png"),
    ("foto.png", image("JPEG"), "sebenarnya berisi JPEG"),
    ("ba.pdf", b"Ini bukan PDF", "bukan PDF, JPEG atau PNG"),
    ("ba.docx", b"PK\x03\x04 a Word file", "bukan PDF, JPEG atau PNG"),
    ("kosong.pdf", b"", "kosong"),
    ("besar.pdf", PDF + b"0" * (1024 * 1024), "lebih besar dari batas 1 MB per file bukti"),
    ("rusak.png", b"\x89PNG\r\n\x1a\n" + b"\x00" * 200, "tidak dapat dibuka sebagai gambar"),
    ("terpotong.jpg", image("JPEG")[:300], "tidak dapat dibuka sebagai gambar"),
])
def test_a_file_that_is_not_what_it_says_is_refused_in_plain_words_and_nothing_kept(app, name, data, said):
    client = signed_in(app, "fas_rilau")
    answer = attach(client, BA, name, data)
    assert answer.status_code == 302
    html = client.get(f"/desa/{CODE}").get_data(as_text=True)
    assert said in html and name in html and 'class="alert"' in html
    assert rows(app) == []


def test_a_document_not_in_the_latest_version_or_no_file_is_refused(app):
    client = signed_in(app, "fas_rilau")
    attach(client, "ba:tidak-ada", "ba.pdf", PDF)
    assert "Dokumen itu tidak ada di versi terbaru" in client.get(f"/desa/{CODE}").get_data(as_text=True)
    token = csrf(client.get(f"/desa/{CODE}").get_data(as_text=True))
    client.post(f"/desa/{CODE}/bukti", data={"dokumen": BA, "csrf_token": token}, content_type="multipart/form-data")
    assert "Pilih file bukti dulu." in client.get(f"/desa/{CODE}").get_data(as_text=True)
    assert rows(app) == []


def test_a_request_over_the_evidence_limit_is_refused_before_it_is_read(app):
    client = signed_in(app, "fas_rilau")
    answer = attach(client, BA, "besar.pdf", PDF + b"0" * (3 * 1024 * 1024))
    assert answer.status_code == 413 and "1 MB" in answer.get_data(as_text=True)
    assert rows(app) == []


def test_a_new_version_keeps_the_evidence_of_unchanged_documents_only(app, tmp_path):
    client = signed_in(app, "fas_rilau")
    attach(client, BA, "ba.pdf", PDF)
    attach(client, PERDES, "perdes.pdf", PDF)
    changed = tmp_path / VILLAGE.name  # the Berita Acara gets another date; the Perdes stays as it was
    text = VILLAGE.read_text()
    ba_start = text.index("berita_acara:")
    changed.write_text(text[:ba_start] + re.sub(r"tanggal: 2012-\d\d-\d\d", "tanggal: 2012-11-30", text[ba_start:text.index("peraturan_desa:")], count=1)
                       + text[text.index("peraturan_desa:"):])
    assert "tidak disimpan" not in upload(client, changed).get_data(as_text=True)
    latest = client.get(f"/desa/{CODE}").get_data(as_text=True)
    cells = evidence_cells(latest)
    assert "perdes.pdf" in cells[PERDES] and "ba.pdf" not in cells[BA] and "Belum ada bukti." in cells[BA]
    first = client.get(f"/desa/{CODE}?versi=1").get_data(as_text=True)
    old = evidence_cells(first)
    assert "ba.pdf" in old[BA] and "perdes.pdf" in old[PERDES]
    assert 'action="/desa/' not in first and "Bukti dilampirkan pada versi terbaru berkas." in first  # attach to the latest only


def test_evidence_is_scoped_like_the_dossier(app):
    attach(signed_in(app, "fas_rilau"), BA, "ba.pdf", PDF)
    (row,) = rows(app)
    other = signed_in(app, "fas_kindang")
    for url in (f"/bukti/{row.id}", f"/bukti/{row.id}/kecil", f"/desa/{CODE}"):
        assert other.get(url).status_code == 404, url
    token = csrf(other.get("/tentang").get_data(as_text=True))
    assert other.post(f"/bukti/{row.id}/hapus", data={"csrf_token": token}).status_code == 404
    assert attach(other, BA, "ba.pdf", PDF).status_code == 404
    for name in ("supervisor", "supervisor_rilau", "admin"):
        assert signed_in(app, name).get(f"/bukti/{row.id}").status_code == 200, name
    supervisor = signed_in(app, "supervisor_rilau")
    html = supervisor.get(f"/desa/{CODE}").get_data(as_text=True)
    assert "ba.pdf" in html and "/bukti\"" not in html and 'name="bukti"' not in html  # sees it, may not attach
    assert attach(supervisor, BA, "ba.pdf", PDF).status_code == 403
    assert len(rows(app)) == 1


def test_removed_evidence_is_no_longer_shown_or_served_and_the_removal_is_audited(app):
    client = signed_in(app, "fas_rilau")
    attach(client, BA, "ba.pdf", PDF)
    (row,) = rows(app)
    token = csrf(client.get(f"/desa/{CODE}").get_data(as_text=True))
    assert client.post(f"/bukti/{row.id}/hapus", data={"csrf_token": token}).status_code == 302
    html = client.get(f"/desa/{CODE}").get_data(as_text=True)
    assert "Bukti ba.pdf dihapus" in html and f'data-evidence="{row.id}"' not in html
    assert client.get(f"/bukti/{row.id}").status_code == 404
    assert client.post(f"/bukti/{row.id}/hapus", data={"csrf_token": token}).status_code == 302  # again: nothing more happens
    (kept,) = rows(app)
    assert kept.removed_by == "fas_rilau" and kept.removed_at is not None
    with service(app).store.reading() as db:
        assert [a.user for a in db.scalars(select(AuditEntry).where(AuditEntry.action == "evidence_removed"))] == ["fas_rilau"]


def test_attaching_needs_the_csrf_token(app):
    client = signed_in(app, "fas_rilau")
    answer = client.post(f"/desa/{CODE}/bukti", data={"dokumen": BA, "bukti": (io.BytesIO(PDF), "ba.pdf")}, content_type="multipart/form-data")
    assert answer.status_code == 400 and rows(app) == []
