"""Every rule fires and stays silent exactly as its rule-case files say (tests/rule_cases/)."""

from __future__ import annotations

import datetime as dt

import pytest

from casekit import DEFAULT_AS_OF, all_cases, apply_edits, load_base
from cek_integrasi.conditions import holds
from cek_integrasi.facts import Context, subjects_of
from helpers import evaluate

CASES = all_cases()


def _as_of(case) -> dt.date:
    value = case.get("as_of", DEFAULT_AS_OF)
    return value if isinstance(value, dt.date) else dt.date.fromisoformat(value)


@pytest.mark.parametrize("case_id,case,base", CASES, ids=[c[0] for c in CASES])
def test_rule_case(checker, case_id, case, base):
    result, _ = evaluate(checker, apply_edits(base, case), _as_of(case), case.get("complete", False))
    seen = {rule: result.results[rule] for rule in case["expect"]}
    assert seen == case["expect"]
    if "verdict" in case:
        assert result.verdict == case["verdict"]
    for rule, text in (case.get("message") or {}).items():
        messages = [f.message for f in result.findings if f.rule == rule]
        assert any(text in m for m in messages), (rule, text, messages)
    failing = {f.rule for f in result.findings if f.state in ("fail", "pending")}
    assert failing == {r for r, s in result.results.items() if s in ("fail", "pending")}


def test_compliant_fixture_passes_every_rule(checker):
    result, _ = evaluate(checker, load_base("desa_lengkap.yaml"))
    assert set(result.results.values()) == {"pass"}
    assert result.findings == []


def test_every_rule_has_a_case_that_fires_and_one_that_stays_silent(pack):
    fires, silent = set(), set()
    for _, case, _ in CASES:
        for rule, state in case["expect"].items():
            (fires if state in ("fail", "pending") else silent).add(rule)
    for rule in pack.rules:
        assert rule.id in fires, f"{rule.id} has no case that makes it fire"
        assert rule.id in silent, f"{rule.id} has no case that keeps it silent"
    pending_rules = {r.id for r in pack.rules if "pending" in r.conditions}
    pending_cases = {r for _, c, _ in CASES for r, s in c["expect"].items() if s == "pending"}
    assert pending_rules <= pending_cases


def test_every_expected_rule_exists(pack):
    ids = {r.id for r in pack.rules}
    unknown = {r for _, case, _ in CASES for r in case["expect"]} - ids
    assert not unknown


@pytest.mark.parametrize("case_id,case,base", CASES, ids=[c[0] for c in CASES])
def test_engine_agrees_with_plain_reading_of_conditions(checker, pack, case_id, case, base):
    """The engine's matches equal the documented meaning of every condition (conditions.holds)."""
    result, dossier = evaluate(checker, apply_edits(base, case), _as_of(case), case.get("complete", False))
    subjects = subjects_of(dossier, Context(as_of=_as_of(case), complete=case.get("complete", False)))
    engine_matches = checker.engine.matches(subjects)
    plain = {
        (rule.id, part, s.key)
        for rule in pack.rules
        for part, dnf in rule.conditions.items()
        for s in subjects
        if s.kind == rule.subject and holds(dnf, s.facts)
    }
    assert engine_matches == plain
