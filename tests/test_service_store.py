"""The service's store, on SQLite and on PostgreSQL: migrations, submissions with history, refusals,
one transaction per submission, the audit log, backup and restore."""

from __future__ import annotations

import dataclasses
import datetime as dt
import hashlib
import io
import json
from pathlib import Path

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from alembic.script import ScriptDirectory
from click.testing import CliRunner
from openpyxl import load_workbook
from servicekit import (  # noqa: F401
    AS_OF, KINDANG, RILAU, ROOT, check_pool, csrf, login, make_app, pg_server, principal, sample_files, seeded, store_url, upload,
)
from sqlalchemy import MetaData, func, inspect, select, text

from cek_integrasi.cli import main
from cek_integrasi.evaluation.results import UNMET
from cek_integrasi.service import queries, screening_rounds, submissions
from cek_integrasi.service import store as store_module
from cek_integrasi.service.checking import ResultColumns
from cek_integrasi.service.rendering import result_in
from cek_integrasi.service.store import (HEAD, AuditEntry, Base, Blob, ScreeningRound, Store, StoredFinding, Subject, Submission, WaiverFile,
                                        make_engine)
from cek_integrasi.service.submissions import Accepted, Refused, submit_many
from cek_integrasi.service.runtime import service

VILLAGE = sample_files()[5]  # 05_batu_lappa_banyak_masalah.yaml
ROSTER = ROOT / "samples" / "roster_kabupaten_bulukumba.csv"


def counts(store: Store) -> dict[str, int]:
    with store.reading() as db:
        return {model.__tablename__: db.scalar(select(func.count()).select_from(model))
                for model in (Submission, Blob, StoredFinding, Subject, AuditEntry)}


def cli_check(path, *args) -> dict:
    done = CliRunner().invoke(main, ["check", str(path), "--format", "json", "--as-of", AS_OF, *args])
    return json.loads(done.output)


def test_migrations_make_every_table_and_run_again_harmlessly(store_url, monkeypatch):
    store = Store(store_url)
    store.close()
    monkeypatch.setattr(store_module, "migrate", lambda engine: pytest.fail("a store at the head migrated again"))
    store = Store(store_url)  # a second start migrates nothing
    head = ScriptDirectory(str(Path(store_module.__file__).parent / "migrations")).get_current_head()
    with store.engine.connect() as connection:
        assert connection.scalar(text("select version_num from alembic_version")) == HEAD == head
        tables = set(inspect(connection).get_table_names())
        made = MigrationContext.configure(connection, opts={"compare_type": True})
        assert compare_metadata(made, Base.metadata) == []  # the migrations make the tables of store.py, column types too
    assert {"users", "sessions", "kecamatan", "blobs", "subjects", "submissions", "findings", "audit", "settings", "waiver_files", "result_changes", "api_tokens", "waiver_requests", "screening_rounds", "evidence"} <= tables
    store.close()


def rows(store: Store) -> dict[str, list]:
    """Every row of every table the store has (an older revision lacks the newer ones), as the database gives them back."""
    with store.engine.connect() as connection:
        present = MetaData()
        present.reflect(connection)  # the tables as the store's revision made them
        return {name: sorted(map(tuple, connection.execute(select(table))), key=repr)
                for name, table in present.tables.items() if name in Base.metadata.tables}


def test_upgrading_a_store_of_revision_0007_keeps_its_data(store_url, check_pool, monkeypatch):
    """A store in use before the 0008 migration (wider name columns): every row the same after it, on
    SQLite too, where a column is changed by copying its table (its foreign keys must not be checked
    half-way, nor cascade deletes)."""
    from cek_integrasi.service import waiver_files, waiver_requests

    migrate = store_module.migrate
    store = seeded(store_url)  # written now, then taken down to 0007 (results as 0009 kept them: 0010's downgrade)
    example = ROOT / "docs" / "examples" / "pengecualian_rilau_ale.yaml"
    assert waiver_files.add(store, check_pool.packs, example.name, example.read_bytes(), "admin", "", "id") == []
    fas = principal(store, "fas_rilau")
    assert all(isinstance(o, Accepted) for o in submit_many(store, check_pool, fas, [(p.name, p.read_bytes()) for p in sample_files()], "id"))
    waiver_requests.request(store, check_pool.packs, fas, "BA-01", "73.02.05.2012", "ba-musrenbangdes-rkp-2012", "Camat berhalangan")
    migrate(store.engine, "0007", "downgrade")
    with store.engine.connect() as connection:
        assert connection.scalar(text("select version_num from alembic_version")) == "0007"
    before = rows(store)
    assert all(before[t] for t in ("kecamatan", "subjects", "submissions", "findings", "audit", "waiver_requests", "waiver_files"))
    store.close()
    monkeypatch.setattr(store_module, "migrate", lambda engine: migrate(engine, "0009"))  # 0010 changes the results: tested below
    store = Store(store_url)
    with store.engine.connect() as connection:
        assert connection.scalar(text("select version_num from alembic_version")) == "0009"
        if store.sqlite:
            assert connection.exec_driver_sql("PRAGMA foreign_keys").scalar() == 1  # enforced again after the migration
    after = rows(store)
    for table in ("evidence", "version_documents", "review_steps", "document_reviews", "finding_notes"):
        assert after.pop(table) == []  # made by 0009, empty
    assert after == before
    store.close()


