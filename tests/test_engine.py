"""durable-rules, contained: sessions are cleaned up, and an engine failure is an `error`, never a pass."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

from casekit import load_base
from cek_integrasi.evaluation.engine import Engine, EngineFailure
from cek_integrasi.packs.facts import Context, Subject
from cek_integrasi.packs.subjects import subjects_of
from helpers import DEFAULT_AS_OF, evaluate, validate

import pytest

ROOT = Path(__file__).parents[1]


def test_many_dossiers_in_one_process_outlive_the_engine_session_limit(checker):
    """The engine breaks past 1024 live sessions; deleting each session's state keeps it working."""
    base = load_base("desa_lengkap.yaml")
    broken = {**base, "bpd": {"terbentuk": False}}
    for i in range(1100):
        result, _ = evaluate(checker, broken if i % 2 else base)
        assert result.results["ELG-04"] == ("fail" if i % 2 else "pass")


def test_an_engine_exception_makes_every_rule_an_error_for_that_dossier_only(checker, monkeypatch):
    base = load_base("desa_lengkap.yaml")

    def explode(*_args, **_kwargs):
        raise MemoryError("simulated engine failure")

    with monkeypatch.context() as patch:
        patch.setattr(Engine._host, "assert_facts", explode)
        result, _ = evaluate(checker, base)
    assert set(result.results.values()) == {"error"}
    assert result.verdict is None
    assert {f.rule for f in result.findings} == set(result.results)
    assert all(f.severity == "error" and "perlu diperiksa manual" in f.message for f in result.findings)
    after, _ = evaluate(checker, base)
    assert "error" not in after.results.values() and after.findings == []


@pytest.mark.parametrize(
    "change,expected",
    [
        ({"peserta_pnpm": "true"}, "peserta_pnpm: 'true' is not bool"),
        ({"peserta_pnpm": None}, "peserta_pnpm: None is not bool"),
        ({"tidak_dikenal": 1}, "facts ['tidak_dikenal']"),
    ],
)
def test_a_fact_that_is_not_as_declared_never_reaches_the_engine(checker, change, expected):
    dossier = validate(checker, load_base("desa_lengkap.yaml"))
    desa = subjects_of(dossier, Context(as_of=DEFAULT_AS_OF), checker.pack.plan, checker.pack.vocabulary)[0]
    wrong = Subject("desa", "desa", "", {**desa.facts, **change})
    with pytest.raises(EngineFailure, match="not as declared") as raised:
        checker.engine.matches([[wrong]])
    assert expected in str(raised.value)


def test_a_missing_fact_never_reaches_the_engine(checker):
    dossier = validate(checker, load_base("desa_lengkap.yaml"))
    facts = subjects_of(dossier, Context(as_of=DEFAULT_AS_OF), checker.pack.plan, checker.pack.vocabulary)[0].facts
    del facts["peserta_pnpm"]  # a fact a bundle adds (the PTI's) is as required as a shared one
    with pytest.raises(EngineFailure, match="desa.peserta_pnpm: missing: not as declared"):
        checker.engine.matches([[Subject("desa", "desa", "", facts)]])


def test_the_engine_is_sent_only_the_facts_its_conditions_read(checker):
    """Of a village's facts a screening's rules (ELG) read a few: only those travel to the engine, each still checked."""
    dossier = validate(checker, load_base("desa_lengkap.yaml"))
    desa = subjects_of(dossier, Context(as_of=DEFAULT_AS_OF), checker.pack.plan, checker.pack.vocabulary)[0]
    eligibility = Engine(checker.pack.family("ELG"))
    read = {c.fact for r in checker.pack.family("ELG").rules if r.subject == "desa" for dnf in r.asked.values() for conj in dnf for c in conj}
    sent = eligibility._fact(desa)
    assert len(sent) - 1 == len(read) and 5 <= len(read) < len(desa.facts) / 4
    assert sorted(sent[alias] for name, alias, _ in eligibility._fields["desa"]) == sorted(desa.facts[n] for n in read)
    with pytest.raises(EngineFailure, match="desa.peserta_pnpm: 'ya' is not bool: not as declared"):
        eligibility._fact(Subject("desa", "desa", "", {**desa.facts, "peserta_pnpm": "ya"}))


