"""The condition language of rule files, and its normal form.

A condition is one of
  {fact: NAME, is: V} | {fact: NAME, is_not: V} | {fact: NAME, at_least: N} | {fact: NAME, at_most: N}
  | {fact: NAME, more_than: N} | {fact: NAME, less_than: N} | {fact: NAME, one_of: [V, ...]}
  | {fact: NAME, not_one_of: [V, ...]} | {all: [C, ...]} | {any: [C, ...]} | {not: C}
over the named facts of one subject (docs/facts.md). `to_dnf` rewrites it into a disjunction of
conjunctions of single comparisons (negations pushed down, `one_of` expanded), the only shape
that is handed to the engine: one engine rule per conjunction, no nested $or/$and, no joins.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

NUMERIC = ("at_least", "at_most", "more_than", "less_than")
_NEGATED = {"eq": "neq", "neq": "eq", "gte": "lt", "lt": "gte", "lte": "gt", "gt": "lte"}
_BASIC = {"is": "eq", "is_not": "neq", "at_least": "gte", "at_most": "lte", "more_than": "gt", "less_than": "lt"}
MAX_CONJUNCTIONS = 32


@dataclass(frozen=True)
class Comparison:
    """`fact <op> value` with op in eq, neq, gte, lte, gt, lt."""

    fact: str
    op: str
    value: Any


Conjunction = tuple[Comparison, ...]


def atoms(condition: dict[str, Any]) -> list[tuple[str, str, Any]]:
    """Every (fact, operator, value) written in a condition, for load-time checks."""
    if "all" in condition or "any" in condition:
        return [a for part in condition.get("all", condition.get("any")) for a in atoms(part)]
    if "not" in condition:
        return atoms(condition["not"])
    op = next(k for k in condition if k != "fact")
    return [(condition["fact"], op, condition[op])]


def to_dnf(condition: dict[str, Any], negate: bool = False) -> list[Conjunction]:
    """Disjunctive normal form of a (schema-valid) condition."""
    if "not" in condition:
        return to_dnf(condition["not"], not negate)
    if "all" in condition or "any" in condition:
        conjunctive = ("all" in condition) != negate
        parts = [to_dnf(part, negate) for part in condition.get("all", condition.get("any"))]
        if not conjunctive:
            return _dedupe([conj for part in parts for conj in part])
        product: list[Conjunction] = [()]
        for part in parts:
            product = [left + right for left in product for right in part]
        return _dedupe(product)
    op = next(k for k in condition if k != "fact")
    fact, value = condition["fact"], condition[op]
    if op in ("one_of", "not_one_of"):
        inner = {"any": [{"fact": fact, "is": v} for v in value]}
        return to_dnf(inner if op == "one_of" else {"not": inner}, negate)
    basic = _BASIC[op]
    return [(Comparison(fact, _NEGATED[basic] if negate else basic, value),)]


def _dedupe(conjunctions: list[Conjunction]) -> list[Conjunction]:
    out: list[Conjunction] = []
    for conj in conjunctions:
        unique = tuple(dict.fromkeys(conj))
        if unique not in out:
            out.append(unique)
    return out