def test_a_store_of_revision_0009_keeps_its_results_readable_in_both_languages_after_0010(store_url, check_pool, monkeypatch):
    """Results and screening rounds written by revision 0009 (a column per language) read after 0010 (one
    column, no language in it) exactly as they were, in Indonesian and English; downgrading gives them back."""
    from sqlalchemy import Table


    migrate = store_module.migrate
    monkeypatch.setattr(store_module, "migrate", lambda engine: migrate(engine, "0009"))
    store = seeded(store_url)
    written = {lang: cli_check(VILLAGE, "--lang", lang)["dossiers"][0] for lang in ("id", "en")}
    rounds = {lang: {"tool": "cek-integrasi", "version": "0", "rule_pack": {"id": "pti"}, "as_of": AS_OF, "lang": lang,
                     "roster": {"file": "r.csv", "sha256": ""}, "villages": [], "kecamatan": [], "bad_rows": [{"row": 2, "column": "kode",
                     "value": "x", "message": "kode salah" if lang == "id" else "wrong code"}]} for lang in ("id", "en")}
    data = VILLAGE.read_bytes()
    sha = hashlib.sha256(data).hexdigest()
    with store.engine.begin() as connection:
        table = lambda name: Table(name, MetaData(), autoload_with=connection)  # noqa: E731 - the tables as revision 0009 made them
        connection.execute(table("kecamatan").insert(), dict(kode="73.02.05", nama="Rilau Ale", kabupaten="Bulukumba"))
        connection.execute(table("blobs").insert(), dict(sha256=sha, size=len(data), data=data))
        connection.execute(table("subjects").insert(), dict(code=written["id"]["code"], kind="desa", name="Batu Lappa",
                                                            kecamatan="73.02.05", versions=1))
        connection.execute(table("submissions").insert(), dict(
            id=1, code=written["id"]["code"], version=1, kecamatan="73.02.05", filename=VILLAGE.name, blob_sha256=sha,
            submitted_at=dt.datetime(2014, 3, 1), as_of=dt.date(2014, 3, 1), pack="pti 2", pack_digest="abc", waivers_digest="",
            verdict=written["id"]["verdict"], errors=1, warnings=0, result_id=json.dumps(written["id"]), result_en=json.dumps(written["en"])))
        connection.execute(table("subjects").update().values(latest_id=1))
        connection.execute(table("screening_rounds").insert(), dict(
            id=1, as_of=dt.date(2014, 3, 1), created_by="admin", created_at=dt.datetime(2014, 3, 1), source="r.csv",
            report_id=json.dumps(rounds["id"]), report_en=json.dumps(rounds["en"])))
    store.close()
    monkeypatch.undo()

    store = Store(store_url)
    with store.engine.connect() as connection:
        assert connection.scalar(text("select version_num from alembic_version")) == "0011"
        columns = {c["name"] for c in inspect(connection).get_columns("submissions")}
        assert "result" in columns and not {"result_id", "result_en"} & columns  # the columns hold no language: a third needs none
    with store.reading() as db:
        submission = db.get(Submission, 1)
        assert not any(f["values"] for f in json.loads(submission.result)["findings"])  # no values: the texts it held
        assert submission.pack_digest == "" and submission.as_of == dt.date(2014, 3, 1)  # stale: the next re-check renews it
        for lang in ("id", "en"):
            assert result_in(submission.result, check_pool.packs, lang).model_dump(mode="json") == written[lang]
            assert screening_rounds.load(store, check_pool.packs, 1, lang)[1].model_dump(mode="json") == rounds[lang]
    from cek_integrasi.service.recheck import recheck

    uploaded = [{**written[lang], "file": VILLAGE.name} for lang in ("id", "en")]  # the service names a file as uploaded
    assert recheck(store, check_pool).rechecked == 1  # stale: judged again, now with the values of its findings
    with store.reading() as db:
        refreshed = db.get(Submission, 1).result
        assert all("texts" not in f for f in json.loads(refreshed)["findings"])
        assert [result_in(refreshed, check_pool.packs, lang).model_dump(mode="json") for lang in ("id", "en")] == uploaded
    store.close()

    store_module.migrate(make_engine(store_url), "0009", "downgrade")
    with make_engine(store_url).connect() as connection:
        row = connection.execute(text("select result_id, result_en from submissions")).one()
        assert [json.loads(r) for r in row] == uploaded  # rendered from its new judgement
        row = connection.execute(text("select report_id, report_en from screening_rounds")).one()
        assert [json.loads(r) for r in row] == [rounds["id"], rounds["en"]]


