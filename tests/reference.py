"""A reference evaluator: the rule files read by plain Python, following docs/rules.md to the letter.

It shares nothing with the product's evaluation path but the facts (subjects.py): conditions are
interpreted recursively as written (no normal form, no engine), states follow the four steps of
docs/rules.md, a verdict rule follows its own paragraph, and the two phases are followed as written
(`verdict_of` on the dossier's own subject, then every subject built for that verdict). Tests
compare it with the Checker.
"""

from __future__ import annotations

from typing import Any

NUMERIC = {"at_least": "__ge__", "at_most": "__le__", "more_than": "__gt__", "less_than": "__lt__"}


def condition_holds(condition: dict[str, Any], facts: dict[str, Any]) -> bool:
    if "all" in condition:
        return all(condition_holds(c, facts) for c in condition["all"])
    if "any" in condition:
        return any(condition_holds(c, facts) for c in condition["any"])
    if "not" in condition:
        return not condition_holds(condition["not"], facts)
    value = facts[condition["fact"]]
    (op, expected), = ((k, v) for k, v in condition.items() if k != "fact")
    if op == "is":
        return value == expected
    if op == "is_not":
        return value != expected
    if op == "one_of":
        return value in expected
    if op == "not_one_of":
        return value not in expected
    return getattr(value, NUMERIC[op])(expected)


def subject_state(rule, facts: dict[str, Any]) -> str:
    written = rule.written
    if "applies" in written and not condition_holds(written["applies"], facts):
        return "not_applicable"
    if condition_holds(written["passes"], facts):
        return "pass"
    if "pending" in written and condition_holds(written["pending"], facts):
        return "pending"
    return "fail"


def verdict_of(pack, head) -> str | None:
    """The first phase: the verdict of a dossier's own subject from the rules its verdict rule requires."""
    for rule in pack.rules:
        if rule.requires and rule.subject == head.kind:
            if "applies" in rule.written and not condition_holds(rule.written["applies"], head.facts):
                return rule.verdicts["not_applicable"]
            passed = all(subject_state(pack.rule(r), head.facts) == "pass" for r in rule.requires)
            return rule.verdicts["pass" if passed else "fail"]
    return None


def evaluate(pack, subjects) -> tuple[dict[str, str], set[tuple[str, str, str]], str | None]:
    """(state per rule, {(rule, subject key, state)} of every finding, verdict)."""
    results: dict[str, str] = {}
    findings: set[tuple[str, str, str]] = set()
    for rule in pack.rules:
        if rule.requires:
            continue
        states = []
        for subject in subjects:
            if subject.kind == rule.subject:
                state = subject_state(rule, subject.facts)
                states.append(state)
                if state in ("fail", "pending"):
                    findings.add((rule.id, subject.key, state))
        if "fail" in states:
            results[rule.id] = "fail"
        elif "pending" in states:
            results[rule.id] = "pending"
        elif "pass" in states:
            results[rule.id] = "pass"
        else:
            results[rule.id] = "not_applicable"
    verdict = None
    for rule in pack.rules:
        if not rule.requires:
            continue
        own = [s for s in subjects if s.kind == rule.subject]
        if not own or ("applies" in rule.written and not condition_holds(rule.written["applies"], own[0].facts)):
            results[rule.id] = "not_applicable"
        elif all(results[r] == "pass" for r in rule.requires):
            results[rule.id] = "pass"
        else:
            results[rule.id] = "fail"
            findings.add((rule.id, own[0].key, "fail"))
        if own:
            verdict = rule.verdicts[results[rule.id]]
    return results, findings, verdict
