"""A berkas's facts fixed in the browser, on SQLite and PostgreSQL: the latest version as a form with the
workbook's labels and lists, saved as the next version through the same check as an upload, with the
same messages beside the fields when something is wrong (nothing stored); a new village from an empty
form; scoped like the village page."""

from __future__ import annotations

import json

import io
import re
from html.parser import HTMLParser
from pathlib import Path

import pytest
from openpyxl import load_workbook
from servicekit import SAMPLES, check_pool, csrf, pg_server, sample_files, signed_in, store_url, upload, village_app  # noqa: F401
from sqlalchemy import func, select
from werkzeug.datastructures import MultiDict

from cek_integrasi import i18n
from cek_integrasi.dossiers.loading import load_dossier
from cek_integrasi.dossiers.reading import Place
from cek_integrasi.packs.choosing import all_stages
from cek_integrasi.packs.rulepack import load_packs
from cek_integrasi.service.store import AuditEntry, Blob, Subject, Submission
from cek_integrasi.service.runtime import service

VILLAGE = sample_files()[5]  # 05_batu_lappa_banyak_masalah.yaml, Rilau Ale
WORKBOOK = SAMPLES / "workbooks" / "rilau_ale" / "05_batu_lappa_banyak_masalah.xlsx"  # the same berkas as a workbook
CODE = "73.02.05.2012"
EDIT = f"/desa/{CODE}/ubah"
# the parts of the village form, in the order of the workbook's sheets
DESA, APARATUR, TAHAPAN, BERITA_ACARA, PENANDATANGAN = "s0", "s1", "s2", "s3", "s4"


class _Posted(HTMLParser):
    """What a browser posts for the form #dossier-form as shown: every text and hidden field, the selected
    option of each drop-down (the first when none is), the ticked boxes; no button."""

    def __init__(self):
        super().__init__()
        self.pairs: list[tuple[str, str]] = []
        self.inside = False
        self.select: list | None = None  # [name, first option, selected option]

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == "form":
            self.inside = a.get("id") == "dossier-form"
        if not self.inside:
            return
        if tag == "input" and a.get("type") in ("text", "hidden"):
            self.pairs.append((a["name"], a.get("value", "")))
        elif tag == "input" and a.get("type") == "checkbox" and "checked" in a:
            self.pairs.append((a["name"], a.get("value", "on")))
        elif tag == "select":
            self.select = [a["name"], None, None]
        elif tag == "option" and self.select is not None:
            self.select[1] = a["value"] if self.select[1] is None else self.select[1]
            if "selected" in a:
                self.select[2] = a["value"]

    def handle_endtag(self, tag):
        if tag == "select" and self.select is not None:
            name, first, chosen = self.select
            self.pairs.append((name, first if chosen is None else chosen))
            self.select = None
        elif tag == "form":
            self.inside = False


def posted(html: str) -> MultiDict:
    parser = _Posted()
    parser.feed(html)
    return MultiDict(parser.pairs)


def changed(fields: MultiDict, **values) -> MultiDict:
    """The fields with some changed (a field's name written with '_' for '-': s4_r0_c3='ya')."""
    out = fields.copy()
    for name, value in values.items():
        out.setlist(name.replace("_", "-") if re.match(r"s\d", name) else name, value if isinstance(value, list) else [value])
    return out


@pytest.fixture
def app(store_url, check_pool, tmp_path):
    return village_app(store_url, tmp_path, check_pool, VILLAGE)


def stored(app, code: str = CODE) -> list[Submission]:
    with service(app).store.reading() as db:
        return list(db.scalars(select(Submission).where(Submission.code == code).order_by(Submission.version)))


def facts(app, submission: Submission) -> dict:
    """The plain data of a stored version, read again from its file."""
    with service(app).store.reading() as db:
        data = db.scalar(select(Blob.data).where(Blob.sha256 == submission.blob_sha256))
    return load_dossier(Path(submission.filename), all_stages(load_packs()), data)[1].model_dump(mode="json", exclude_none=True)


def save(client, fields: MultiDict, url: str = EDIT):
    return client.post(url, data=fields)


def field_errors(html: str, anchor: str) -> list[str]:
    """The messages shown beside a field, or at the start of a row (the cell holding the element of that id)."""
    found = re.search(rf'id="{re.escape(anchor)}"(.*?)</td>', html, re.S)
    return [m.replace("&#39;", "'") for m in re.findall(r'<span class="field-error">([^<]*)</span>', found.group(1))] if found else []


