"""Screening rounds in the service, on SQLite and PostgreSQL: a roster screened as `screen` does, the next
round from the store's villages, and the comparison with the previous round."""

from __future__ import annotations

import datetime as dt
import functools
import json
import re

from click.testing import CliRunner
from servicekit import AS_OF, ROOT, check_pool, pg_server, principal, sample_files, seeded, store_url  # noqa: F401

from cek_integrasi.cli import main
from cek_integrasi.service import screening_rounds
from cek_integrasi.service.submissions import submit_many

ROSTER = ROOT / "samples" / "roster_kabupaten_bulukumba.csv"


def _roster_without(code: str) -> bytes:
    """The sample roster with one village no longer a PNPM-MPd participant."""
    lines = ROSTER.read_text("utf-8").splitlines()
    changed = [line.replace(",ya,", ",tidak,", 1) if line.startswith(code + ",") else line for line in lines]
    assert changed != lines
    return ("\n".join(changed) + "\n").encode("utf-8")


def latest_round(store, scope):
    with store.connect() as db:
        return screening_rounds.latest(db, functools.partial(screening_rounds.round_counts, store), scope)


def test_rounds_from_a_roster_and_from_the_store_compared_with_the_previous(store_url, check_pool, tmp_path):
    store = seeded(store_url)
    as_of = dt.date.fromisoformat(AS_OF)
    assert latest_round(store, None) is None  # no round: nothing for the dashboard to show
    first = screening_rounds.from_roster(store, check_pool, ROSTER.name, ROSTER.read_bytes(), as_of, "admin")
    assert latest_round(store, None) == screening_rounds.Latest(first, as_of, ROSTER.name, None, 0, 0, 0)
    row, report, previous, previous_id = screening_rounds.load(store, check_pool.packs, first, "id")
    assert previous is None and row.source == ROSTER.name
    expected = json.loads(CliRunner().invoke(main, ["screen", str(ROSTER), "--as-of", AS_OF, "--format", "json"]).output)
    assert [(v.kode, v.verdict, [f.rule for f in v.unmet]) for v in report.villages] == [
        (v["kode"], v["verdict"], [f["rule"] for f in v["unmet"]]) for v in expected["villages"]]

    wajib = next(v.kode for v in report.villages if v.verdict == "WAJIB")
    second = screening_rounds.from_roster(store, check_pool, "daftar_baru.csv", _roster_without(wajib), as_of, "admin")
    _, now, before, before_id = screening_rounds.load(store, check_pool.packs, second, "id")
    compared = screening_rounds.compare(now, before, before_id)
    assert before_id == first and compared.became_wajib == []
    assert [(old.kode, new.verdict) for old, new in compared.dropped_out] == [(wajib, "BUKAN_PARTISIPAN")]
    unmet = [v.kode for v in report.villages if v.verdict == "BELUM_MEMENUHI"]
    assert unmet and [v.kode for v in compared.still_unmet] == unmet and all(v.unmet for v in compared.still_unmet)
    assert latest_round(store, None) == screening_rounds.Latest(second, as_of, "daftar_baru.csv", first, 0, 1, len(unmet))
    elsewhere = frozenset({wajib.rsplit(".", 1)[0]})  # the dropped village's kecamatan, and one without it
    assert latest_round(store, elsewhere).dropped_out == 1
    assert latest_round(store, elsewhere).still_unmet == sum(v.kode.startswith(min(elsewhere) + ".") for v in compared.still_unmet)
    assert latest_round(store, frozenset({"99.99.99"})) == screening_rounds.Latest(second, as_of, "daftar_baru.csv", first, 0, 0, 0)

    submit_many(store, check_pool, principal(store, "fas_rilau"), [(p.name, p.read_bytes()) for p in sample_files()], "id")
    third = screening_rounds.from_store(store, check_pool, "admin")
    _, stored, before, _ = screening_rounds.load(store, check_pool.packs, third, "en")
    cli = json.loads(CliRunner().invoke(main, ["check", *map(str, sample_files()), "--as-of", AS_OF, "--format", "json"]).output)
    assert {(v.kode, v.verdict) for v in stored.villages} == {(d["code"], d["verdict"]) for d in cli["dossiers"] if d["kind"] == "desa"}
    assert stored.as_of == AS_OF and stored.lang == "en"
    compared = screening_rounds.compare(stored, before)
    in_store = {s.kode for s in stored.villages}
    assert {v.kode for v in compared.only_previous} == {v.kode for v in before.villages if v.kode not in in_store}
    assert len(compared.only_previous) > 24 and compared.only_current == []  # the roster's other villages: named, not compared
    assert {old.kode for old, _ in compared.dropped_out} <= in_store and all(new.verdict != "WAJIB" for _, new in compared.dropped_out)
    assert [r.id for r in screening_rounds.rounds(store)] == [third, second, first]
    latest = latest_round(store, None)
    assert (latest.round, latest.source, latest.previous) == (third, "", second)
    assert (latest.became_wajib, latest.dropped_out, latest.still_unmet) == (
        len(compared.became_wajib), len(compared.dropped_out), len(compared.still_unmet))
    store.close()


