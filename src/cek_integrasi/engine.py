"""durable-rules, contained: compile a rule pack into one ruleset and ask it which conditions hold.

Containment of the engine's known defects (ENGINEERING notes):
- only single-fact conjunctions of plain comparisons reach it (rulepack.py refuses the rest);
  one engine rule per conjunction of a condition's normal form, so no nested $or/$and;
- every fact carries every declared field with its declared type (checked here before asserting),
  so `!=` never meets a missing field and no value is coerced;
- a catch-all rule matches every fact, so no fact is rejected and stops the batch;
- one host per process whose dispatcher threads never start: evaluation is synchronous;
- one session per evaluation, its state deleted afterwards (the engine breaks past 1024 sessions);
- any exception raised by the engine surfaces as EngineFailure for that dossier only.
"""

from __future__ import annotations

import itertools
from typing import Any

from durable import engine as durable

from .conditions import Conjunction
from .facts import CATALOGUE, Subject
from .rulepack import RulePack

_OPERATORS = {"neq": "$neq", "gte": "$gte", "lte": "$lte", "gt": "$gt", "lt": "$lt"}
_SEEN = "__seen__"


class EngineFailure(Exception):
    """The engine could not evaluate a dossier; its rules must be reported as `error`."""


class _SynchronousHost(durable.Host):
    """A Host whose background dispatcher never runs: actions run inside assert_facts."""

    def _run(self) -> None:
        return None


def _term(comparison) -> dict[str, Any]:
    if comparison.op == "eq":
        return {comparison.fact: comparison.value}
    return {_OPERATORS[comparison.op]: {comparison.fact: comparison.value}}


def _engine_condition(subject: str, conj: Conjunction) -> dict[str, Any]:
    return {"m": {"$and": [{"cek_subject": subject}] + [_term(c) for c in conj]}}


class Engine:
    """One compiled ruleset for a rule pack; `matches` evaluates the subjects of one dossier."""

    _host: _SynchronousHost | None = None
    _names = itertools.count()

    def __init__(self, pack: RulePack):
        self.pack = pack
        self.ruleset = f"cek_{pack.id}_{pack.digest[:12]}_{next(self._names)}"
        self._matched: set[tuple[str, str, str]] | None = None
        self._sessions = itertools.count()
        definition: dict[str, Any] = {_SEEN: {"all": [{"m": {"$ex": {"cek_subject": 1}}}], "run": self._ignore}}
        for rule in pack.rules:
            for part, dnf in rule.conditions.items():
                for i, conj in enumerate(dnf):
                    definition[f"{rule.id}|{part}|{i}"] = {
                        "all": [_engine_condition(rule.subject, conj)],
                        "run": self._recorder(rule.id, part),
                    }
        if Engine._host is None:
            Engine._host = _SynchronousHost()
        Engine._host.register_rulesets({self.ruleset: definition})

    @staticmethod
    def _ignore(_closure) -> None:
        return None

    def _recorder(self, rule_id: str, part: str):
        def record(closure) -> None:
            self._matched.add((rule_id, part, closure.m["id"]))

        return record

    def matches(self, subjects: list[Subject]) -> set[tuple[str, str, str]]:
        """(rule id, part, subject key) for every rule part whose condition holds on a subject."""
        sid = str(next(self._sessions))
        facts = [self._fact(sid, s) for s in subjects]
        self._matched = set()
        try:
            Engine._host.assert_facts(self.ruleset, facts)
            state = Engine._host.get_state(self.ruleset, sid)
            if state.get("exception"):
                raise EngineFailure(str(state["exception"]))
            return self._matched
        except EngineFailure:
            raise
        except Exception as exc:  # the engine's own exceptions: MessageNotHandled, MemoryError, ...
            raise EngineFailure(f"{type(exc).__name__}: {exc}") from exc
        finally:
            self._matched = None
            try:
                Engine._host.delete_state(self.ruleset, sid)
            except Exception:  # a session that never started has nothing to delete
                pass

    @staticmethod
    def _fact(sid: str, subject: Subject) -> dict[str, Any]:
        spec = CATALOGUE[subject.kind]
        if subject.facts.keys() != spec.keys():
            raise EngineFailure(f"{subject.key}: facts {sorted(subject.facts.keys() ^ spec.keys())} not as declared")
        for name, value in subject.facts.items():
            if type(value) is not spec[name].type:
                raise EngineFailure(f"{subject.key}.{name}: {value!r} is not {spec[name].type.__name__}")
        return {"sid": sid, "id": subject.key, "cek_subject": subject.kind, **subject.facts}
