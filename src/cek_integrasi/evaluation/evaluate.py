"""Turn what the engine matched into a state per rule and findings: a judgement in no language.

`Checker.judge_many` gives each dossier's judgement as JSON-safe data (rule ids, states, the values
of each finding, the verdict, the stages); `localize.localize` writes it in a language.

Evaluation has two phases: the engine first judges each dossier's own subject by its verdict rule
(ELG-00) and the rules it requires; the verdict then enters the facts (status_integrasi) and the
stage order, and the engine judges every subject by every other rule.

The state of a rule on one subject (docs/rules.md):
  `applies` absent or matched -> `passes` matched: pass; else `pending` matched: pending; else fail;
  `applies` present and not matched -> not_applicable; a fail covered by a live waiver: waived.
On a dossier: fail if any subject fails, else pending if any is pending, else waived if any is
waived, else pass if any passes, else not_applicable. A verdict rule (ELG-00) is not_applicable
when its `applies` does not hold, pass when every rule it `requires` passes or is waived, fail otherwise.
"""

from __future__ import annotations

import functools
import hashlib
from typing import Any

from .. import i18n
from .engine import Engine, EngineFailure, Held
from ..packs.facts import Context, Subject, VillageSummary
from ..dossiers.model import Dossier
from ..dossiers.reading import Document, join
from .judgement import frozen
from .localize import localize, placeholders
from .results import DossierResult, State
from ..packs.rulepack import Rule, RulePack
from ..packs.subjects import head_of, subjects_of
from .waivers import LoadedWaiver, WaiverSet

SEVERITY_RANK = {"error": 0, "warning": 1, "info": 2}
NO_WAIVERS = WaiverSet()  # a call given no waivers (never changed)
WAIVER_NOTE = {"alasan", "disetujui_oleh", "tanggal", "berlaku_sampai"}


