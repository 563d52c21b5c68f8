"""durable-rules, contained: sessions are cleaned up, and an engine failure is an `error`, never a pass."""

from __future__ import annotations

from casekit import load_base
from cek_integrasi.engine import Engine, EngineFailure
from cek_integrasi.facts import Subject
from helpers import evaluate

import pytest


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


def test_a_fact_that_is_not_as_declared_never_reaches_the_engine(checker):
    wrong = Subject("desa", "desa", "", {"peserta_pnpm": "true"})
    with pytest.raises(EngineFailure, match="not as declared"):
        checker.engine.matches([[wrong]])