def test_the_form_holds_the_stored_facts_with_the_workbooks_labels_and_date_forms(app):
    client = signed_in(app, "fas_rilau")
    page = client.get(EDIT)
    html = page.get_data(as_text=True)
    assert page.status_code == 200 and "Ubah Isian Berkas Batu Lappa" in html
    fields = posted(html)
    assert fields["s0-c0"] == CODE and 'readonly' in re.search(r'<input[^>]*id="s0-c0"[^>]*>', html).group(0)
    assert (fields["s1-r0-c0"], fields["s1-r0-c1"], fields["s1-r0-c2"]) == ("Kepala Desa", "Pattiroi Dg. Gassing", "Definitif")  # the label, as the workbook
    assert (fields["s2-r0-c1"], fields.getlist("s2-r2-c2")) == ("16/01/2012", ["KPMD", "LPMD"])  # day first; the facilitators ticked
    assert (fields["s4-r0-c1"], fields["s4-r0-c3"]) == ("Pattiroi Dg. Gassing", "tidak")
    assert ">Kepala Desa</option>" in html and "<th>Tanda tangan</th>" in html and "<summary>Kegiatan RKP" in html
    assert save(client, fields).status_code == 200  # posted as shown: the same facts
    assert "Tidak ada isian yang berubah" in client.post(EDIT, data=fields).get_data(as_text=True)
    assert [s.version for s in stored(app)] == [1]
    english = client.get(EDIT + "?lang=en").get_data(as_text=True)
    assert "Save as a new version" in english and '<option value="Definitif" selected>Permanent</option>' in english  # read in English, written as the workbook


def test_a_fact_changed_and_saved_is_version_2_with_that_change_in_what_changed(app):
    client = signed_in(app, "fas_rilau")
    fields = posted(client.get(EDIT).get_data(as_text=True))
    answer = save(client, changed(fields, s4_r0_c3="ya"))  # the Kepala Desa signed the Berita Acara of the Musrenbangdes
    assert answer.status_code == 302 and answer.headers["Location"] == f"/desa/{CODE}#changes"
    first, second = stored(app)
    assert second.version == 2 and second.filename == f"formulir_{CODE}.xlsx"
    before, after = facts(app, first), facts(app, second)
    assert after["berita_acara"][0]["penandatangan"][0]["tanda_tangan"] is True
    after["berita_acara"][0]["penandatangan"][0]["tanda_tangan"] = False
    assert after == before  # nothing else changed
    html = client.get(f"/desa/{CODE}").get_data(as_text=True)
    changes = re.findall(r'<tr class="change" data-rule="([^"]+)" data-subject="([^"]+)"><td>([^<]+)</td>', html)
    assert [(rule, label) for rule, _subject, label in changes if label != i18n.text("ui.diff_unchanged")] == [("BA-04", i18n.text("ui.diff_fixed"))]
    assert len(changes) == 13  # Batu Lappa's 13 findings: one fixed, the others as they were
    assert f"{i18n.text('svc.version')} 2 / 2" in html
    with service(app).store.reading() as db:
        audit = db.scalars(select(AuditEntry.detail).where(AuditEntry.action == "submitted").order_by(AuditEntry.id)).all()
    assert {k: v for k, v in json.loads(audit[-1]).items() if k != "sha256"} == {"code": CODE, "version": 2, "file": f"formulir_{CODE}.xlsx"}
    book = load_workbook(io.BytesIO(client.get(f"/berkas/{second.id}").data))  # the version's file: a workbook to open in Excel
    assert [c.value for c in book["Penandatangan"][2]] == ["ba-musrenbangdes-rkp-2012", "Pattiroi Dg. Gassing", "Kepala Desa", "ya"]


def _workbook_upload_messages(client, tmp_path, edits: dict[tuple[str, int, int], str | None]) -> list[str]:
    """The messages of an upload of the sample's workbook with these cells changed (sheet, row, column from 1)."""
    book = load_workbook(WORKBOOK)
    for (sheet, row, column), value in edits.items():
        book[sheet].cell(row=row, column=column).value = value
    path = tmp_path / WORKBOOK.name
    book.save(path)
    html = upload(client, path).get_data(as_text=True)
    return [m.replace("&#39;", "'") for m in re.findall(r"<li>([^<]+)</li>", html.split('class="alert refused"')[1].split("</ul>")[0])]