class Checker:
    """Checks dossiers against one rule pack: judged once in no language (`judge_many`), rendered in `lang` by `check`.

    A checker holds no waivers: each call is given those of its run (none by default)."""

    def __init__(self, pack: RulePack, lang: str = i18n.DEFAULT):
        self.pack = pack
        self.lang = lang
        self.engine = Engine(pack)
        self._questions = {r.id: self.engine.questions(r.id) for r in pack.rules}
        self._plain = [r for r in pack.rules if not r.is_verdict]
        self._verdicts = [r for r in pack.rules if r.is_verdict]
        self._order = {r.id: i for i, r in enumerate(pack.rules)}
        self._values = {r.id: _used(r) for r in pack.rules}
        self._kinds = frozenset(r.subject for r in pack.rules)  # the subjects worth building: no rule reads another

    def check(
        self, doc: Document, dossier: Dossier, ctx: Context, villages: dict[str, VillageSummary] | None = None,
        waivers: WaiverSet = NO_WAIVERS,
    ) -> DossierResult:
        """All rule states and findings of one dossier; `villages` are the village dossiers of the same run."""
        return self.check_many([(doc, dossier)], ctx, villages, waivers)[0]

    def check_many(
        self, items: list[tuple[Document, Dossier]], ctx: Context, villages: dict[str, VillageSummary] | None = None,
        waivers: WaiverSet = NO_WAIVERS,
    ) -> list[DossierResult]:
        """Check a batch in two passes of the engine, each result written in `lang`."""
        return [localize(judged, self.pack, self.lang) for judged in self.judge_many(items, ctx, villages, waivers)]

    def judge_many(
        self, items: list[tuple[Document, Dossier]], ctx: Context, villages: dict[str, VillageSummary] | None = None,
        waivers: WaiverSet = NO_WAIVERS,
    ) -> list[dict[str, Any]]:
        """The judgement of each dossier of a batch (JSON-safe, in no language), failures covered by a live waiver of
        `waivers` being `waived`; if the engine fails, each dossier is retried alone."""
        covered = functools.partial(_waiver_of, waivers, ctx)
        out = []
        for (doc, dossier), judged in zip(items, self._judge(items, ctx, villages, covered)):
            if isinstance(judged, str):  # the engine failed on this dossier alone
                out.append(unevaluated(self.pack, doc, dossier, {"failure": judged}))
            else:
                out.append(self._evaluate(doc, dossier, covered, *judged))
        return out

    def _judge(self, items: list[tuple[Document, Dossier]], ctx: Context, villages, covered) -> list[tuple[list[Subject], Held] | str]:
        """Each dossier's subjects and what the engine matched on them, or why the engine failed on it."""
        plan, vocabulary = self.pack.plan, self.pack.vocabulary
        heads = [head_of(dossier, ctx, plan, vocabulary) for _, dossier in items]
        try:
            first = self.engine.matches([[head] for head in heads], phase=1)
            verdicts = [self._first_verdict(d, h, m[h.key], covered) for (_, d), h, m in zip(items, heads, first)]
            subjects = [
                subjects_of(dossier, ctx, plan, vocabulary, villages, verdict, head, self._kinds)
                for (_, dossier), head, verdict in zip(items, heads, verdicts)
            ]
            second = self.engine.matches(subjects, phase=2)
        except EngineFailure as failure:
            if len(items) == 1:
                return [str(failure)]
            return [judged for item in items for judged in self._judge([item], ctx, villages, covered)]
        for held_first, held in zip(first, second):
            for key, numbers in held_first.items():
                held[key] = held[key] | numbers
        return list(zip(subjects, second))

    def _first_verdict(self, dossier: Dossier, head: Subject, held: set[int], covered) -> str | None:
        """The verdict of the dossier's own subject from the first phase, or None (no verdict rule for it)."""
        for rule in self._verdicts:
            if rule.subject == head.kind:
                states = {r: self._subject_state(self.pack.rule(r), dossier, head, held, covered)[0] for r in rule.requires}
                return rule.verdicts[self._verdict_state(rule, [head], {head.key: held}, states)[0]]
        return None

    def _subject_state(self, rule: Rule, dossier: Dossier, subject: Subject, held, covered) -> tuple[State, LoadedWaiver | None]:
        """A rule's state on one subject, a failure covered by a live waiver (`covered`: _waiver_of) being `waived`."""
        state = self._questions[rule.id].state(held)
        waiver = covered(rule, dossier, subject) if state == "fail" else None
        return ("waived" if waiver else state), waiver

    def _evaluate(self, doc: Document, dossier: Dossier, covered, subjects: list[Subject], matched: Held) -> dict[str, Any]:
        states: dict[str, State] = {}
        findings: list[dict[str, Any]] = []
        pending: set[str] = set()
        by_kind: dict[str, list[Subject]] = {}
        for subject in subjects:
            by_kind.setdefault(subject.kind, []).append(subject)
        for rule in self._plain:
            seen: set[State] = set()
            for subject in by_kind.get(rule.subject, ()):
                state, waiver = self._subject_state(rule, dossier, subject, matched.get(subject.key, ()), covered)
                seen.add(state)
                if state in ("pass", "not_applicable"):
                    continue
                if state == "pending":
                    pending.add(subject.key)
                findings.append(self._finding(doc, rule, subject, state, waiver=waiver))
            states[rule.id] = _aggregate(seen)
        verdict = None
        for rule in self._verdicts:
            state, unmet = self._verdict_state(rule, subjects, matched, states)
            states[rule.id] = state
            if any(s.kind == rule.subject for s in subjects):
                verdict = rule.verdicts[state]
            if state == "fail":
                desa = next(s for s in subjects if s.kind == rule.subject)
                findings.append(self._finding(doc, rule, desa, state, unmet=unmet))
        next_steps = [{"stage": s.facts["kode"]} for s in subjects if s.kind == "tahap" and s.key in pending]
        by_subject: dict[str, list[dict[str, Any]]] = {}
        for finding in findings:
            by_subject.setdefault(finding["subject"], []).append(finding)
        timeline = [_step(s, by_subject.get(s.key, [])) for s in subjects if s.kind == "tahap"]
        findings.sort(key=lambda f: (SEVERITY_RANK[f["severity"]], self._order[f["rule"]]))
        states = {r.id: states[r.id] for r in self.pack.rules}
        return _result(self.pack, doc, dossier, states, findings, verdict, next_steps, timeline)

    def _verdict_state(self, rule: Rule, subjects: list[Subject], matched, states) -> tuple[State, list[str]]:
        desa = [s for s in subjects if s.kind == rule.subject]
        if not desa or self._questions[rule.id].state(matched.get(desa[0].key, ())) == "not_applicable":
            return "not_applicable", []
        unmet = [r for r in rule.requires if states[r] not in ("pass", "waived")]
        return ("fail" if unmet else "pass"), unmet

    def _finding(self, doc: Document, rule: Rule, subject: Subject, state: State, unmet=None, waiver=None) -> dict[str, Any]:
        """A finding as the judgement keeps it: the values its texts use, in no language."""
        values = {**subject.facts, **subject.details}
        path = join(subject.path, rule.path) if rule.path else subject.path
        finding = {
            "rule": rule.id,
            "state": state,
            "severity": "info" if state == "pending" else rule.severity,
            "reference": rule.reference,
            "subject": subject.key,
            "path": path,
            "line": doc.line_of(path) if path else None,
            "place": frozen(doc.place_of(path)) if path else None,
            "values": {k: frozen(values[k]) for k in self._values[rule.id] if k in values},
            "waiver": {"file": waiver.file, "index": waiver.index, **waiver.waiver.model_dump(mode="json", include=WAIVER_NOTE)}
            if waiver
            else None,
        }
        if unmet is not None:
            finding["unmet"] = unmet
        return finding


