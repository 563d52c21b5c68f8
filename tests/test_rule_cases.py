"""Every rule fires and stays silent exactly as its rule-case files say (tests/rule_cases/)."""

from __future__ import annotations

import pytest

from casekit import all_cases, apply_edits, load_base
from helpers import context_of, evaluate, villages_of

CASES = all_cases()


@pytest.mark.parametrize("case_id,case,base", CASES, ids=[c[0] for c in CASES])
def test_rule_case(checker, case_id, case, base):
    result, _ = evaluate(checker, apply_edits(base, case), context_of(case), villages_of(case))
    seen = {rule: result.results[rule] for rule in case["expect"]}
    assert seen == case["expect"]
    if "verdict" in case:
        assert result.verdict == case["verdict"]
    if "next_steps" in case:
        assert [s.stage for s in result.next_steps] == case["next_steps"]
    for rule, text in (case.get("message") or {}).items():
        messages = [f.message for f in result.findings if f.rule == rule]
        assert any(text in m for m in messages), (rule, text, messages)
    failing = {f.rule for f in result.findings if f.state in ("fail", "pending")}
    assert failing == {r for r, s in result.results.items() if s in ("fail", "pending")}


@pytest.mark.parametrize("fixture", ["desa_lengkap.yaml", "kecamatan_lengkap.yaml"])
def test_compliant_fixtures_have_no_finding(checker, fixture):
    result, _ = evaluate(checker, load_base(fixture))
    assert set(result.results.values()) <= {"pass", "not_applicable"}
    assert result.findings == [] and result.next_steps == []


def test_every_rule_has_a_case_that_fires_and_one_that_stays_silent(pack):
    fires, silent = set(), set()
    for _, case, _ in CASES:
        for rule, state in case["expect"].items():
            (fires if state in ("fail", "pending") else silent).add(rule)
    for rule in pack.rules:
        assert rule.id in fires, f"{rule.id} has no case that makes it fire"
        assert rule.id in silent, f"{rule.id} has no case that keeps it silent"
    pending_rules = {r.id for r in pack.rules if "pending" in r.written}
    pending_cases = {r for _, c, _ in CASES for r, s in c["expect"].items() if s == "pending"}
    assert pending_rules <= pending_cases


def test_every_expected_rule_exists(pack):
    ids = {r.id for r in pack.rules}
    unknown = {r for _, case, _ in CASES for r in case["expect"]} - ids
    assert not unknown