def test_bad_input_gets_the_messages_of_an_upload_beside_its_fields_and_nothing_is_stored(app, tmp_path):
    client = signed_in(app, "fas_rilau")
    fields = posted(client.get(EDIT).get_data(as_text=True))
    with service(app).store.reading() as db:
        blobs = db.scalar(select(func.count()).select_from(Blob))
    bad = changed(fields, s2_r1_c1="31/02/2013", s1_r0_c2="Sementara", s1_r2_c1="")  # a date not in the calendar, an unknown choice, a missing name
    answer = save(client, bad)
    html = answer.get_data(as_text=True)
    assert answer.status_code == 422 and "Tidak disimpan" in html
    expected = _workbook_upload_messages(client, tmp_path, {("Tahapan", 3, 2): "31/02/2013", ("Aparatur", 2, 3): "Sementara", ("Aparatur", 4, 2): None})
    assert len(expected) == 3
    shown = re.findall(r'<li class="form-problem" data-field="([^"]*)"><a href="#([^"]*)">([^<]+)</a>: ([^<]+)</li>', html)
    assert len(shown) == 3
    for field, place in (("s2-r1-c1", Place("Tahapan", 3, column="Tanggal")), ("s1-r0-c2", Place("Aparatur", 2, column="Status")),
                         ("s1-r2", Place("Aparatur", 4))):  # a post held without a name: the model names the row
        data_field, anchor, where, message = next(s for s in shown if s[0] == field)
        message = message.replace("&#39;", "'")
        assert f"{WORKBOOK.name}: {place.shown('id')}: {message}" in expected  # the upload's message, word for word
        assert anchor == field and where.startswith(place.sheet + ", baris ")  # the place in the form's words: its row there
        assert message in field_errors(html, field)  # and beside the field (or the row)
    assert 'value="31/02/2013"' in html and 'id="s1-r2" ' not in html and '<tr class="item bad" id="s1-r2">' in html  # what was typed stays
    assert 'value="Sementara" selected' in html
    assert [s.version for s in stored(app)] == [1]
    with service(app).store.reading() as db:
        assert db.scalar(select(func.count()).select_from(Blob)) == blobs
    english = save(client, changed(bad, s0_c1="Batu Lappa"), EDIT + "?lang=en").get_data(as_text=True)
    assert "Not stored" in english and "Tahapan, row 2, Tanggal" in english


def test_rows_are_added_and_removed_and_only_saving_stores(app):
    client = signed_in(app, "fas_rilau")
    fields = posted(client.get(EDIT).get_data(as_text=True))
    fields = changed(fields, s1_r1_c1="Andi Baso")  # typed before asking for more rows: kept
    more = client.post(EDIT, data=changed(fields, tambah=APARATUR[1:]))
    html = more.get_data(as_text=True)
    assert more.status_code == 200 and len(re.findall(r'<tr class="item" id="s1-r\d+"', html)) == 4 + 2 + 5
    assert [s.version for s in stored(app)] == [1]
    fields = posted(html)
    assert fields["s1-r1-c1"] == "Andi Baso"
    fields = changed(fields, s1_r1_c2="Definitif", s1_r4_c0="Kaur Umum", s1_r4_c1="Hasnah", s1_r4_c2="Plt (pelaksana tugas)", s1_r3_hapus="on")
    assert save(client, fields).status_code == 302
    aparatur = facts(app, stored(app)[-1])["aparatur"]
    assert [(a["jabatan"], a.get("nama"), a["status"]) for a in aparatur] == [
        ("Kepala Desa", "Pattiroi Dg. Gassing", "definitif"), ("Sekretaris Desa", "Andi Baso", "definitif"),
        ("Kaur Pemerintahan", "Jumriani", "definitif"), ("Kaur Umum", "Hasnah", "plt")]  # Kaur Pembangunan removed


def test_a_version_saved_meanwhile_is_not_overwritten_unasked(app):
    fas, admin = signed_in(app, "fas_rilau"), signed_in(app, "admin")
    mine = changed(posted(fas.get(EDIT).get_data(as_text=True)), s4_r0_c3="ya")
    assert save(admin, changed(posted(admin.get(EDIT).get_data(as_text=True)), s0_c10="Andi Arif")).status_code == 302  # v2, Ketua BPD
    answer = save(fas, mine)
    html = answer.get_data(as_text=True)
    assert answer.status_code == 409 and "sudah disimpan sebagai versi 2" in html and 'name="versi" value="2"' in html
    assert [s.version for s in stored(app)] == [1, 2]
    assert save(fas, posted(html)).status_code == 302  # saved again, knowingly: version 3
    assert [s.version for s in stored(app)] == [1, 2, 3] and facts(app, stored(app)[-1])["bpd"]["ketua"] == "Muh. Arif"