def test_screening_rounds_stored_by_revision_0010_stay_readable_in_both_languages_after_0011(store_url, check_pool, monkeypatch):
    """Rounds written by revision 0010 (a rendered report per language, no values) read after 0011 (one screening in
    no language) exactly as `screen` wrote them, in Indonesian and English, compared as before; a new round is
    stored in no language; downgrading gives the old rounds back as they were, the new one rendered in both."""
    from sqlalchemy import Table

    migrate = store_module.migrate
    monkeypatch.setattr(store_module, "migrate", lambda engine: migrate(engine, "0010"))
    store = seeded(store_url)
    broken = ROOT / "tests" / "fixtures" / "roster_baris_rusak.csv"
    written = {(roster, lang): json.loads(CliRunner().invoke(main, ["screen", str(roster), "--as-of", AS_OF, "--format", "json",
                                                                    "--lang", lang]).output)
               for roster in (ROSTER, broken) for lang in ("id", "en")}
    assert written[broken, "id"]["bad_rows"] and all(any(v[k] for v in written[broken, "en"]["villages"]) for k in ("unmet", "warnings"))
    with store.engine.begin() as connection:
        rounds = Table("screening_rounds", MetaData(), autoload_with=connection)  # as revision 0010 made it
        for number, roster in enumerate((ROSTER, broken), start=1):
            connection.execute(rounds.insert(), dict(  # the ids the database gives: 1 and 2
                as_of=dt.date(2014, 3, 1), created_by="admin", created_at=dt.datetime(2014, 3, number), source=roster.name,
                report=json.dumps({lang: written[roster, lang] for lang in ("id", "en")})))
    store.close()
    monkeypatch.undo()

    store = Store(store_url)
    with store.engine.connect() as connection:
        assert connection.scalar(text("select version_num from alembic_version")) == "0011"
    for lang in ("id", "en"):
        row, report, previous, previous_id = screening_rounds.load(store, check_pool.packs, 2, lang)
        assert report.model_dump(mode="json") == written[broken, lang] and previous.model_dump(mode="json") == written[ROSTER, lang]
        assert previous_id == 1 and row.source == broken.name
    third = screening_rounds.from_roster(store, check_pool, broken.name, broken.read_bytes(), dt.date.fromisoformat(AS_OF), "admin")
    with store.reading() as db:
        stored = json.loads(db.get(ScreeningRound, third).report)
    assert "lang" not in stored and not {"title", "message", "texts"} & {k for v in stored["villages"] for f in v["findings"] for k in f}
    assert all(set(p) == {"row", "column", "value", "problem"} for p in stored["bad_rows"])  # keys and values, no words
    for lang in ("id", "en"):
        _, report, previous, _ = screening_rounds.load(store, check_pool.packs, third, lang)
        assert {**report.model_dump(mode="json"), "roster": written[broken, lang]["roster"]} == written[broken, lang]
        assert report.villages == previous.villages  # the same roster screened again: the comparison sees no change
    store.close()

    migrate(make_engine(store_url), "0010", "downgrade")
    with make_engine(store_url).connect() as connection:
        reports = {r.id: json.loads(r.report) for r in connection.execute(text("select id, report from screening_rounds"))}
    assert reports[1] == {lang: written[ROSTER, lang] for lang in ("id", "en")}
    assert reports[2] == {lang: written[broken, lang] for lang in ("id", "en")}
    assert {lang: {**r, "roster": written[broken, lang]["roster"]} for lang, r in reports[third].items()} == {
        lang: written[broken, lang] for lang in ("id", "en")}


def long_text(word: str) -> str:
    """Text of exactly 500 characters, the longest `Teks` of the dossier model."""
    return (word * 500)[:499] + "X"