def test_the_pages_and_the_api_show_a_round_within_the_scope_and_its_comparison(check_pool, tmp_path):
    from servicekit import RILAU, csrf, login, make_app, upload

    app = make_app(f"sqlite:///{tmp_path}/s.sqlite3", tmp_path, check_pool)
    supervisor = app.test_client()
    login(supervisor, "supervisor")
    assert 'id="latest-round"' not in supervisor.get("/").get_data(as_text=True)  # no round yet: no box
    token = csrf(supervisor.get("/penyaringan").get_data(as_text=True))
    with open(ROSTER, "rb") as handle:
        sent = supervisor.post("/penyaringan", data={"roster": (handle, ROSTER.name), "tanggal": AS_OF, "csrf_token": token},
                               content_type="multipart/form-data")
    assert sent.status_code == 302 and sent.headers["Location"].endswith("/penyaringan/1")
    overview = supervisor.get("/").get_data(as_text=True)
    assert 'id="latest-round" data-round="1"' in overview and "belum ada putaran sebelumnya" in overview and 'id="round-became"' not in overview
    bad = supervisor.post("/penyaringan", data={"roster": (__import__("io").BytesIO(b"foo;bar\n1;2\n"), "rusak.csv"), "csrf_token": token},
                          content_type="multipart/form-data")
    assert bad.status_code == 400 and 'id="error"' in bad.get_data(as_text=True)
    fas = app.test_client()
    login(fas, "fas_rilau")
    upload(fas, *sample_files())
    assert supervisor.post("/penyaringan", data={"dari": "data", "csrf_token": token}).headers["Location"].endswith("/penyaringan/2")
    page = supervisor.get("/penyaringan/2").get_data(as_text=True)
    assert "Dibandingkan dengan putaran #1" in page and page.count('class="village"') == 9
    dropped = page[page.index('id="dropped-out"'):]
    dropped = dropped[:dropped.index("</ul>")]
    assert "73.02.02.2001" not in dropped  # Gantarang's villages are not in this round: not compared, named apart
    assert '<li data-kode="73.02.02.2001">' in page[page.index('id="only-previous"'):]
    assert "Tidak dibandingkan: disaring di putaran #1, tidak di putaran ini" in page
    for code in ("BELUM_MEMENUHI", "BUKAN_PARTISIPAN", ">WAJIB<"):  # verdicts by their labels, codes only in attributes
        assert code not in re.sub(r'data-[a-z]+="[^"]*"', "", page), code
    assert "BELUM MEMENUHI syarat" in page and "WAJIB integrasi" in page
    mine = fas.get("/penyaringan/1").get_data(as_text=True)
    assert mine.count('class="village"') == 11 and "73.02.02.2001" not in mine  # only Rilau Ale's rows of the roster
    api = fas.get("/api/penyaringan/2").get_json()
    assert api["source"] == "store" and api["compared_with"]["round"] == 1
    assert all(v["kode"].startswith(RILAU + ".") for v in api["screening"]["villages"]) and len(api["screening"]["villages"]) == 9
    assert all(k.startswith(RILAU + ".") for k in api["compared_with"]["dropped_out"])
    assert fas.get("/api/penyaringan/99").status_code == 404

    for client in (supervisor, fas):  # the dashboard's box: the same comparison, counted within each one's scope
        compared = client.get("/api/penyaringan/2").get_json()["compared_with"]
        counts = [len(compared[k]) for k in ("became_wajib", "dropped_out", "still_unmet")]
        for lang, words in (("id", "Dibandingkan dengan putaran #1"), ("en", "Compared with round #1")):
            overview = client.get(f"/?lang={lang}").get_data(as_text=True)
            box = overview[overview.index('<div class="box" id="latest-round" data-round="2">'):]
            box = box[:box.index("</div>")]
            assert words in box and 'href="/penyaringan/2"' in box
            shown = [int(re.search(rf'id="round-{k}">(\d+)<', box).group(1)) for k in ("became", "dropped", "still")]
            assert shown == counts
        if client is supervisor:
            whole = counts
    assert counts[1] <= whole[1] and counts[1] == len(api["compared_with"]["dropped_out"])  # the facilitator: Rilau Ale's villages only
    mine, theirs = (c.get("/api/penyaringan/2").get_json()["compared_with"]["only_previous"] for c in (fas, supervisor))
    assert 0 < len(mine) < len(theirs) and all(k.startswith(RILAU + ".") for k in mine)  # not compared, each within its scope


def test_a_screening_in_a_worker_never_uses_the_waivers_of_the_worker_s_last_check():
    """Waivers are given with each check, never kept by a worker: a roster screened in the worker that just checked a
    dossier with a waiver of one of its villages' unmet rules still lists that rule as unmet."""
    from cek_integrasi.evaluation.pool import Pool
    from cek_integrasi.evaluation.waivers import LoadedWaiver, Waiver, WaiverSet
    from cek_integrasi.evaluation.workers import Request
    from cek_integrasi.packs.facts import Context
    from cek_integrasi.packs.rulepack import load_packs
    from cek_integrasi.screening.report import screening_in
    from cek_integrasi.screening.roster import read_roster, screen

    as_of, raw = dt.date.fromisoformat(AS_OF), ROSTER.read_bytes()
    with Pool(load_packs(), jobs=1) as pool:
        pack, rows = pool.pack("pti"), read_roster(ROSTER.name, raw)
        before = screening_in(screen(pool, pack, ROSTER.name, raw, rows, as_of), pack, "id")
        village = next(v for v in before.villages if v.unmet)
        rule = village.unmet[0].rule
        waiver = Waiver(aturan=rule, kode=village.kode, alasan="uji", disetujui_oleh="admin", tanggal="2014-01-01", berlaku_sampai="2014-12-31")
        waived = WaiverSet(waivers=[LoadedWaiver(waiver, "w.yaml", 0)])
        [checked] = pool.check([(ROSTER.name.replace(".csv", ".yaml"), b"jenis: desa\n")], Request(Context(as_of=as_of), waived))
        assert checked.problems  # that check ran in the one worker, with the waiver
        after = screening_in(screen(pool, pack, ROSTER.name, raw, rows, as_of), pack, "id")
    screened = next(v for v in after.villages if v.kode == village.kode)
    assert rule in [f.rule for f in screened.unmet] and after.villages == before.villages
