"""durable-rules, contained: compile a rule pack into rulesets and ask them which conditions hold.

Containment of the engine's known defects (ENGINEERING notes, and what was measured here):
- only single-fact conjunctions of plain comparisons reach it (rulepack.py refuses the rest);
  one engine rule per conjunction of a condition's normal form, so no nested $or/$and, no joins;
- every fact carries every declared field with its declared type (checked here before asserting),
  so `!=` never meets a missing field and no value is coerced;
- at most 64 engine rules may match one fact: past that `assert_facts` fails with error 303, and
  with `cap` it corrupts memory. Rules are therefore spread over several rulesets so that no
  ruleset holds more than MAX_RULES_PER_KIND conjunctions for one kind of subject;
- a catch-all rule in every ruleset matches every fact, so no fact is rejected and stops the batch;
- one host per process whose dispatcher threads never start: evaluation is synchronous;
- a batch of dossiers shares one session per ruleset, asserted in one call, and every rule has
  `cap` so that each rule runs its action once per batch with all its matches (the per-action
  cost of the engine dominates otherwise); the session state is deleted afterwards (the engine
  breaks past 1024 live sessions);
- any exception raised by the engine surfaces as EngineFailure for that batch only.
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
MATCHES_PER_FACT = 64  # measured: the 65th rule matching one fact makes assert_facts fail (error 303)
MAX_RULES_PER_KIND = MATCHES_PER_FACT - 1  # one is the catch-all
CAP = 1_000_000  # deliver every match of a rule in one action call

Match = tuple[str, str, str]  # (rule id, part, subject key)


class EngineFailure(Exception):
    """The engine could not evaluate a batch; its rules must be reported as `error`."""


class _SynchronousHost(durable.Host):
    """A Host whose background dispatcher never runs: actions run inside assert_facts."""

    def _run(self) -> None:
        return None


# Facts travel to the engine and back (once per match) as JSON: short field names keep that small.
ALIASES = {kind: {name: f"f{i}" for i, name in enumerate(spec)} for kind, spec in CATALOGUE.items()}
KIND = "k"


def _term(kind: str, comparison) -> dict[str, Any]:
    field = ALIASES[kind][comparison.fact]
    if comparison.op == "eq":
        return {field: comparison.value}
    return {_OPERATORS[comparison.op]: {field: comparison.value}}


def _engine_condition(kind: str, conj: Conjunction) -> dict[str, Any]:
    return {"m": {"$and": [{KIND: kind}] + [_term(kind, c) for c in conj]}}


def partition(rules: list[tuple[str, str, dict]], limit: int = MAX_RULES_PER_KIND) -> list[list[tuple[str, str, dict]]]:
    """Spread (name, kind, definition) over groups holding at most `limit` rules of any one kind."""
    groups: list[list[tuple[str, str, dict]]] = []
    counts: list[dict[str, int]] = []
    for rule in rules:
        kind = rule[1]
        for group, count in zip(groups, counts):
            if count.get(kind, 0) < limit:
                group.append(rule)
                count[kind] = count.get(kind, 0) + 1
                break
        else:
            groups.append([rule])
            counts.append({kind: 1})
    return groups


class Engine:
    """Rulesets compiled from a rule pack; `matches` evaluates the subjects of a batch of dossiers."""

    _host: _SynchronousHost | None = None
    _names = itertools.count()

    def __init__(self, pack: RulePack):
        self.pack = pack
        self._matched: list[set[Match]] | None = None
        self._sessions = itertools.count()
        users: dict[tuple[str, Conjunction], list[tuple[str, str]]] = {}
        for rule in pack.rules:
            for part, dnf in rule.conditions.items():
                for conj in dnf:
                    users.setdefault((rule.subject, conj), []).append((rule.id, part))
        compiled = [  # one engine rule per distinct condition, however many rule parts share it
            (f"c{i}", kind, {"all": [_engine_condition(kind, conj)], "cap": CAP, "run": self._recorder(parts)})
            for i, ((kind, conj), parts) in enumerate(users.items())
        ]
        if Engine._host is None:
            Engine._host = _SynchronousHost()
        self.rulesets: list[tuple[str, set[str]]] = []
        for group in partition(compiled):
            name = f"cek_{pack.id}_{pack.digest[:12]}_{next(self._names)}"
            definition = {_SEEN: {"all": [{"m": {"$ex": {KIND: 1}}}], "cap": CAP, "run": self._ignore}}
            definition.update({rule_name: body for rule_name, _, body in group})
            Engine._host.register_rulesets({name: definition})
            self.rulesets.append((name, {kind for _, kind, _ in group}))

    @staticmethod
    def _ignore(_closure) -> None:
        return None

    def _recorder(self, parts: list[tuple[str, str]]):
        def record(closure) -> None:
            for fact in closure.m:
                index, key = fact["id"].split("|", 1)
                self._matched[int(index)].update((rule_id, part, key) for rule_id, part in parts)

        return record

    def matches(self, batch: list[list[Subject]]) -> list[set[Match]]:
        """For each dossier of the batch, (rule id, part, subject key) of every condition that holds."""
        facts = [self._fact(i, s) for i, subjects in enumerate(batch) for s in subjects]
        self._matched = [set() for _ in batch]
        try:
            for ruleset, kinds in self.rulesets:
                self._assert(ruleset, [f for f in facts if f[KIND] in kinds])
            return self._matched
        finally:
            self._matched = None

    def _assert(self, ruleset: str, facts: list[dict[str, Any]]) -> None:
        if not facts:
            return
        sid = str(next(self._sessions))
        for fact in facts:
            fact["sid"] = sid
        try:
            Engine._host.assert_facts(ruleset, facts)
            state = Engine._host.get_state(ruleset, sid)
            if state.get("exception"):
                raise EngineFailure(str(state["exception"]))
        except EngineFailure:
            raise
        except Exception as exc:  # the engine's own exceptions: MessageNotHandled, MemoryError, error 303, ...
            raise EngineFailure(f"{type(exc).__name__}: {exc}") from exc
        finally:
            try:
                Engine._host.delete_state(ruleset, sid)
            except Exception:  # a session that never started has nothing to delete
                pass

    @staticmethod
    def _fact(index: int, subject: Subject) -> dict[str, Any]:
        spec = CATALOGUE[subject.kind]
        if subject.facts.keys() != spec.keys():
            raise EngineFailure(f"{subject.key}: facts {sorted(subject.facts.keys() ^ spec.keys())} not as declared")
        for name, value in subject.facts.items():
            if type(value) is not spec[name].type:
                raise EngineFailure(f"{subject.key}.{name}: {value!r} is not {spec[name].type.__name__}")
        aliases = ALIASES[subject.kind]
        return {"id": f"{index}|{subject.key}", KIND: subject.kind, **{aliases[k]: v for k, v in subject.facts.items()}}