def test_names_as_long_as_the_model_allows_are_stored_and_shown(store_url, check_pool, tmp_path):
    """A village, its kecamatan and kabupaten named with 500 characters, a Berita Acara with an id of 500:
    accepted, stored and on the dashboard (PostgreSQL enforces column lengths, SQLite does not)."""
    nama, kecamatan, kabupaten, ba = (long_text(w) for w in ("Batu Lappa ", "Rilau Alé ", "Bulukumba ", "ba-musrenbangdes-"))
    text = VILLAGE.read_text("utf-8")
    for old, new in (("nama: Batu Lappa\n", f"nama: {nama}\n"), ("kecamatan: Rilau Ale\n", f"kecamatan: {kecamatan}\n"),
                     ("kabupaten: Bulukumba\n", f"kabupaten: {kabupaten}\n")):
        assert old in text
        text = text.replace(old, new, 1)
    assert "ba-musrenbangdes-rkp-2012" in text
    village = tmp_path / VILLAGE.name
    village.write_text(text.replace("ba-musrenbangdes-rkp-2012", ba), "utf-8")
    app = make_app(store_url, tmp_path, check_pool)
    client = app.test_client()
    login(client, "fas_rilau")
    sent = upload(client, village)
    assert sent.status_code == 200 and "tidak disimpan" not in sent.get_data(as_text=True)
    overview = client.get("/").get_data(as_text=True)
    assert kecamatan in overview and kabupaten in overview
    assert nama in client.get(f"/kecamatan/{RILAU}").get_data(as_text=True)
    page = client.get("/desa/73.02.05.2012").get_data(as_text=True)
    assert nama in page and f'data-subject="ba:{ba}"' in page
    assert nama in client.get(f"/laporan/kecamatan/{RILAU}.html").get_data(as_text=True)
    book = load_workbook(io.BytesIO(client.get(f"/laporan/kecamatan/{RILAU}.xlsx").data))
    assert f"{kecamatan} ({RILAU})" in [cell.value for cell in book.worksheets[-1][1]]  # the weekly sheet's column of the kecamatan
    store = service(app).store
    with store.reading() as db:
        assert db.get(Subject, "73.02.05.2012").name == nama
        assert f"ba:{ba}" in db.scalars(select(StoredFinding.subject)).all()
    store.close()


def post_form(client, page: str, data: dict):
    """A form of `page` sent as a browser sends it, with its CSRF token."""
    return client.post(page, data={**data, "csrf_token": csrf(client.get(page).get_data(as_text=True))})


def test_what_users_write_into_bounded_columns_fits_or_is_refused_in_words(store_url, check_pool, tmp_path):
    """Uploaded files' names cut to 255 characters keeping their suffix, the longest token label in the
    audit, and longer text than a column holds refused with a message (PostgreSQL enforces lengths)."""
    from cek_integrasi.service import tokens
    from cek_integrasi.service.store import Kecamatan, ScreeningRound, WaiverRequest

    app = make_app(store_url, tmp_path, check_pool)
    store = service(app).store
    label = "sistem-" + "s" * 57
    token = tokens.issue(store, label, "facilitator", [RILAU], "admin")
    sent_as = "desa_" + "x" * 300 + ".yaml"
    sent = app.test_client().post("/api/kirim", headers={"Authorization": f"Bearer {token}"}, content_type="multipart/form-data",
                                  data={"dossier": (io.BytesIO(VILLAGE.read_bytes()), sent_as)})
    assert sent.status_code == 200, sent.get_data(as_text=True)
    [outcome] = sent.get_json()["outcomes"]
    kept = sent_as[:250] + ".yaml"
    assert outcome["accepted"] and outcome["file"] == kept and len(kept) == 255
    with store.reading() as db:
        assert db.scalars(select(Submission.filename)).one() == kept
        assert db.scalars(select(AuditEntry.user).where(AuditEntry.action == "submitted")).one() == "token:" + label

    admin = app.test_client()
    login(admin, "admin")
    nama, kabupaten = long_text("Kindang "), long_text("Bulukumba ")
    assert post_form(admin, "/admin/kecamatan", {"kode": KINDANG, "nama": nama, "kabupaten": kabupaten}).status_code == 302
    for place in ({"nama": nama + "X", "kabupaten": kabupaten}, {"nama": nama, "kabupaten": kabupaten + "X"}, {"nama": "Kindang", "kode": "7" * 33}):
        refused = post_form(admin, "/admin/kecamatan", {"kode": KINDANG, **place})
        assert refused.status_code == 400 and "paling panjang 500 karakter" in refused.get_data(as_text=True)
    refused = post_form(admin, "/admin/pengguna", {"name": "andi", "role": "facilitator", "password": "rahasia-andi", "kecamatan": "7" * 33})
    assert refused.status_code == 400 and "Kode kecamatan paling panjang 32 karakter" in refused.get_data(as_text=True)
    with open(ROSTER, "rb") as handle:
        roster_as = "daftar_" + "d" * 300 + ".csv"
        token = csrf(admin.get("/penyaringan").get_data(as_text=True))
        screened = admin.post("/penyaringan", data={"roster": (handle, roster_as), "tanggal": AS_OF, "csrf_token": token},
                              content_type="multipart/form-data")
    assert screened.status_code == 302, screened.get_data(as_text=True)

    fas = app.test_client()
    login(fas, "fas_rilau")
    document = long_text("ba-musrenbangdes-")
    waiver = {"aturan": "BA-01", "kode": "73.02.05.2012", "alasan": "Camat berhalangan"}
    assert post_form(fas, "/pengecualian", {**waiver, "dokumen": document}).status_code == 302
    refused = post_form(fas, "/pengecualian", {**waiver, "dokumen": document + "X"})
    assert refused.status_code == 400 and "nama dokumen paling banyak 500" in refused.get_data(as_text=True)
    with store.reading() as db:
        assert (db.get(Kecamatan, KINDANG).nama, db.get(Kecamatan, KINDANG).kabupaten) == (nama, kabupaten)
        assert db.scalars(select(WaiverRequest.document)).one() == document
        assert db.scalars(select(ScreeningRound.source)).one() == roster_as[:251] + ".csv"
    store.close()


