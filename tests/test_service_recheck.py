"""Re-checks on SQLite and PostgreSQL: stale results re-evaluated, what changed recorded, nothing redone twice,
and the village page's history of versions and re-check changes."""

from __future__ import annotations

import datetime as dt
import json
import re

from click.testing import CliRunner
from servicekit import SAMPLES, check_pool, login, make_app, pg_server, principal, seeded, store_url, upload  # noqa: F401
from sqlalchemy import select, update
from sqlalchemy.orm import undefer

from cek_integrasi.cli import main
from cek_integrasi.service.recheck import recheck
from cek_integrasi.service.store import AuditEntry, ResultChange, Setting, Store, Subject, Submission
from cek_integrasi.service.submissions import submit_many
from cek_integrasi.service.runtime import service

TERTUNDA = SAMPLES / "rilau_ale" / "07_bonto_kamase_tertunda.yaml"  # no APB Desa: GOV-01 pending before its plan year 2013
LENGKAP = SAMPLES / "rilau_ale" / "01_bonto_bangun_lengkap.yaml"


def _store_with(store_url, pool, as_of: str):
    store = seeded(store_url)
    with store.writing() as db, db.begin():
        db.get(Setting, "as_of").value = as_of
    fas = principal(store, "fas_rilau")
    submit_many(store, pool, fas, [(p.name, p.read_bytes()) for p in (TERTUNDA, LENGKAP)], "id")
    return store


def _latest(store, name: str) -> Submission:
    with store.reading() as db:
        return db.scalars(select(Submission).options(undefer(Submission.result)).join(Subject, Subject.latest_id == Submission.id)
                          .where(Submission.filename == name)).one()


def _findings(store, name: str) -> set[tuple[str, str]]:
    with store.reading() as db:
        submission = db.get(Submission, _latest(store, name).id)
        return {(f.rule, f.state) for f in submission.findings}


def test_a_recheck_across_the_date_a_pending_step_becomes_due_records_the_new_error(store_url, check_pool, tmp_path):
    store = _store_with(store_url, check_pool, "2012-12-20")
    before = _latest(store, TERTUNDA.name)
    assert ("GOV-01", "pending") in _findings(store, TERTUNDA.name) and before.errors == 2
    assert len(before.pack_digest) == 64 and len(before.waivers_digest) == 64
    store.close()

    run = CliRunner().invoke(main, ["server", "recheck", "--data", str(tmp_path), "--database", store_url, "--as-of", "2013-02-01", "--jobs", "1"])
    assert run.exit_code == 0, run.output
    assert "2 stale, 2 re-checked, 1 changed, 0 failed" in run.output

    store = Store(store_url)
    after = _latest(store, TERTUNDA.name)
    assert after.id == before.id and after.version == 1  # the same version, judged again
    assert str(after.as_of) == "2013-02-01" and after.errors == 3
    assert ("GOV-01", "fail") in _findings(store, TERTUNDA.name) and ("GOV-01", "pending") not in _findings(store, TERTUNDA.name)
    assert '"GOV-01"' in after.result and "2013" in after.result
    with store.reading() as db:
        changes = db.scalars(select(ResultChange)).all()
        assert len(changes) == 1
        change = changes[0]
        assert (change.code, str(change.as_of_before), str(change.as_of_after)) == (after.code, "2012-12-20", "2013-02-01")
        assert (change.errors_before, change.errors_after) == (2, 3)
        assert ["GOV-01", "desa", "fail"] in [[r, s.split(":")[0], st] for r, s, st in change.appeared]
        assert ["GOV-01", "desa", "pending"] in [[r, s.split(":")[0], st] for r, s, st in change.gone]
        detail = json.loads(db.scalars(select(AuditEntry.detail).where(AuditEntry.action == "rechecked")).one())
        assert (detail["as_of"], detail["rechecked"]) == ("2013-02-01", 2)
    store.close()

    again = CliRunner().invoke(main, ["server", "recheck", "--data", str(tmp_path), "--database", store_url, "--as-of", "2013-02-01", "--jobs", "1"])
    assert again.exit_code == 0 and "0 stale, 0 re-checked, 0 changed" in again.output  # the same day: nothing redone


def test_only_results_of_a_changed_pack_or_changed_waivers_are_redone(store_url, check_pool):
    store = _store_with(store_url, check_pool, "2013-02-01")
    assert recheck(store, check_pool).stale == 0  # just checked on the kabupaten's date
    with store.writing() as db, db.begin():
        db.execute(update(Submission).where(Submission.filename == LENGKAP.name).values(pack_digest="0" * 64))
    summary = recheck(store, check_pool)
    assert (summary.stale, summary.rechecked, summary.changed) == (1, 1, 0)  # same findings: nothing recorded
    assert _latest(store, LENGKAP.name).pack_digest == check_pool.pack("pti").digest
    assert recheck(store, check_pool).stale == 0
    with store.reading() as db:
        assert db.scalars(select(ResultChange)).all() == []
    store.close()