def test_a_fact_no_condition_reads_is_as_required_as_one_read(checker):
    """A subject holds every fact of its kind whichever facts the engine is sent (a builder that drops one is a defect)."""
    dossier = validate(checker, load_base("desa_lengkap.yaml"))
    facts = subjects_of(dossier, Context(as_of=DEFAULT_AS_OF), checker.pack.plan, checker.pack.vocabulary)[0].facts
    eligibility = Engine(checker.pack.family("ELG"))
    unread = next(name for name in facts if name not in {n for n, _, _ in eligibility._fields["desa"]})
    del facts[unread]
    with pytest.raises(EngineFailure, match=f"facts \\['{unread} missing'\\]: not as declared"):
        eligibility._fact(Subject("desa", "desa", "", facts))


def test_subjects_whose_engine_facts_are_the_same_are_asked_once_and_each_gets_its_own_answer(checker, monkeypatch):
    """A batch of villages of two eligibility situations, each many times over: the engine is sent one fact per distinct
    situation, and every village gets what it gets judged alone."""
    ctx = Context(as_of=DEFAULT_AS_OF)
    eligibility = Engine(checker.pack.family("ELG"))
    base = load_base("desa_lengkap.yaml")
    villages = [validate(checker, {**base, "bpd": {"terbentuk": i % 2 == 0}, "nama": f"Desa {i}"}) for i in range(10)]
    heads = [[subjects_of(v, ctx, checker.pack.plan, checker.pack.vocabulary)[0]] for v in villages]
    alone = [eligibility.matches([head], phase=1)[0] for head in heads]  # the verdict's phase: ELG-04 reads the BPD
    sent: list[int] = []
    assert_facts = Engine._assert
    monkeypatch.setattr(Engine, "_assert", lambda self, ruleset, facts: sent.append(len(facts)) or assert_facts(self, ruleset, facts))
    together = eligibility.matches(heads, phase=1)
    assert together == alone and alone[0] != alone[1]
    assert sum(sent) == 2 * len(eligibility.rulesets[1])


def test_the_engine_host_reads_and_writes_json_as_the_standard_module_does():
    """durable-rules' host is given orjson's functions: the same values must come out both ways."""
    from durable import engine as durable_engine

    from cek_integrasi.evaluation.engine import _OrJson

    assert durable_engine.json is _OrJson
    facts = [{"k": "desa", "id": 7, "f0": True, "f1": 3, "f2": "Bonto Haru", "f3": "Désa – ŋ", "sid": "12"}]
    text = _OrJson.dumps(facts, ensure_ascii=False)
    assert isinstance(text, str) and json.loads(text) == facts
    assert _OrJson.loads(json.dumps(facts, ensure_ascii=False)) == facts


def test_sessions_in_which_no_rule_fires_do_not_corrupt_the_engine():
    """Deleting a session in which no action ran corrupted durable-rules' memory (a segfault or
    `free(): invalid pointer` within a few hundred sessions): the sentinel every session carries
    keeps it alive. Run in a fresh process, since the defect kills the process."""
    script = """
import datetime as dt
from cek_integrasi.evaluation.engine import Engine
from cek_integrasi.packs.rulepack import load_pack
from cek_integrasi.packs.subjects import head_of
from cek_integrasi.dossiers.loading import KINDS
import yaml
pack = load_pack()
engine = Engine(pack)
data = yaml.safe_load(open("tests/fixtures/desa_lengkap.yaml"))
data["peserta_pnpm"] = False  # no first-phase rule applies to a village outside PNPM-MPd
dossier = KINDS["desa"].model_validate(data, context={"stages": set(pack.plan.stages)})
from cek_integrasi.packs.facts import Context
head = head_of(dossier, Context(as_of=dt.date(2014, 3, 1)), pack.plan, pack.vocabulary)
for _ in range(3000):
    assert engine.matches([[head]], phase=1) == [{"desa": set()}]
print("hidup")
"""
    done = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, timeout=300, cwd=ROOT)
    assert done.returncode == 0 and done.stdout.strip() == "hidup", done.stderr[-2000:]