def test_each_submission_is_a_new_version_with_its_bytes_and_findings(store_url, check_pool):
    store = seeded(store_url)
    fas = principal(store, "fas_rilau")
    files = [(p.name, p.read_bytes()) for p in sample_files()]
    first = submit_many(store, check_pool, fas, files, "id", "127.0.0.1")
    assert all(isinstance(o, Accepted) and o.version == 1 for o in first)
    again = submit_many(store, check_pool, fas, [(VILLAGE.name, VILLAGE.read_bytes())], "id")
    assert isinstance(again[0], Accepted) and again[0].version == 2
    expected = cli_check(VILLAGE)["dossiers"][0]
    with store.reading() as db:
        subject = db.get(Subject, expected["code"])
        assert subject.versions == 2 and subject.latest.version == 2
        versions = db.scalars(select(Submission).where(Submission.code == expected["code"]).order_by(Submission.version)).all()
        sha = hashlib.sha256(VILLAGE.read_bytes()).hexdigest()
        assert [v.blob_sha256 for v in versions] == [sha, sha]
        assert db.get(Blob, sha).data == VILLAGE.read_bytes()  # kept once, by its sha256
        assert db.scalar(select(func.count()).select_from(Blob)) == len(files)
        stored = json.loads(versions[0].result)
        assert [(f["rule"], f["subject"], f["state"]) for f in stored["findings"]] == [
            (f["rule"], f["subject"], f["state"]) for f in expected["findings"]]
        assert stored["file"] == VILLAGE.name
        rows = db.scalars(select(StoredFinding).where(StoredFinding.submission_id == versions[0].id)).all()
        assert sorted((f.rule, f.subject) for f in rows) == sorted((f["rule"], f["subject"]) for f in expected["findings"])
        shown = [result_in(versions[0].result, check_pool.packs, lang) for lang in ("id", "en")]
        assert shown[1].findings[0].message != shown[0].findings[0].message  # one judgement, rendered in each language
        audit = db.scalars(select(AuditEntry).where(AuditEntry.action == "submitted")).all()
        assert len(audit) == len(files) + 1 and all(a.user == "fas_rilau" for a in audit)
        assert {"code": expected["code"], "version": 2, "file": VILLAGE.name, "sha256": sha} in [json.loads(a.detail) for a in audit]
    store.close()


def test_a_kecamatan_dossier_is_checked_with_the_villages_of_the_store(store_url, check_pool):
    store = seeded(store_url)
    fas = principal(store, "fas_rilau")
    submit_many(store, check_pool, fas, [(p.name, p.read_bytes()) for p in sample_files()], "id")
    expected = cli_check(sample_files()[0].parent)  # the whole kecamatan, as `check` does it
    kecamatan = next(d for d in expected["dossiers"] if d["kind"] == "kecamatan")
    with store.reading() as db:
        stored = json.loads(db.get(Subject, RILAU).latest.result)
    assert [(f["rule"], f["subject"]) for f in stored["findings"]] == [(f["rule"], f["subject"]) for f in kecamatan["findings"]]


