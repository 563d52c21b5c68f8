"""durable-rules, contained: compile a rule pack into rulesets and ask them which conditions hold.

Containment of the engine's known defects (ENGINEERING notes, and what was measured here):
- only single-fact conjunctions of plain comparisons reach it (rulepack.py refuses the rest);
  one engine rule per conjunction of a condition's normal form, so no nested $or/$and, no joins;
- every fact carries every field a condition of the pack reads, with its declared type (checked here
  before asserting, and that the subject holds every fact of its kind in the pack's part of the
  vocabulary and no other), so `!=` never meets a missing field and no value is coerced;
- at most 64 engine rules may match one fact: past that `assert_facts` fails with error 303, and
  with `cap` it corrupts memory. Rules are therefore spread over several rulesets so that no
  ruleset holds more than MAX_RULES_PER_KIND conjunctions for one kind of subject;
- a catch-all rule in every ruleset accepts every fact, so no fact is rejected and stops the batch;
  it waits for a second fact that never comes, so it never runs and never sends the facts back;
- deleting a session in which no action ran corrupts the engine's memory (measured here: a
  session whose facts only the catch-all accepted crashed `delete_state` with a segfault or
  `free(): invalid pointer` within a few hundred sessions; the same facts beside one that fired a
  rule never did). Every session therefore also gets a sentinel fact that a rule of its own fires
  on, so that at least one action runs;
- one host per process whose dispatcher threads never start: evaluation is synchronous;
- a batch of dossiers shares one session per ruleset, asserted in one call, and every rule has
  `cap` so that each rule runs its action once per batch with all its matches (the per-action
  cost of the engine dominates otherwise), and subjects of a batch whose engine facts are the same
  are asserted once; the session state is deleted afterwards (the engine breaks past 1024 live
  sessions);
- any exception raised by the engine surfaces as EngineFailure for that batch only;
- its Python host turns facts into JSON text for the C engine and every match back again with the
  standard json module, a tenth of a check's time: it is given orjson's functions instead (the
  same values both ways for the plain dicts, strings, integers and booleans that cross here).
"""

from __future__ import annotations

import itertools
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

import orjson
from durable import engine as durable

from ..packs.conditions import Conjunction
from ..packs.facts import Subject
from ..packs.rulepack import RulePack

_OPERATORS = {"neq": "$neq", "gte": "$gte", "lte": "$lte", "gt": "$gt", "lt": "$lt"}
_SEEN = "__seen__"
_SENTINEL = "__sentinel__"  # a fact kind, and the rule that fires on it in every session
MATCHES_PER_FACT = 64  # measured: the 65th rule matching one fact makes assert_facts fail (error 303)
MAX_RULES_PER_KIND = MATCHES_PER_FACT - 1  # one is the catch-all
CAP = 1_000_000  # deliver every match of a rule in one action call

_NONE: frozenset[int] = frozenset()
Held = dict[str, frozenset[int]]  # of one dossier: subject key -> the engine conditions that hold on it


class _OrJson:
    """The part of the json module durable-rules' host uses, done by orjson (the host always asks
    for ensure_ascii=False, which is what orjson writes)."""

    loads = staticmethod(orjson.loads)

    @staticmethod
    def dumps(value: Any, ensure_ascii: bool = False) -> str:
        return orjson.dumps(value).decode()


durable.json = _OrJson


class EngineFailure(Exception):
    """The engine could not evaluate a batch; its rules must be reported as `error`."""


class _SynchronousHost(durable.Host):
    """A Host whose background dispatcher never runs: actions run inside assert_facts."""

    def _run(self) -> None:
        return None


KIND = "k"
_MISSING = object()


def _term(field: str, comparison) -> dict[str, Any]:
    if comparison.op == "eq":
        return {field: comparison.value}
    return {_OPERATORS[comparison.op]: {field: comparison.value}}


def _engine_condition(kind: str, conj: Conjunction, aliases: dict[str, str]) -> dict[str, Any]:
    return {"m": {"$and": [{KIND: kind}] + [_term(aliases[c.fact], c) for c in conj]}}


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


@dataclass(frozen=True)
class Questions:
    """The engine conditions of a rule's three questions (rulepack.questions); `applies` is None
    when the rule applies everywhere. A question is answered yes when one of its conditions held."""

    applies: frozenset[int] | None
    fails: frozenset[int]
    pending: frozenset[int]

    def state(self, held: Iterable[int]) -> str:
        """The rule's state on a subject on which the conditions `held` held (docs/rules.md)."""
        if self.applies is not None and self.applies.isdisjoint(held):
            return "not_applicable"
        if self.fails.isdisjoint(held):
            return "pass"
        if not self.pending.isdisjoint(held):
            return "pending"
        return "fail"


