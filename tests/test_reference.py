"""The durable-rules path and the plain-Python reference (tests/reference.py) agree on every dossier."""

from __future__ import annotations

import pytest
from hypothesis import HealthCheck, given, settings

import reference
from casekit import all_cases, apply_edits
from cek_integrasi.packs.facts import Context, VillageSummary
from cek_integrasi.packs.subjects import head_of, subjects_of
from generators import contexts, desa_dossiers, kecamatan_dossiers, uu_contexts, uu_desa_dossiers, village_batches
from helpers import context_of, evaluate, villages_of

SETTINGS = dict(derandomize=True, database=None, deadline=None, suppress_health_check=[HealthCheck.too_slow])


def assert_agree(checker, data, ctx, villages=None):
    result, dossier = evaluate(checker, data, ctx, villages)
    first = reference.verdict_of(checker.pack, head_of(dossier, ctx, checker.pack.plan, checker.pack.vocabulary))
    subjects = subjects_of(dossier, ctx, checker.pack.plan, checker.pack.vocabulary, villages, first)
    states, findings, verdict = reference.evaluate(checker.pack, subjects)
    assert first == verdict
    assert result.results == states
    assert {(f.rule, f.subject, f.state) for f in result.findings} == findings
    assert len(result.findings) == len(findings)
    assert result.verdict == verdict
    return result


CASES = all_cases()


@pytest.mark.parametrize("case_id,case,base", CASES, ids=[c[0] for c in CASES])
def test_reference_agrees_on_every_rule_case(checkers, case_id, case, base):
    assert_agree(checkers[case["pack"]], apply_edits(base, case), context_of(case), villages_of(case))


@settings(max_examples=1500, **SETTINGS)
@given(data=desa_dossiers(), ctx=contexts)
def test_reference_agrees_on_generated_villages(checker, data, ctx):
    assert_agree(checker, data, Context(**ctx))


@settings(max_examples=600, **SETTINGS)
@given(data=kecamatan_dossiers(), ctx=contexts, batch=village_batches())
def test_reference_agrees_on_generated_kecamatan(checker, data, ctx, batch):
    villages = {code: VillageSummary(code, f"Desa {code[-3:]}", f"{code}.yaml", *dates) for code, dates in batch.items()}
    assert_agree(checker, data, Context(**ctx), villages)


@settings(max_examples=900, **SETTINGS)
@given(data=uu_desa_dossiers(), ctx=uu_contexts)
def test_reference_agrees_on_generated_uu_desa_villages(checkers, data, ctx):
    assert_agree(checkers["uu-desa"], data, Context(**ctx))
