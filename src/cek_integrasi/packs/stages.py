"""The planning steps of a rule pack and the order they must follow (rules/<pack>/stages.yaml).

Each sequence says "every step is not later than the next"; a list inside a sequence is a group
whose members follow the step before it and precede the step after it. Which sequences count
depends on the dossier's situation (`when`, keys among the vocabulary's situations: its verdict, and
what each bundle adds, vocabulary.py). From the sequences that count, `Order` answers which steps must come before or
after a step (transitively).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from .facts import FactSpec

if TYPE_CHECKING:
    from ..dossiers.model import Tahap

Recorded = dict[str, tuple[int, "Tahap"]]


def recorded_stages(tahapan: list[Tahap]) -> Recorded:
    """Stage code -> (index, record) of its earliest-dated entry in a dossier's tahapan, earliest first.

    A stage recorded twice counts from when it first took place, and the stages are listed by date
    (then code), so nothing depends on the order the entries are written in; entries of one stage
    on one date are told apart by their content. `latest_stage_dates` gives the other end (a repeat
    dated after the as-of date).
    """
    chosen: dict[str, tuple[tuple, int, Tahap]] = {}
    for i, stage in enumerate(tahapan):
        key = (stage.tanggal, stage.model_dump_json())
        if stage.kode not in chosen or key < chosen[stage.kode][0]:
            chosen[stage.kode] = (key, i, stage)
    ordered = sorted(chosen.items(), key=lambda item: (item[1][0][0], item[0]))
    return {code: (i, stage) for code, (_, i, stage) in ordered}


def latest_stage_dates(tahapan: list[Tahap]) -> dict[str, dt.date]:
    """Stage code -> the latest date any of its entries carries."""
    out: dict[str, dt.date] = {}
    for stage in tahapan:
        if stage.kode not in out or stage.tanggal > out[stage.kode]:
            out[stage.kode] = stage.tanggal
    return out


def stage_date(stages: Recorded, code: str) -> dt.date | None:
    """Date of a recorded stage, or None."""
    found = stages.get(code)
    return found[1].tanggal if found else None


@dataclass(frozen=True)
class Stage:
    """A planning step the pack knows, with its name in both languages."""

    code: str
    level: str
    label: dict[str, str]
    reference: str


@dataclass(frozen=True)
class Sequence:
    """Steps in order; `when` lists the situations it counts in (any of them; none listed: always)."""

    id: str
    reference: str
    steps: tuple[tuple[str, ...], ...]
    when: tuple[dict[str, Any], ...] = ()

    def counts_for(self, situation: dict[str, Any]) -> bool:
        return not self.when or any(all(situation.get(k) == v for k, v in case.items()) for case in self.when)


class Order:
    """Precedence between the steps of the sequences that count for one dossier (closures precomputed)."""

    def __init__(self, stages: dict[str, Stage], edges: frozenset[tuple[str, str]]):
        self.stages = stages
        self.edges = edges
        present = {code for edge in edges for code in edge}
        self._after = {code: self._reach(code, {a: set() for a in present} | _successors(edges)) for code in present}
        self._before = {code: {a for a in present if code in self._after[a]} for code in present}
        self._steps = {
            level: [code for code, stage in stages.items() if stage.level == level and code in present]
            for level in {stage.level for stage in stages.values()}
        }

    def steps(self, level: str) -> list[str]:
        """Steps of one level that appear in the order, earliest first (pack order among equals)."""
        return self._steps.get(level, [])

    def before(self, code: str) -> set[str]:
        """Every step that must come before `code`, directly or through others."""
        return self._before.get(code, set())

    def after(self, code: str) -> set[str]:
        """Every step that must come after `code`."""
        return self._after.get(code, set())

    @staticmethod
    def _reach(code: str, successors: dict[str, set[str]]) -> set[str]:
        seen: set[str] = set()
        frontier = [code]
        while frontier:
            for nxt in successors.get(frontier.pop(), ()):
                if nxt not in seen:
                    seen.add(nxt)
                    frontier.append(nxt)
        return seen


def _successors(edges: frozenset[tuple[str, str]]) -> dict[str, set[str]]:
    out: dict[str, set[str]] = {}
    for a, b in edges:
        out.setdefault(a, set()).add(b)
    return out


@dataclass(frozen=True)
class StagePlan:
    """All stages and sequences of a pack."""

    stages: dict[str, Stage]
    sequences: tuple[Sequence, ...]
    _orders: dict = field(default_factory=dict, compare=False, repr=False)

    def due_before(self, code: str, forum: str | None) -> bool:
        """Whether step `code` is due in a check before `forum` (--before): without one every step is; with
        one only the steps that precede it in some sequence of the pack (neither the forum itself nor what
        follows it is due yet)."""
        if forum is None:
            return True
        if None not in self._orders:
            self._orders[None] = Order(self.stages, frozenset(e for seq in self.sequences for e in _edges(seq)))
        return code in self._orders[None].before(forum)

    def order(self, situation: dict[str, Any]) -> Order:
        """The order for a situation (cached: a pack has only a handful of situations)."""
        key = tuple(sorted(situation.items()))
        if key not in self._orders:
            edges = frozenset(e for seq in self.sequences if seq.counts_for(situation) for e in _edges(seq))
            self._orders[key] = Order(self.stages, edges)
        return self._orders[key]


def parse(data: dict[str, Any], situations: dict[str, FactSpec]) -> StagePlan:
    """Build the plan from a schema-valid stages file whose `when` may test `situations`; raise ValueError on
    unknown or cyclic steps or an unknown situation."""
    stages = {s["code"]: Stage(s["code"], s["level"], s["label"], s["reference"]) for s in data["stages"]}
    sequences = []
    for seq in data["sequences"]:
        steps = tuple(tuple(step) if isinstance(step, list) else (step,) for step in seq["steps"])
        unknown = sorted({code for step in steps for code in step} - stages.keys())
        if unknown:
            raise ValueError(f"sequence {seq['id']}: unknown steps {', '.join(unknown)}")
        written = seq.get("when", ())
        when = tuple(written) if isinstance(written, list) else (written,) if written else ()
        for case in when:
            for key, value in case.items():
                spec = situations.get(key)
                if spec is None or type(value) is not spec.type:
                    expected = f"{', '.join(situations)}" if spec is None else spec.type.__name__
                    raise ValueError(f"sequence {seq['id']}: when {key}: {value!r}: expected {expected} (docs/facts.md)")
        sequences.append(Sequence(seq["id"], seq["reference"], steps, when))
    plan = StagePlan(stages, tuple(sequences))
    everything = Order(stages, frozenset(e for s in sequences for e in _edges(s)))
    cyclic = sorted(code for code in stages if code in everything.after(code))
    if cyclic:
        raise ValueError(f"the order has a cycle through {', '.join(cyclic)}")
    return plan


def _edges(seq: Sequence) -> set[tuple[str, str]]:
    return {(a, b) for earlier, later in zip(seq.steps, seq.steps[1:]) for a in earlier for b in later}