class Engine:
    """Rulesets compiled from a rule pack; `matches` evaluates the subjects of a batch of dossiers.

    Each distinct condition (a conjunction of the normal form of a rule's question) is one engine
    rule, numbered; `questions` gives a rule's numbers, to read its state from those that held.
    The conditions of each evaluation phase (Rule.phase: 1 for a verdict and the rules it requires,
    2 for the others) are compiled into rulesets of their own, so that a phase asks only its own.
    """

    _host: _SynchronousHost | None = None
    _names = itertools.count()

    def __init__(self, pack: RulePack):
        self.pack = pack
        catalogue = pack.vocabulary.catalogue
        self._declared = {kind: frozenset(spec) for kind, spec in catalogue.items()}
        # Facts travel to the engine and back (once per match) as JSON: short field names, and only the facts some
        # condition of the pack reads (of 65 facts of a village, a screening's rules read 8), keep that small.
        read = {(rule.subject, c.fact) for rule in pack.rules for dnf in rule.asked.values() for conj in dnf for c in conj}
        aliases = {kind: {name: f"f{i}" for i, name in enumerate(spec)} for kind, spec in catalogue.items()}
        self._fields = {
            kind: [(name, aliases[kind][name], fact.type) for name, fact in spec.items() if (kind, name) in read]
            for kind, spec in catalogue.items()
        }
        self._hits: list[set[int]] | None = None
        self._sessions = itertools.count()
        numbers: dict[tuple[str, Conjunction], int] = {}
        phases: dict[int, set[int]] = {}
        self._questions: dict[tuple[str, str], frozenset[int]] = {}
        for rule in pack.rules:
            for question, dnf in rule.asked.items():
                used = [numbers.setdefault((rule.subject, conj), len(numbers)) for conj in dnf]
                self._questions[(rule.id, question)] = frozenset(used)
                for number in used:
                    phases.setdefault(number, set()).add(rule.phase)
        if Engine._host is None:
            Engine._host = _SynchronousHost()
        self.rulesets: dict[int, list[tuple[str, set[str]]]] = {1: [], 2: []}
        for phase, rulesets in self.rulesets.items():
            compiled = [  # one engine rule per distinct condition, however many questions share it
                (f"c{i}", kind, {"all": [_engine_condition(kind, conj, aliases[kind])], "cap": CAP, "run": self._recorder(i)})
                for (kind, conj), i in numbers.items()
                if phase in phases[i]
            ]
            for group in partition(compiled):
                name = f"cek_{pack.id}_{pack.digest[:12]}_{next(self._names)}"
                definition = {
                    _SEEN: {"all": [{"m": {"$ex": {KIND: 1}}}, {"never": {_SEEN: 1}}], "run": self._ignore},
                    _SENTINEL: {"all": [{"m": {KIND: _SENTINEL}}], "run": self._ignore},
                }
                definition.update({rule_name: body for rule_name, _, body in group})
                Engine._host.register_rulesets({name: definition})
                rulesets.append((name, {kind for _, kind, _ in group}))

    @staticmethod
    def _ignore(_closure) -> None:
        return None

    def _recorder(self, number: int):
        def record(closure) -> None:
            hits = self._hits
            for fact in closure.m:
                hits[fact["id"]].add(number)

        return record

    def questions(self, rule_id: str) -> Questions:
        """The engine conditions of a rule's questions, to read its state on a subject from."""
        asked = self._questions
        return Questions(
            asked.get((rule_id, "applies")), asked.get((rule_id, "fails"), _NONE), asked.get((rule_id, "pending"), _NONE)
        )

    def matches(self, batch: list[list[Subject]], phase: int = 2) -> list[Held]:
        """For each dossier of the batch, the conditions of one phase that hold on each of its subjects (subjects whose
        engine facts are the same share one frozen set).

        The engine is asked once per distinct engine fact of the batch: what holds on a fact depends on its fields
        alone (the facts its pack's conditions read), so subjects that agree on all of them (the villages of a
        roster with the same Sekdes and Kaur situation, the steps of many dossiers) are one question."""
        numbers: dict[tuple, int] = {}
        facts: list[dict[str, Any]] = []
        of_subject = []
        for subjects in batch:
            for subject in subjects:
                fact = self._fact(subject)
                number = numbers.setdefault(tuple(fact.values()), len(numbers))  # its kind first, then its fields in order
                if number == len(facts):
                    fact["id"] = number
                    facts.append(fact)
                of_subject.append(number)
        self._hits = hits = [set() for _ in facts]
        try:
            for ruleset, kinds in self.rulesets[phase]:
                self._assert(ruleset, [f for f in facts if f[KIND] in kinds])
        finally:
            self._hits = None
        held = [frozenset(h) for h in hits]
        out, numbers_of = [], iter(of_subject)
        for subjects in batch:
            out.append({s.key: held[next(numbers_of)] for s in subjects})
        return out

    def _assert(self, ruleset: str, facts: list[dict[str, Any]]) -> None:
        if not facts:
            return
        sid = str(next(self._sessions))
        for fact in facts:
            fact["sid"] = sid
        facts = [*facts, {KIND: _SENTINEL, "id": -1, "sid": sid}]
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

    def _fact(self, subject: Subject) -> dict[str, Any]:
        """The engine fact of a subject: the facts the pack's conditions read, each checked against its declared type,
        from a subject that carries every fact of its kind in the pack's vocabulary and no other (EngineFailure otherwise)."""
        facts = subject.facts
        fact: dict[str, Any] = {KIND: subject.kind}
        for name, alias, declared in self._fields[subject.kind]:
            value = facts.get(name, _MISSING)
            if type(value) is not declared:
                shown = "missing" if value is _MISSING else f"{value!r} is not {declared.__name__}"
                raise EngineFailure(f"{subject.key}.{name}: {shown}: not as declared")
            fact[alias] = value
        declared_facts = self._declared[subject.kind]
        if len(facts) != len(declared_facts) or not declared_facts.issuperset(facts):
            odd = sorted(facts.keys() - declared_facts) or [f"{name} missing" for name in sorted(declared_facts - facts.keys())]
            raise EngineFailure(f"{subject.key}: facts {odd}: not as declared")
        return fact