def test_the_form_is_for_the_facilitator_of_the_kecamatan_and_the_admin(app):
    fields = posted(signed_in(app, "fas_rilau").get(EDIT).get_data(as_text=True))
    for name, status in (("fas_kindang", 404), ("supervisor", 403), ("supervisor_rilau", 403)):
        client = signed_in(app, name)
        assert client.get(EDIT).status_code == status
        token = csrf(client.get("/tentang").get_data(as_text=True))
        assert save(client, changed(fields, csrf_token=token, s4_r0_c3="ya")).status_code == status
    assert [s.version for s in stored(app)] == [1]
    admin = signed_in(app, "admin")
    assert admin.get(EDIT).status_code == 200
    assert 'id="edit-facts"' in admin.get(f"/desa/{CODE}").get_data(as_text=True)
    assert 'id="edit-facts"' not in signed_in(app, "supervisor").get(f"/desa/{CODE}").get_data(as_text=True)
    without_token = MultiDict([(k, v) for k, v in fields.items(multi=True) if k != "csrf_token"])
    assert save(signed_in(app, "fas_rilau"), changed(without_token, s4_r0_c3="ya")).status_code == 400
    assert [s.version for s in stored(app)] == [1]


NEW = {"s0-c0": "73.02.05.2099", "s0-c1": "Bonto Uji", "s0-c2": "Rilau Ale", "s0-c3": "Bulukumba", "s0-c4": "ya", "s0-c5": "2013", "s0-c6": "2013", "s0-c7": "ya", "s0-c8": "ya", "s0-c9": "ya",
       "s1-r0-c0": "Kepala Desa", "s1-r0-c1": "Andi Uji", "s1-r0-c2": "Definitif",
       "s2-r0-c0": "MAD Sosialisasi", "s2-r0-c1": "12 Februari 2013"}
NEW_FIELDS = {name.replace("-", "_"): value for name, value in NEW.items()}


def test_a_new_village_from_an_empty_form(app):
    client = signed_in(app, "fas_rilau")
    page = client.get("/desa/baru")
    html = page.get_data(as_text=True)
    assert page.status_code == 200 and "Berkas Desa Baru" in html and 'id="new-village"' in client.get("/kirim").get_data(as_text=True)
    fields = posted(html)
    assert (fields["s0-c0"], fields["s0-c2"], fields["s0-c3"]) == ("", "Rilau Ale", "Bulukumba")  # the facilitator's kecamatan
    assert fields["paket"] == "pti" and fields["s1-rows"] == "2"  # the as-of date 2014-03-01: the PTI's steps
    answer = save(client, changed(fields, **NEW_FIELDS), "/desa/baru")
    assert answer.status_code == 302 and answer.headers["Location"] == "/desa/73.02.05.2099"
    (first,) = stored(app, "73.02.05.2099")
    data = facts(app, first)
    assert (data["nama"], data["kecamatan"], data["aparatur"], data["tahapan"]) == (
        "Bonto Uji", "Rilau Ale", [{"jabatan": "Kepala Desa", "nama": "Andi Uji", "status": "definitif"}],
        [{"kode": "mad_sosialisasi", "tanggal": "2013-02-12", "fasilitator": [], "alat_kaji": [], "agenda": [], "peserta": []}])
    assert "Bonto Uji" in client.get("/desa/73.02.05.2099").get_data(as_text=True)
    again = save(client, changed(fields, **{**NEW_FIELDS, "s0_c0": CODE}), "/desa/baru")
    assert again.status_code == 409 and "sudah ada di layanan" in again.get_data(as_text=True)
    assert f'href="/desa/{CODE}" id="existing"' in again.get_data(as_text=True)
    assert [s.version for s in stored(app)] == [1]
    uu = posted(client.get("/desa/baru?paket=uu-desa").get_data(as_text=True))
    assert uu["paket"] == "uu-desa" and "s0-c16" in uu  # the UU 6/2014 rows the PTI's template leaves out


def test_a_new_village_is_checked_and_refused_like_an_upload(app):
    client = signed_in(app, "fas_rilau")
    fields = posted(client.get("/desa/baru").get_data(as_text=True))
    empty = save(client, fields, "/desa/baru")
    html = empty.get_data(as_text=True)
    assert empty.status_code == 422 and field_errors(html, "s0-c0") == ["wajib diisi"] and field_errors(html, "s0-c1") == ["wajib diisi"]
    kindang = signed_in(app, "fas_kindang")
    fields = posted(kindang.get("/desa/baru").get_data(as_text=True))
    other = save(kindang, changed(fields, **NEW_FIELDS), "/desa/baru")
    assert other.status_code == 422 and "di luar kecamatan Anda" in other.get_data(as_text=True)
    with service(app).store.reading() as db:
        assert db.get(Subject, "73.02.05.2099") is None
    assert kindang.get("/desa/baru?paket=tidak-ada").status_code == 404