def _history(page: str) -> list[tuple[str, str, str, str, str]]:
    """The history table's lines: (class, version, verdict, errors, warnings), top to bottom."""
    rows = re.findall(r'<tr class="state (\w+)" data-version="(\d+)">.*?</td>\s*<td>.*?</td>\s*<td><a [^>]*>v\d+</a></td>'
                      r'<td>([^<]*)</td>\s*<td class="num">([^<]*)</td><td class="num">([^<]*)</td>', page, re.S)
    return [tuple(r) for r in rows]


def test_the_village_page_shows_its_versions_as_first_stored_and_each_recheck_change(store_url, check_pool, tmp_path):
    app = make_app(store_url, tmp_path, check_pool)
    store = service(app).store
    with store.writing() as db, db.begin():
        db.get(Setting, "as_of").value = "2012-12-20"
    fas = app.test_client()
    login(fas, "fas_rilau")
    for _ in range(2):
        assert "tidak disimpan" not in upload(fas, TERTUNDA).get_data(as_text=True)
    assert recheck(store, check_pool, as_of=dt.date(2013, 2, 1)).changed == 1  # GOV-01 due: pending -> fail on version 2
    code = _latest(store, TERTUNDA.name).code

    page = fas.get(f"/desa/{code}").get_data(as_text=True)
    assert "Riwayat versi dan status" in page
    unmet = "BELUM MEMENUHI syarat"
    assert _history(page) == [("recheck", "2", unmet, "2 → 3", "0"),  # newest first
                              ("submitted", "2", unmet, "2", "0"),  # as first stored, not the re-checked 3 errors
                              ("submitted", "1", unmet, "2", "0")]
    assert page.count("Dikirim oleh fas_rilau") == 2 and page.count(TERTUNDA.name) >= 2
    recheck_row = page[page.index('<tr class="state recheck"'):page.index('<tr class="state submitted"')]
    assert "Diperiksa ulang per 1 Februari 2013 (sebelumnya per 20 Desember 2012)" in recheck_row
    moves = re.findall(r'<li class="move" data-rule="([^"]+)" data-subject="[^"]*" data-before="(\w*)" data-after="(\w*)">([^<]*)</li>', recheck_row)
    gov = [m for m in moves if m[0] == "GOV-01"]
    assert [m[1:3] for m in gov] == [("pending", "fail")] and "APB Desa ditetapkan untuk tahun rencana" in gov[0][3]
    assert "menunggu → gagal" in gov[0][3]

    english = fas.get(f"/desa/{code}?lang=en").get_data(as_text=True)
    assert "Version history and states" in english and "Submitted by fas_rilau" in english
    assert [line[:2] for line in _history(english)] == [("recheck", "2"), ("submitted", "2"), ("submitted", "1")]
    assert "Re-checked as of 1 February 2013 (before: as of 20 December 2012)" in english and "pending → fail" in english

    api = fas.get(f"/api/desa/{code}/versi").get_json()  # the API serves the same rows
    assert [v["version"] for v in api["versions"]] == [2, 1]
    assert [(r["version"], r["errors_before"], r["errors_after"]) for r in api["rechecks"]] == [(2, 2, 3)]
    assert recheck(store, check_pool, as_of=dt.date(2012, 12, 20)).changed == 1  # and back: a second change of version 2
    assert _history(fas.get(f"/desa/{code}?lang=id").get_data(as_text=True)) == [
        ("recheck", "2", unmet, "3 → 2", "0"), ("recheck", "2", unmet, "2 → 3", "0"),
        ("submitted", "2", unmet, "2", "0"), ("submitted", "1", unmet, "2", "0")]  # still as first stored: before the first change
    other = app.test_client()
    login(other, "fas_kindang")
    assert other.get(f"/desa/{code}").status_code == 404 and other.get(f"/desa/{code}?versi=1&lang=en").status_code == 404
    store.close()


def _stalls_on_marked_files(files, request):
    """A worker task that never ends for a file asking for it (a crafted file), the real check otherwise."""
    import time

    from cek_integrasi.evaluation.workers import check_task

    if any(b"# tidur" in data for _, data in files):
        time.sleep(600)
    return check_task(files, request)


def test_a_file_that_stalls_its_recheck_keeps_its_old_result_and_the_others_are_rechecked(store_url, check_pool):
    from cek_integrasi.packs.rulepack import load_packs
    from cek_integrasi.evaluation.pool import Pool

    store = seeded(store_url)
    fas = principal(store, "fas_rilau")
    files = [(TERTUNDA.name, TERTUNDA.read_bytes() + b"\n# tidur\n"), (LENGKAP.name, LENGKAP.read_bytes())]
    stalled, fine = submit_many(store, check_pool, fas, files, "id")
    before = _latest(store, TERTUNDA.name)
    stalling = Pool(load_packs(), jobs=1, timeout=3, task=_stalls_on_marked_files)
    try:
        summary = recheck(store, stalling, as_of=dt.date(2014, 9, 1))
    finally:
        stalling.close()
    assert (summary.stale, summary.rechecked, summary.failed) == (2, 1, [stalled.code])
    after = _latest(store, TERTUNDA.name)
    assert (after.as_of, after.result) == (before.as_of, before.result)  # its old result, still stale
    assert str(_latest(store, LENGKAP.name).as_of) == "2014-09-01"
    assert recheck(store, check_pool, as_of=dt.date(2014, 9, 1)).rechecked == 1  # tried again next time
    store.close()