def test_a_bad_file_gets_the_message_of_check_and_nothing_is_stored(store_url, check_pool, tmp_path):
    store = seeded(store_url)
    broken = tmp_path / "rusak.yaml"
    broken.write_text("jenis: desa\nkode: [\n", "utf-8")
    before = counts(store)
    out = submit_many(store, check_pool, principal(store, "fas_rilau"), [("rusak.yaml", broken.read_bytes())], "id")
    assert isinstance(out[0], Refused)
    cli = CliRunner().invoke(main, ["check", str(broken)])
    assert cli.exit_code == 2
    assert out[0].messages == [line.strip().replace(str(broken), "rusak.yaml") for line in cli.output.splitlines() if str(broken) in line]
    assert counts(store) == before
    store.close()


def test_a_facilitator_cannot_submit_for_another_kecamatan(store_url, check_pool):
    store = seeded(store_url)
    before = counts(store)
    out = submit_many(store, check_pool, principal(store, "fas_kindang"), [(VILLAGE.name, VILLAGE.read_bytes())], "en")
    assert isinstance(out[0], Refused) and "outside your kecamatan" in out[0].messages[0] and RILAU in out[0].messages[0]
    assert counts(store) == before
    store.close()


def test_a_submission_that_fails_half_way_leaves_nothing_behind(store_url, check_pool, monkeypatch):
    store = seeded(store_url)
    fas = principal(store, "fas_rilau")
    submit_many(store, check_pool, fas, [(VILLAGE.name, VILLAGE.read_bytes())], "id")
    before = counts(store)

    def failing_insert(table):  # the last write of the transaction, the audit entry, fails
        if table is AuditEntry:
            raise RuntimeError("disk full")
        return plain_insert(table)

    plain_insert = submissions.insert
    monkeypatch.setattr(submissions, "insert", failing_insert)
    changed = VILLAGE.read_bytes() + b"\n# versi baru\n"
    with pytest.raises(RuntimeError):
        submit_many(store, check_pool, fas, [(VILLAGE.name, changed)], "id")
    assert counts(store) == before
    with store.reading() as db:
        assert db.get(Blob, hashlib.sha256(changed).hexdigest()) is None
        assert db.scalar(select(Subject.versions).where(Subject.code == "73.02.05.2012")) == 1
        assert db.get(Subject, "73.02.05.2012").latest.version == 1
    store.close()


def test_the_dashboard_queries_give_the_rows_of_each_scope_and_filter(store_url, check_pool):
    """The statements built once (scope and filter values as parameters) on each database: every scope
    and filter combination gives what a reading of the stored rows gives."""
    store = seeded(store_url)
    submit_many(store, check_pool, principal(store, "admin"), [(p.name, p.read_bytes()) for p in sample_files()], "id")
    with store.reading() as db:
        latest = db.execute(queries.latest(None).order_by(Subject.kecamatan, Subject.code)).all()
        unmet = {(f.submission_id, f.rule, f.severity) for f in db.scalars(select(StoredFinding).where(StoredFinding.state.in_(UNMET)))}
    assert {subject.kecamatan for subject, _ in latest} == {RILAU}  # the samples: one kecamatan
    wajib = [sub.id for _, sub in latest if sub.verdict == "WAJIB"]
    rule, severity = next((r, v) for s, r, v in sorted(unmet) if s in wajib and v == "warning")  # of some WAJIB villages only
    cases = [(None, queries.Filters()), (frozenset([RILAU]), queries.Filters(severity="error")), (frozenset([KINDANG]), queries.Filters()),
             (frozenset(), queries.Filters()), (None, queries.Filters(kecamatan=RILAU, verdict="WAJIB", rule=rule, severity=severity)),
             (None, queries.Filters(rule="BA-04")), (None, queries.Filters(verdict="BUKAN_PARTISIPAN")),
             (None, queries.Filters(kecamatan=KINDANG)), (frozenset([KINDANG, RILAU]), queries.Filters(verdict="WAJIB"))]

    def wanted(subject, submission, scope, filters) -> bool:
        finding = not (filters.rule or filters.severity) or any(
            s == submission.id and filters.rule in (None, r) and filters.severity in (None, v) for s, r, v in unmet)
        return ((scope is None or subject.kecamatan in scope) and filters.kecamatan in (None, subject.kecamatan)
                and filters.verdict in (None, submission.verdict) and finding)

    with store.connect() as db:
        for scope, filters in cases:
            expected = [subject.code for subject, submission in latest if wanted(subject, submission, scope, filters)]
            assert [row.code for row in queries.filtered(db, scope, filters)] == expected, (scope, filters)
        assert queries.filtered(db, None, queries.Filters(), limit=2) == queries.filtered(db, None, queries.Filters())[:2]
        whole, rilau, none = (queries.kecamatan_rows(db, scope) for scope in (None, frozenset([RILAU]), frozenset()))
        villages = [submission for subject, submission in latest if subject.kind == "desa"]
        assert whole == rilau and none == [] and [r.kode for r in whole] == [RILAU]
        assert (whole[0].villages, whole[0].compliant) == (len(villages), sum(v.errors == 0 for v in villages))
    store.close()


