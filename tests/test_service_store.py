"""The service's store, on SQLite and on PostgreSQL: migrations, submissions with history, refusals,
one transaction per submission, the audit log, backup and restore."""

from __future__ import annotations

import hashlib
import json

import pytest
from click.testing import CliRunner
from servicekit import AS_OF, KINDANG, RILAU, ROOT, check_pool, pg_server, principal, sample_files, seeded, store_url  # noqa: F401
from sqlalchemy import func, inspect, select, text

from cek_integrasi.cli import main
from cek_integrasi.service import submissions
from cek_integrasi.service.store import AuditEntry, Blob, Store, StoredFinding, Subject, Submission, WaiverFile
from cek_integrasi.service.submissions import Accepted, Refused, submit_many

VILLAGE = sample_files()[5]  # 05_batu_lappa_banyak_masalah.yaml


def counts(store: Store) -> dict[str, int]:
    with store.reading() as db:
        return {model.__tablename__: db.scalar(select(func.count()).select_from(model))
                for model in (Submission, Blob, StoredFinding, Subject, AuditEntry)}


def cli_check(path, *args) -> dict:
    done = CliRunner().invoke(main, ["check", str(path), "--format", "json", "--as-of", AS_OF, *args])
    return json.loads(done.output)


def test_migrations_make_every_table_and_run_again_harmlessly(store_url):
    store = Store(store_url)
    store.close()
    store = Store(store_url)  # a second start migrates nothing
    with store.engine.connect() as connection:
        assert connection.scalar(text("select version_num from alembic_version")) == "0007"
        tables = set(inspect(connection).get_table_names())
    assert {"users", "sessions", "kecamatan", "blobs", "subjects", "submissions", "findings", "audit", "settings", "waiver_files", "result_changes", "api_tokens", "waiver_requests", "screening_rounds"} <= tables
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
        stored = json.loads(versions[0].result_id)
        assert [(f["rule"], f["subject"], f["state"]) for f in stored["findings"]] == [
            (f["rule"], f["subject"], f["state"]) for f in expected["findings"]]
        assert stored["file"] == VILLAGE.name
        rows = db.scalars(select(StoredFinding).where(StoredFinding.submission_id == versions[0].id)).all()
        assert sorted((f.rule, f.subject) for f in rows) == sorted((f["rule"], f["subject"]) for f in expected["findings"])
        english = json.loads(versions[0].result_en)
        assert english["findings"][0]["message"] != stored["findings"][0]["message"]
        audit = db.scalars(select(AuditEntry).where(AuditEntry.action == "submitted")).all()
        assert len(audit) == len(files) + 1 and all(a.user == "fas_rilau" for a in audit)
        assert f"{expected['code']} v2 {VILLAGE.name} sha256:{sha}" in [a.detail for a in audit]
    store.close()


def test_a_kecamatan_dossier_is_checked_with_the_villages_of_the_store(store_url, check_pool):
    store = seeded(store_url)
    fas = principal(store, "fas_rilau")
    submit_many(store, check_pool, fas, [(p.name, p.read_bytes()) for p in sample_files()], "id")
    expected = cli_check(sample_files()[0].parent)  # the whole kecamatan, as `check` does it
    kecamatan = next(d for d in expected["dossiers"] if d["kind"] == "kecamatan")
    with store.reading() as db:
        stored = json.loads(db.get(Subject, RILAU).latest.result_id)
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

    def broken_audit(**_):  # the last write of the transaction fails
        raise RuntimeError("disk full")

    monkeypatch.setattr(submissions, "AuditEntry", broken_audit)
    changed = VILLAGE.read_bytes() + b"\n# versi baru\n"
    with pytest.raises(RuntimeError):
        submit_many(store, check_pool, fas, [(VILLAGE.name, changed)], "id")
    assert counts(store) == before
    with store.reading() as db:
        assert db.get(Blob, hashlib.sha256(changed).hexdigest()) is None
        assert db.scalar(select(Subject.versions).where(Subject.code == "73.02.05.2012")) == 1
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
    assert waiver_files.active(store, check_pool.pack).waivers == []
    store.close()


def test_a_store_that_cannot_be_opened_or_found_is_a_plain_message(tmp_path):
    """A wrong --database or a mistyped --data: exit 2 in words, no traceback, nothing written."""
    unreachable = ["--data", str(tmp_path), "--database", "postgresql://nobody@127.0.0.1:1/tidak_ada"]
    added = CliRunner().invoke(main, ["users", "add", "andi", "--role", "admin", *unreachable], input="rahasia-andi\n")
    assert added.exit_code == 2 and "penyimpanan layanan tidak dapat dibuka" in added.output
    assert "Traceback" not in added.output and isinstance(added.exception, SystemExit)  # exited, did not raise
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
