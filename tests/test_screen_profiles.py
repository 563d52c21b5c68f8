"""Screening judges each distinct eligibility profile of a roster once (docs/roster.md): proved equal to
screening each row alone, whatever the rows' identities, and the ELG-only checker builds only what its rules read."""

from __future__ import annotations

import csv
import datetime as dt
import io
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from generators import NAMES
from cek_integrasi import i18n
from cek_integrasi.dossiers.model import DesaDossier
from cek_integrasi.dossiers.reading import Document
from cek_integrasi.evaluation import workers
from cek_integrasi.evaluation.evaluate import Checker
from cek_integrasi.packs.facts import Context
from cek_integrasi.packs.rulepack import load_packs
from cek_integrasi.screening import roster
from cek_integrasi.screening.report import screening_in

ROOT = Path(__file__).resolve().parents[1]
SAMPLE = ROOT / "samples" / "roster_kabupaten_bulukumba.csv"
AS_OF = dt.date(2014, 3, 1)
PACK = next(p for p in load_packs() if p.id == "pti")
HEADER = ["kode", "nama", "kecamatan", "peserta_pnpm", "kantor_ada", "kantor_layak", "sekdes", "sekdes_nama", "kaur", "kaur_terisi",
          "bpd_terbentuk"]


class InProcessPool:
    """The pool's `map` run in this process by a worker's checkers, one call at a time, recording what it was given."""

    def __init__(self):
        self.packs, self.calls = [PACK], []

    def map(self, function, calls):
        for args in calls:
            self.calls.append(args)
            yield function(*args)


@pytest.fixture(scope="module", autouse=True)
def worker():
    """This process as a worker of the pool (its checkers), for the module's tests."""
    kept = workers._worker
    workers._worker = workers.Worker([PACK], forced=False)
    yield
    workers._worker = kept


def roster_of(rows: list[dict[str, str]]) -> tuple[bytes, list]:
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=HEADER)
    writer.writeheader()
    writer.writerows(rows)
    raw = out.getvalue().encode("utf-8")
    return raw, roster.read_roster("daftar.csv", raw)


yes_no = st.sampled_from(["ya", "tidak", "Y", "0", "true", "TDK"])
kaur_item = st.builds(lambda name, post, status: f"{name} ({post}{status})", st.sampled_from(NAMES),
                      st.sampled_from(["Kaur Umum", "Kaur Keuangan", "Kaur Pemerintahan", "Kepala Dusun I"]), st.sampled_from(["", ", plt", ", pj"]))
profiles = st.fixed_dictionaries({
    "peserta_pnpm": yes_no, "kantor_ada": yes_no, "kantor_layak": yes_no | st.just("yaa"), "bpd_terbentuk": yes_no,
    "sekdes": st.sampled_from(["definitif", "plt", "pj", "kosong"]), "sekdes_nama": st.sampled_from(["", *NAMES]),
}).flatmap(lambda p: st.one_of(
    st.lists(kaur_item, max_size=4).map(lambda items: {**p, "kaur": "; ".join(items), "kaur_terisi": ""}),
    st.integers(0, 4).map(lambda n: {**p, "kaur": "", "kaur_terisi": str(n)}),
))


@st.composite
def rosters(draw) -> list[dict[str, str]]:
    """Rows sharing a few profiles, each with an identity of its own (names taken from the officials' names too)."""
    shared = draw(st.lists(profiles, min_size=1, max_size=3))
    count = draw(st.integers(1, 10))
    codes = draw(st.lists(st.integers(2001, 2999), min_size=count, max_size=count, unique=True))
    return [{"kode": f"73.02.{draw(st.sampled_from(['05', '08']))}.{code}" if draw(st.booleans()) else f"73020{draw(st.sampled_from('58'))}{code}",
             "nama": draw(st.sampled_from(NAMES + ["Bonto Haru", "Batu Lappa"])), "kecamatan": draw(st.sampled_from(["Rilau Ale", "Kindang"])),
             **draw(st.sampled_from(shared))}
            for code in codes]


