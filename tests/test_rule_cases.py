"""Every rule fires and stays silent exactly as its bundle's rule-case files say (rules/<pack>/cases/)."""

from __future__ import annotations

import pytest

from casekit import all_cases, apply_edits, load_base
from helpers import context_of, evaluate, villages_of

from cek_integrasi.packs.bundles import find_bundles

CASES = all_cases()


@pytest.mark.parametrize("case_id,case,base", CASES, ids=[c[0] for c in CASES])
def test_rule_case(checkers, case_id, case, base):
    result, _ = evaluate(checkers[case["pack"]], apply_edits(base, case), context_of(case), villages_of(case))
    seen = {rule: result.results[rule] for rule in case["expect"]}
    assert seen == case["expect"]
    if "verdict" in case:
        assert result.verdict == case["verdict"]
    if "next_steps" in case:
        assert [s.stage for s in result.next_steps] == case["next_steps"]
    for rule, text in (case.get("message") or {}).items():
        messages = [f.message for f in result.findings if f.rule == rule]
        assert any(text in m for m in messages), (rule, text, messages)
    for rule, severity in (case.get("severity") or {}).items():
        assert {f.severity for f in result.findings if f.rule == rule} == {severity}, rule
    for rule, paths in (case.get("paths") or {}).items():
        assert [f.path for f in result.findings if f.rule == rule] == paths, rule
    failing = {f.rule for f in result.findings if f.state in ("fail", "pending")}
    assert failing == {r for r, s in result.results.items() if s in ("fail", "pending")}


@pytest.mark.parametrize(
    "fixture,pack_id,as_of",
    [("desa_lengkap.yaml", "pti", None), ("kecamatan_lengkap.yaml", "pti", None), ("desa_uu_lengkap.yaml", "uu-desa", "2018-03-01")],
)
def test_compliant_fixtures_have_no_finding(checkers, fixture, pack_id, as_of):
    result, _ = evaluate(checkers[pack_id], load_base(fixture), context_of({"as_of": as_of} if as_of else {}))
    assert set(result.results.values()) <= {"pass", "not_applicable"}
    assert result.findings == [] and result.next_steps == []


def test_the_cases_are_found_in_each_bundle_and_checked_with_its_pack():
    assert {b.id: b.cases.relative_to(b.folder.parent).as_posix() for b in find_bundles()} == {
        "pti": "pti/cases", "uu-desa": "uu-desa/cases"
    }
    assert {case["pack"] for _, case, _ in CASES} == {"pti", "uu-desa"}


@pytest.mark.parametrize("pack_id", [b.id for b in find_bundles()])
def test_every_rule_has_a_case_that_fires_and_one_that_stays_silent(packs, pack_id):
    pack = packs[pack_id]
    fires, silent = set(), set()
    for _, case, _ in (c for c in CASES if c[1]["pack"] == pack_id):
        for rule, state in case["expect"].items():
            (fires if state in ("fail", "pending") else silent).add(rule)
    for rule in pack.rules:
        assert rule.id in fires, f"{rule.id} has no case that makes it fire"
        assert rule.id in silent, f"{rule.id} has no case that keeps it silent"
    pending_rules = {r.id for r in pack.rules if "pending" in r.written}
    pending_cases = {r for _, c, _ in CASES if c["pack"] == pack_id for r, s in c["expect"].items() if s == "pending"}
    assert pending_rules <= pending_cases


def test_every_expected_rule_exists(packs):
    unknown = {(case["pack"], r) for _, case, _ in CASES for r in case["expect"] if r not in {x.id for x in packs[case["pack"]].rules}}
    assert not unknown