def test_two_packs_engines_in_one_process_take_turns_without_corruption():
    """Each worker holds one engine per rule pack and sends batches to them in turn (workers.py).
    The old note said a second engine in one process crashed durable-rules; with the sentinel it
    must not: 1,000 turns each, in a fresh process since a defect would kill it."""
    script = """
import datetime as dt, yaml
from pathlib import Path
from cek_integrasi.dossiers.loading import KINDS
from cek_integrasi.evaluation.evaluate import Checker
from cek_integrasi.packs.facts import Context
from cek_integrasi.dossiers.reading import Document
from cek_integrasi.packs.rulepack import load_pack
runs = []
for pack_id, fixture in (("pti", "desa_lengkap.yaml"), ("uu-desa", "desa_uu_lengkap.yaml")):
    checker = Checker(load_pack(pack_id))
    data = yaml.safe_load(open(f"tests/fixtures/{fixture}"))
    dossier = KINDS["desa"].model_validate(data, context={"stages": set(checker.pack.plan.stages)})
    runs.append((checker, [(Document(Path(fixture), data), dossier)]))
ctx = Context(as_of=dt.date(2018, 3, 1))
for _ in range(1000):
    for checker, items in runs:
        assert checker.check_many(items, ctx)[0].pack == checker.pack.id
print("hidup")
"""
    done = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, timeout=300, cwd=ROOT)
    assert done.returncode == 0 and done.stdout.strip() == "hidup", done.stderr[-2000:]


def test_one_judgement_stored_as_json_renders_what_a_checker_of_each_language_writes(checker, checker_en):
    """The service stores one judgement (JSON, in no language) and renders it when read: in Indonesian and in
    English it must be what a checker of that language writes, workbooks' places and every value included."""
    import orjson

    from cek_integrasi.dossiers.loading import load_dossier
    from cek_integrasi.evaluation.localize import localize
    from cek_integrasi.packs.choosing import all_stages

    paths = sorted((ROOT / "samples" / "rilau_ale").glob("*.yaml")) + sorted((ROOT / "samples" / "workbooks" / "rilau_ale").glob("*.xlsx"))
    items = [load_dossier(path, all_stages([checker.pack])) for path in paths]
    items = [(doc, dossier) for doc, dossier in items if dossier.jenis == "desa"]
    ctx = Context(as_of=DEFAULT_AS_OF)
    stored = [orjson.loads(orjson.dumps(judged)) for judged in checker.judge_many(items, ctx)]
    assert [localize(j, checker.pack, "id") for j in stored] == checker.check_many(items, ctx)
    assert [localize(j, checker.pack, "en") for j in stored] == checker_en.check_many(items, ctx)
    english = checker_en.check_many(items, ctx)
    assert any(r.findings for r in english) and any(f.place and "Sheet" in f.place for r in english for f in r.findings)
    assert all("title" not in f and "message" not in f for j in stored for f in j["findings"])  # no language in the judgement


def test_a_worker_renders_only_the_languages_its_request_names():
    """`check` asks for its one language, rendered in the worker; the service asks for none and gets the judgement."""
    import orjson

    from cek_integrasi.evaluation.localize import localize
    from cek_integrasi.evaluation.pool import Pool
    from cek_integrasi.evaluation.workers import Request
    from cek_integrasi.packs.rulepack import load_packs

    village = ROOT / "samples" / "rilau_ale" / "05_batu_lappa_banyak_masalah.yaml"
    files = [(village.name, village.read_bytes())]
    ctx = Context(as_of=DEFAULT_AS_OF)
    with Pool(load_packs(), 1, start="fork") as pool:
        [outcome] = pool.check(files, Request(ctx, languages=("en",)))
        [neutral] = pool.check(files, Request(ctx, languages=(), problems_lang="id"))
        pack = pool.pack("pti")
    assert list(outcome.renderings) == ["en"] and outcome.result.findings[0].message and outcome.judged_json is None
    assert neutral.renderings is None and neutral.result_json is None
    judged = orjson.loads(neutral.judged_json)
    assert judged["findings"] and all("message" not in f for f in judged["findings"])
    assert localize(judged, pack, "en") == outcome.result