@settings(max_examples=80, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(rows=rosters())
def test_screening_a_roster_equals_screening_each_of_its_rows_alone(rows):
    """Rows that share a profile but not their identity get, screened together (each profile judged once), exactly
    what each gets screened alone, in no language and written in each language."""
    raw, read = roster_of(rows)
    whole = roster.screen(InProcessPool(), PACK, "daftar.csv", raw, read, AS_OF)
    alone = [roster.screen(InProcessPool(), PACK, "daftar.csv", raw, [row], AS_OF) for row in read]
    assert whole["villages"] == [v for one in alone for v in one["villages"]]
    assert whole["bad_rows"] == [p for one in alone for p in one["bad_rows"]]
    for lang in i18n.LANGUAGES:
        written = screening_in(whole, PACK, lang)
        assert written.villages == [v for one in alone for v in screening_in(one, PACK, lang).villages]
        assert written.bad_rows == [p for one in alone for p in screening_in(one, PACK, lang).bad_rows]


def test_each_distinct_profile_of_a_roster_is_judged_once():
    """The sample roster's rows written 20 times over, each with a code of its own: as many judgements as the
    sample has distinct profiles, and the same screening as the sample's for each copy of a row."""
    rows = list(csv.DictReader(io.StringIO(SAMPLE.read_text("utf-8-sig"))))
    sample_raw, sample_rows = roster_of([{k: row.get(k, "") for k in HEADER} for row in rows])
    copies = [{**{k: row.get(k, "") for k in HEADER}, "kode": f"73.{10 + i:02d}.{row['kode'][6:]}"} for i in range(20) for row in rows]
    raw, read = roster_of(copies)
    pool = InProcessPool()
    screened = roster.screen(pool, PACK, "daftar.csv", raw, read, AS_OF)
    distinct = {roster.profile_of(roster._problems(row, AS_OF.year)[0]) for row in sample_rows}
    assert sum(len(profiles) for _, profiles, _ in pool.calls) == len(distinct) < len(copies)
    assert len(screened["villages"]) == len(copies)
    sample = roster.screen(InProcessPool(), PACK, "daftar.csv", sample_raw, sample_rows, AS_OF)["villages"]
    strip = lambda v: {k: x for k, x in v.items() if k not in ("row", "kode")}  # noqa: E731
    assert [strip(v) for v in screened["villages"]] == [strip(v) for v in sample] * 20


def test_the_eligibility_checker_builds_only_the_subjects_its_rules_judge():
    """A roster row judged by the ELG family alone: the village is its only subject (no steps of the cycle built,
    so no timeline), and its ELG states and findings are those the whole pack gives it."""
    raw, read = roster_of([{"kode": "73.02.05.2001", "nama": "Bonto", "kecamatan": "Rilau Ale", "peserta_pnpm": "ya", "kantor_ada": "ya",
                            "kantor_layak": "tidak", "sekdes": "plt", "sekdes_nama": "", "kaur": "", "kaur_terisi": "1", "bpd_terbentuk": "ya"}])
    data, problems = roster._problems(read[0], AS_OF.year)
    assert problems == []
    item = (Document(Path("roster"), data), DesaDossier.model_validate(data, context={"stages": set(PACK.plan.stages)}))
    family = workers.current().family_checker(PACK.id, roster.FAMILY)
    [alone] = family.judge_many([item], Context(as_of=AS_OF))
    [whole] = Checker(PACK).judge_many([item], Context(as_of=AS_OF))
    assert alone["timeline"] == [] and whole["timeline"] != []
    assert alone["verdict"] == whole["verdict"] == "BELUM_MEMENUHI"
    assert alone["results"] == {r: s for r, s in whole["results"].items() if r.startswith("ELG-")}
    assert alone["findings"] == [f for f in whole["findings"] if f["rule"].startswith("ELG-")]


def test_rows_are_checked_as_the_pool_asks_for_batches(monkeypatch):
    """A roster of 250 rows of distinct profiles: the first batch is sent once its 100 profiles are found, before
    the other rows are checked, and each row is counted done once its profile's judgement is back."""
    checked: list[int] = []
    problems = roster._problems
    monkeypatch.setattr(roster, "_problems", lambda row, year: checked.append(row.number) or problems(row, year))
    row = {"kode": "", "nama": "Bonto", "kecamatan": "Rilau Ale", "peserta_pnpm": "ya", "kantor_ada": "ya", "kantor_layak": "ya",
           "sekdes": "definitif", "kaur": "", "kaur_terisi": "2", "bpd_terbentuk": "ya"}
    raw, read = roster_of([{**row, "kode": f"73.02.05.{2001 + i}", "sekdes_nama": f"Andi {i}"} for i in range(250)])
    done: list[int] = []

    class Pipelined(InProcessPool):
        def map(self, function, calls):
            for args in calls:
                self.calls.append((len(checked), sum(done), len(args[1])))
                yield function(*args)

    pool = Pipelined()
    screened = roster.screen(pool, PACK, "daftar.csv", raw, read, AS_OF, done.append)
    assert pool.calls == [(100, 0, 100), (200, 100, 100), (250, 200, 50)]
    assert sum(done) == len(screened["villages"]) == 250


def test_batches_judged_while_later_rows_are_checked_give_the_same_screening():
    """A pool that reads three calls ahead of the judgement it hands back (as the real one does with two workers):
    rows checked after their profile was sent, or after it came back, get its judgement, and each row is counted done
    once, whatever the order."""

    class Ahead(InProcessPool):
        def map(self, function, calls):
            pending = iter(calls)
            flight = [args for _, args in zip(range(3), pending)]
            while flight:
                args = flight.pop(0)
                result = function(*args)
                flight.extend(args for _, args in zip(range(1), pending))  # the next call is read before this one is handed back
                yield result

    row = {"nama": "Bonto", "kecamatan": "Rilau Ale", "peserta_pnpm": "ya", "kantor_ada": "ya", "kantor_layak": "ya",
           "sekdes": "plt", "kaur": "", "kaur_terisi": "2", "bpd_terbentuk": "ya"}
    rows = [{**row, "kode": f"73.02.05.{2001 + i}", "sekdes_nama": f"Andi {i % 230}", "bpd_terbentuk": "ya" if i % 7 else "tidak"}
            for i in range(460)]
    rows[17]["kantor_ada"] = "mungkin"  # a bad row
    raw, read = roster_of(rows)
    done: list[int] = []
    ahead = roster.screen(Ahead(), PACK, "daftar.csv", raw, read, AS_OF, done.append)
    one_by_one = roster.screen(InProcessPool(), PACK, "daftar.csv", raw, read, AS_OF)
    assert ahead == one_by_one and len(ahead["villages"]) == 459 and len(ahead["bad_rows"]) == 1
    assert sum(done) == 460