def _waiver_of(waivers: WaiverSet, ctx: Context, rule: Rule, dossier: Dossier, subject: Subject) -> LoadedWaiver | None:
    """The live waiver of `waivers` that covers a failure of `rule` on `subject`, if any."""
    if not waivers.waivers:
        return None
    live = [w for w in waivers.find(rule.id, dossier.kode, subject.key) if w.status_on(ctx.as_of) == "live"]
    return live[0] if live else None


def _used(rule: Rule) -> frozenset[str]:
    """The values a rule's texts use, in every language (those a finding of it keeps)."""
    templates = [*rule.message.values(), *rule.remediation.values()]
    return frozenset().union(*(placeholders(t) for t in templates)) - {"belum_terpenuhi"}


def unevaluated(pack: RulePack, doc: Document, dossier: Dossier, why: dict[str, str]) -> dict[str, Any]:
    """A dossier the engine could not evaluate: every rule `error`, each with a finding asking for manual review.

    `why`: {"failure": the engine's reason} or {"failure_key": a catalogue key saying it in the reader's language}."""
    findings = [
        {"rule": r.id, "state": "error", "severity": "error", "reference": r.reference, "subject": "*", "path": "",
         "line": None, "place": None, "values": {}, "waiver": None, **why}
        for r in pack.rules
    ]
    return _result(pack, doc, dossier, {r.id: "error" for r in pack.rules}, findings, None, [], [])


def _result(pack: RulePack, doc: Document, dossier: Dossier, states, findings, verdict, next_steps, timeline) -> dict[str, Any]:
    return {
        "file": str(doc.path),
        "sha256": hashlib.sha256(doc.raw).hexdigest(),
        "kind": dossier.jenis,
        "code": dossier.kode,
        "name": dossier.nama,
        "kecamatan": dossier.nama if dossier.jenis == "kecamatan" else dossier.kecamatan,
        "kabupaten": dossier.kabupaten,
        "pack": pack.id,
        "verdict": verdict,
        "results": states,
        "findings": findings,
        "next_steps": next_steps,
        "timeline": timeline,
    }


def _step(subject: Subject, findings: list[dict[str, Any]]) -> dict[str, Any]:
    states = {f["state"] for f in findings}
    if states & {"fail", "error"}:
        status = "problem"
    elif "pending" in states:
        status = "pending"
    else:
        status = "done" if subject.facts["tercatat"] else "open"
    date = subject.details["tanggal"]
    return {"stage": subject.facts["kode"], "date": date.isoformat() if date else None, "status": status,
            "findings": [f["rule"] for f in findings]}


def _aggregate(states: set[State]) -> State:
    for state in ("fail", "pending", "waived", "pass"):
        if state in states:
            return state
    return "not_applicable"
