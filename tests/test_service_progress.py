"""Compliance over time, on SQLite and PostgreSQL: week by week from the versions and the re-checks,
on the dashboard and as a sheet of the XLSX report."""

from __future__ import annotations

import datetime as dt
import io

import openpyxl
from printing import assert_prints
from servicekit import KINDANG, RILAU, SAMPLES, check_pool, login, make_app, pg_server, principal, seeded, store_url  # noqa: F401
from sqlalchemy import update

from cek_integrasi.service import progress
from cek_integrasi.service.recheck import recheck
from cek_integrasi.service.store import ResultChange, Setting, Submission, utcnow
from cek_integrasi.service.submissions import submit_many
from cek_integrasi.service.runtime import service

RILAU_ALE = SAMPLES / "rilau_ale"
# file, when it was submitted; 08 has no APB Desa: GOV-01 pending in December 2012, an error from January 2013
SUBMITTED = (("01_bonto_bangun_lengkap.yaml", dt.datetime(2012, 12, 4, 10)),
             ("08_bonto_haru_baru_pkd.yaml", dt.datetime(2012, 12, 12, 9)),
             ("05_batu_lappa_banyak_masalah.yaml", dt.datetime(2012, 12, 19, 15)))


def _fill(store, pool) -> None:
    with store.writing() as db, db.begin():
        db.get(Setting, "as_of").value = "2012-12-20"
    fas = principal(store, "fas_rilau")
    for name, when in SUBMITTED:
        submit_many(store, pool, fas, [(name, (RILAU_ALE / name).read_bytes())], "id")
        with store.writing() as db, db.begin():
            db.execute(update(Submission).where(Submission.filename == name).values(submitted_at=when))
    assert recheck(store, pool, as_of=dt.date(2013, 2, 1)).changed >= 1
    with store.writing() as db, db.begin():
        db.execute(update(ResultChange).values(at=dt.datetime(2012, 12, 27, 6)))


def test_week_by_week_from_the_versions_and_the_rechecks(store_url, check_pool):
    store = seeded(store_url)
    _fill(store, check_pool)
    with store.reading() as db:
        weeks = progress.weekly(db, None, dt.date(2012, 12, 31))
        assert progress.weekly(db, frozenset({"73.02.08"}), dt.date(2012, 12, 31)).weeks == []
    assert weeks.weeks == [dt.date(2012, 12, 3), dt.date(2012, 12, 10), dt.date(2012, 12, 17), dt.date(2012, 12, 24), dt.date(2012, 12, 31)]
    whole = weeks.rows[None]
    assert [(w.villages, w.without_errors) for w in whole] == [(1, 1), (2, 2), (3, 2), (3, 1), (3, 1)]
    assert [round(w.share, 3) for w in whole] == [1.0, 1.0, 0.667, 0.333, 0.333]
    assert whole[2].verdicts == {"WAJIB": 2, "BELUM_MEMENUHI": 1}
    assert weeks.kecamatan == [RILAU] and [w.without_errors for w in weeks.rows[RILAU]] == [1, 2, 2, 1, 1]
    header, rows = progress.table(weeks, {RILAU: "Rilau Ale"})
    assert header[-1] == f"Rilau Ale ({RILAU})" and rows[3][:4] == [dt.date(2012, 12, 24), 3, 1, 1 / 3]
    store.close()


def test_the_dashboard_and_the_xlsx_report_show_the_weeks(check_pool, tmp_path):
    app = make_app(f"sqlite:///{tmp_path}/s.sqlite3", tmp_path, check_pool)
    _fill(service(app).store, check_pool)
    client = app.test_client()
    login(client, "supervisor")
    page = client.get("/").get_data(as_text=True)
    assert 'id="progress-chart"' in page and "Kepatuhan per minggu" in page
    last = page[page.rindex('<tr class="week"'):]
    assert '<td class="num">3</td><td class="num">1</td><td class="num share">33</td>' in last
    book = openpyxl.load_workbook(io.BytesIO(client.get("/laporan/kabupaten.xlsx").data))
    sheet = book["Kepatuhan mingguan"]
    assert [c.value for c in sheet[1]][:7] == ["Minggu mulai", "Desa", "Tanpa kesalahan", "Persentase tanpa kesalahan",
                                               "WAJIB integrasi", "BELUM MEMENUHI syarat", "BUKAN peserta PNPM-MPd"]
    final = [c.value for c in sheet[sheet.max_row]]
    assert final[1:4] == [3, 1, 1 / 3] and sheet.cell(sheet.max_row, 4).number_format == "0.0%"
    for every in book.worksheets:
        assert_prints(every)
    assert sheet.max_row == 1 + progress.MAX_WEEKS  # the store's weeks of 2012 lie beyond the last 60 weeks: these show the latest state


def test_the_kept_weekly_progress_is_the_computed_one_after_every_new_version_and_recheck(store_url, check_pool, monkeypatch):
    store = seeded(store_url)
    today = utcnow().date()  # the overview's day (the store's times are UTC): the weeks before are kept, this week counted afresh
    with store.reading() as db:
        assert progress.WeeklyCache().weekly(db, None, today) == progress.Progress([], {})
    _fill(store, check_pool)  # versions and re-checks dated in the past (the service dates them when they happen)
    cache = progress.WeeklyCache(size=2)
    computed = []
    monkeypatch.setattr(progress, "weekly", lambda *args, original=progress.weekly: computed.append(args[1:]) or original(*args))

    def both(scope=None):
        with store.reading() as db:
            return cache.weekly(db, scope, today), progress.weekly(db, scope, today)

    kept, fresh = both()
    assert kept == fresh and kept.rows[None][-1].villages == 3 and len(kept.weeks) == progress.MAX_WEEKS
    kept, fresh = both(frozenset({RILAU}))
    assert kept == fresh and kept.rows[RILAU][-1].villages == 3
    fas = principal(store, "fas_rilau")
    submit_many(store, check_pool, fas, [("02.yaml", (RILAU_ALE / "02_bulo_lohe_kaur_kosong.yaml").read_bytes())], "id")
    kept, fresh = both()
    assert kept == fresh and kept.rows[None][-1].villages == 4
    recheck(store, check_pool, as_of=dt.date(2014, 3, 1))
    kept, fresh = both()
    assert kept == fresh
    # the weeks gone by were worked out once per scope: later visits counted this week only
    assert [scope for scope, day in computed if day != today] == [None, frozenset({RILAU})]
    both(frozenset({KINDANG}))  # a third scope in a cache of two: the one used least recently (Rilau) goes
    both()
    both(frozenset({RILAU}))
    assert [scope for scope, day in computed if day != today] == [None, frozenset({RILAU}), frozenset({KINDANG}), frozenset({RILAU})]
    store.close()