def test_findings_are_stored_per_result_and_a_result_without_any_adds_no_row(store_url, check_pool):
    store = seeded(store_url)
    submit_many(store, check_pool, principal(store, "fas_rilau"), [(VILLAGE.name, VILLAGE.read_bytes())], "id")
    with store.reading() as db:
        submission_id = db.scalar(select(Submission.id))
    before = counts(store)["findings"]
    bare = ResultColumns("73.02.05.2012", "desa", "Desa", "Rilau Ale", "Bulukumba", "pti", None, 0, 0, [], None)
    found = dataclasses.replace(bare, findings=[("ELG-01", "desa", "fail", "error"), ("ELG-02", "desa", "pass", "error")])
    with store.writing() as db, db.begin():
        submissions.insert_findings(db, [(submission_id, bare)])  # an empty list would run INSERT ... DEFAULT VALUES and fail
        submissions.insert_findings(db, [(submission_id, found), (submission_id, bare)])
    assert counts(store)["findings"] == before + 2
    store.close()


def test_backup_and_restore_round_trip(store_url, check_pool, tmp_path):
    store = seeded(store_url)
    fas = principal(store, "fas_rilau")
    submit_many(store, check_pool, fas, [(VILLAGE.name, VILLAGE.read_bytes())], "id")
    saved = counts(store)
    store.close()
    data = tmp_path / "data"
    database = [] if store_url.startswith("sqlite") else ["--database", store_url]
    if store_url.startswith("sqlite"):
        data = tmp_path  # the SQLite file of store_url is in tmp_path
    backup = tmp_path / "cadangan.bak"
    done = CliRunner().invoke(main, ["server", "backup", "--data", str(data), *database, "-o", str(backup)])
    assert done.exit_code == 0, done.output
    refused = CliRunner().invoke(main, ["server", "backup", "--data", str(data), *database, "-o", str(backup)])
    assert refused.exit_code != 0  # never over an existing file
    store = Store(store_url)
    submit_many(store, check_pool, fas, [(VILLAGE.name, VILLAGE.read_bytes() + b"\n# v2\n")], "id")
    assert counts(store) != saved
    store.close()
    done = CliRunner().invoke(main, ["server", "restore", "--data", str(data), *database, str(backup)])
    assert done.exit_code == 0, done.output
    store = Store(store_url)
    assert counts(store) == saved
    with store.reading() as db:
        assert db.get(Blob, hashlib.sha256(VILLAGE.read_bytes()).hexdigest()).data == VILLAGE.read_bytes()
    store.close()


def test_restore_refuses_a_file_that_is_not_a_backup(tmp_path):
    junk = tmp_path / "bukan.bak"
    junk.write_bytes(b"not a database at all" * 100)
    done = CliRunner().invoke(main, ["server", "restore", "--data", str(tmp_path), str(junk)])
    assert done.exit_code == 2 and "not a cek-integrasi SQLite backup" in done.output


def test_users_add_from_the_command_line(tmp_path):
    done = CliRunner().invoke(main, ["users", "add", "andi", "--role", "facilitator", "--kecamatan", RILAU, "--data", str(tmp_path)],
                              input="rahasia-andi\n")
    assert done.exit_code == 0, done.output
    short = CliRunner().invoke(main, ["users", "add", "budi", "--role", "admin", "--data", str(tmp_path)], input="pendek\n")
    assert short.exit_code == 2 and "terlalu pendek" in short.output
    lonely = CliRunner().invoke(main, ["users", "add", "citra", "--role", "facilitator", "--data", str(tmp_path)], input="rahasia-citra\n")
    assert lonely.exit_code == 2 and "kecamatan" in lonely.output
    from cek_integrasi.service.accounts import verify
    from cek_integrasi.service.store import User, database_url

    store = Store(database_url(tmp_path))
    with store.reading() as db:
        user = db.scalar(select(User).where(User.name == "andi"))
        assert user.kecamatan == [RILAU] and user.password_hash.startswith("$argon2")
        assert verify(user, "rahasia-andi") and not verify(user, "rahasia-budi")
        assert db.scalar(select(func.count()).select_from(User)) == 1
    store.close()


def test_active_waivers_apply_to_the_following_submissions_as_with_check(store_url, check_pool):
    from cek_integrasi.service import waiver_files

    store = seeded(store_url)
    example = ROOT / "docs" / "examples" / "pengecualian_rilau_ale.yaml"
    assert waiver_files.add(store, check_pool.packs, "rusak.yaml", b"pengecualian: [1]\n", "admin", "", "id")  # refused
    assert waiver_files.add(store, check_pool.packs, example.name, example.read_bytes(), "admin", "", "id") == []
    fas = principal(store, "fas_rilau")
    submit_many(store, check_pool, fas, [(p.name, p.read_bytes()) for p in sample_files()], "id")
    expected = cli_check(*map(str, sample_files()), "--waivers", str(example))
    waived = {(d["code"], f["rule"], f["subject"]) for d in expected["dossiers"] for f in d["findings"] if f["state"] == "waived"}
    assert waived
    with store.reading() as db:
        stored = {(s.code, f.rule, f.subject) for s in db.scalars(select(Submission)) for f in s.findings if f.state == "waived"}
        assert stored == waived
        assert db.scalar(select(func.count()).select_from(AuditEntry).where(AuditEntry.action == "waivers_added")) == 1
    with store.reading() as db:
        file_id = db.scalar(select(WaiverFile.id))
    assert waiver_files.deactivate(store, file_id, "admin", "")
    submit_many(store, check_pool, fas, [(VILLAGE.name, VILLAGE.read_bytes())], "id")
    assert waiver_files.active(store, check_pool.packs).waivers == []
    store.close()


def test_the_active_waivers_are_read_again_only_when_the_active_files_change(store_url, check_pool, monkeypatch):
    from cek_integrasi.service import waiver_files

    store = seeded(store_url)
    example = ROOT / "docs" / "examples" / "pengecualian_rilau_ale.yaml"
    kept, reads = waiver_files.ActiveWaivers(check_pool.packs), []
    original = waiver_files.read
    monkeypatch.setattr(waiver_files, "read", lambda files, packs: reads.append([n for n, _ in files]) or original(files, packs))
    assert kept.of(store).waivers == [] and kept.of(store).waivers == []
    assert reads == [[]]  # the store's files (none) read once
    assert waiver_files.add(store, check_pool.packs, example.name, example.read_bytes(), "admin", "", "id") == []
    reads.clear()
    first, again = kept.of(store), kept.of(store)
    assert first.waivers and again.waivers == first.waivers and again.files == {example.name: first.files[example.name]}
    assert reads == [[example.name], [example.name]]  # once alone (it still reads), once as the set: then kept
    with store.reading() as db:
        file_id = db.scalar(select(WaiverFile.id))
    assert waiver_files.deactivate(store, file_id, "admin", "")
    assert kept.of(store).waivers == []
    store.close()


def test_a_store_that_cannot_be_opened_or_found_is_a_plain_message(tmp_path):
    """A wrong --database or a mistyped --data: exit 2 in words, no traceback, nothing written."""
    unreachable = ["--data", str(tmp_path), "--database", "postgresql://nobody@127.0.0.1:1/tidak_ada"]
    added = CliRunner().invoke(main, ["users", "add", "andi", "--role", "admin", *unreachable], input="rahasia-andi\n")
    assert added.exit_code == 2 and "penyimpanan layanan tidak dapat dibuka" in added.output
    assert "Traceback" not in added.output and isinstance(added.exception, SystemExit)  # exited, did not raise
    rechecked = CliRunner().invoke(main, ["server", "recheck", "--jobs", "1", *unreachable])  # its workers already started
    assert rechecked.exit_code == 2 and "penyimpanan layanan tidak dapat dibuka" in rechecked.output
    assert isinstance(rechecked.exception, SystemExit)
    backup = tmp_path / "cadangan.bak"
    typo = CliRunner().invoke(main, ["server", "backup", "--data", str(tmp_path / "salah_ketik"), "-o", str(backup)])
    assert typo.exit_code == 2 and "tidak ada penyimpanan layanan" in typo.output
    assert not backup.exists() and not (tmp_path / "salah_ketik").exists()


def test_a_waiver_file_that_no_longer_reads_is_left_out_not_fatal(store_url):
    """A newer pack without a rule a stored waiver names: that file is skipped, checks go on."""
    from cek_integrasi.packs.rulepack import load_pack
    from cek_integrasi.service import waiver_files

    store = seeded(store_url)
    example = ROOT / "docs" / "examples" / "pengecualian_rilau_ale.yaml"
    assert waiver_files.add(store, [load_pack("pti")], example.name, example.read_bytes(), "admin", "", "id") == []
    assert waiver_files.active(store, [load_pack("pti")]).waivers  # read with the pack it was written for
    assert waiver_files.active(store, [load_pack("uu-desa")]).waivers == []  # its rule ids are not in that pack
    store.close()
