"""Turn what the engine matched into a state per rule and findings with plain-words messages.

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
import string
from typing import Any

from .. import i18n
from .engine import Engine, EngineFailure, Held
from ..packs.facts import Context, Subject, VillageSummary
from ..dossiers.model import Dossier
from ..dossiers.reading import Document, join
from .results import DossierResult, Finding, NextStep, State, TimelineStep, WaiverNote
from ..packs.rulepack import Rule, RulePack
from ..packs.subjects import head_of, subjects_of
from .waivers import LoadedWaiver, WaiverSet

NO_WAIVERS = WaiverSet()  # a call given no waivers (never changed)
SEVERITY_RANK = {"error": 0, "warning": 1, "info": 2}
WAIVER_NOTE = {"alasan", "disetujui_oleh", "tanggal", "berlaku_sampai"}


class Checker:
    """Checks dossiers against one rule pack; its results are in `lang` unless other languages are asked.

    The engine's judgement does not depend on the language: `check_in_languages` judges a batch once
    and writes each result in several languages (the service keeps Indonesian and English). A checker
    holds no waivers: each call is given those of its run (none by default).
    """

    def __init__(self, pack: RulePack, lang: str = i18n.DEFAULT):
        self.pack = pack
        self.lang = lang
        self.engine = Engine(pack)
        self._questions = {r.id: self.engine.questions(r.id) for r in pack.rules}
        self._plain = [r for r in pack.rules if not r.is_verdict]
        self._verdicts = [r for r in pack.rules if r.is_verdict]
        self._order = {r.id: i for i, r in enumerate(pack.rules)}

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
        """Check a batch in two passes of the engine; if the engine fails, each dossier is retried alone."""
        return [results[self.lang] for results in self.check_in_languages(items, ctx, villages, (self.lang,), waivers)]

    def check_in_languages(
        self, items: list[tuple[Document, Dossier]], ctx: Context, villages: dict[str, VillageSummary] | None, langs: tuple[str, ...],
        waivers: WaiverSet = NO_WAIVERS,
    ) -> list[dict[str, DossierResult]]:
        """The result of each dossier of a batch in each language of `langs`, from one judgement of the engine;
        failures covered by a live waiver of `waivers` are `waived`."""
        covered = functools.partial(_waiver_of, waivers, ctx)
        out = []
        for (doc, dossier), judged in zip(items, self._judge(items, ctx, villages, covered)):
            if isinstance(judged, str):  # the engine failed on this dossier alone
                out.append({lang: unevaluated(self.pack, lang, doc, dossier, judged) for lang in langs})
            else:
                out.append({lang: self._evaluate(doc, dossier, covered, *judged, lang) for lang in langs})
        return out

    def _judge(self, items: list[tuple[Document, Dossier]], ctx: Context, villages, covered) -> list[tuple[list[Subject], Held] | str]:
        """Each dossier's subjects and what the engine matched on them, or why the engine failed on it."""
        heads = [head_of(dossier, ctx, self.pack.plan) for _, dossier in items]
        try:
            first = self.engine.matches([[head] for head in heads], phase=1)
            verdicts = [self._first_verdict(d, h, m[h.key], covered) for (_, d), h, m in zip(items, heads, first)]
            subjects = [
                subjects_of(dossier, ctx, self.pack.plan, villages, verdict, head)
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

    def _evaluate(self, doc: Document, dossier: Dossier, covered, subjects: list[Subject], matched: Held, lang: str) -> DossierResult:
        states: dict[str, State] = {}
        findings: list[Finding] = []
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
                findings.append(self._finding(doc, rule, subject, state, lang, waiver=waiver))
            states[rule.id] = _aggregate(seen)
        verdict = None
        for rule in self._verdicts:
            state, unmet = self._verdict_state(rule, subjects, matched, states)
            states[rule.id] = state
            if any(s.kind == rule.subject for s in subjects):
                verdict = rule.verdicts[state]
            if state == "fail":
                desa = next(s for s in subjects if s.kind == rule.subject)
                extra = {"belum_terpenuhi": [f"{r} ({self.pack.rule(r).title[lang]})" for r in unmet]}
                findings.append(self._finding(doc, rule, desa, state, lang, extra))
        next_steps = [
            NextStep(stage=s.facts["kode"], label=s.details["label"][lang])
            for s in subjects
            if s.kind == "tahap" and s.key in pending
        ]
        by_subject: dict[str, list[Finding]] = {}
        for finding in findings:
            by_subject.setdefault(finding.subject, []).append(finding)
        timeline = [_step(s, by_subject.get(s.key, []), lang) for s in subjects if s.kind == "tahap"]
        findings.sort(key=lambda f: (SEVERITY_RANK[f.severity], self._order[f.rule]))
        states = {r.id: states[r.id] for r in self.pack.rules}
        return _result(self.pack, doc, dossier, states, findings, verdict, next_steps, timeline)

    def _verdict_state(self, rule: Rule, subjects: list[Subject], matched, states) -> tuple[State, list[str]]:
        desa = [s for s in subjects if s.kind == rule.subject]
        if not desa or self._questions[rule.id].state(matched.get(desa[0].key, ())) == "not_applicable":
            return "not_applicable", []
        unmet = [r for r in rule.requires if states[r] not in ("pass", "waived")]
        return ("fail" if unmet else "pass"), unmet

    def _finding(self, doc: Document, rule: Rule, subject: Subject, state: State, lang: str, extra=None, waiver=None) -> Finding:
        values = {**subject.facts, **subject.details, **(extra or {})}
        path = join(subject.path, rule.path) if rule.path else subject.path
        return Finding(
            rule=rule.id,
            state=state,
            severity="info" if state == "pending" else rule.severity,
            title=rule.title[lang],
            message=render(rule.message[lang], values, lang),
            reference=rule.reference,
            remediation=render(rule.remediation[lang], values, lang),
            subject=subject.key,
            path=path,
            line=doc.line_of(path) if path else None,
            place=i18n.place(doc.place_of(path) or path, lang) or None,
            waiver=WaiverNote(file=waiver.file, index=waiver.index, **waiver.waiver.model_dump(include=WAIVER_NOTE))
            if waiver
            else None,
        )


def _waiver_of(waivers: WaiverSet, ctx: Context, rule: Rule, dossier: Dossier, subject: Subject) -> LoadedWaiver | None:
    """The live waiver of `waivers` that covers a failure of `rule` on `subject`, if any."""
    if not waivers.waivers:
        return None
    live = [w for w in waivers.find(rule.id, dossier.kode, subject.key) if w.status_on(ctx.as_of) == "live"]
    return live[0] if live else None


def unevaluated(pack: RulePack, lang: str, doc: Document, dossier: Dossier, reason: str) -> DossierResult:
    """A dossier the engine could not evaluate: every rule `error`, each with a finding asking for manual review."""
    message = i18n.text("ui.engine_failure", lang, reason=reason)
    findings = [
        Finding(
            rule=r.id,
            state="error",
            severity="error",
            title=r.title[lang],
            message=message,
            reference=r.reference,
            remediation=i18n.text("ui.manual_review", lang),
            subject="*",
            path="",
        )
        for r in pack.rules
    ]
    return _result(pack, doc, dossier, {r.id: "error" for r in pack.rules}, findings, None, [], [])


def _result(pack: RulePack, doc: Document, dossier: Dossier, states, findings, verdict, next_steps, timeline) -> DossierResult:
    return DossierResult(
        file=str(doc.path),
        sha256=hashlib.sha256(doc.raw).hexdigest(),
        kind=dossier.jenis,
        code=dossier.kode,
        name=dossier.nama,
        kecamatan=dossier.nama if dossier.jenis == "kecamatan" else dossier.kecamatan,
        kabupaten=dossier.kabupaten,
        pack=pack.id,
        verdict=verdict,
        results=states,
        findings=findings,
        next_steps=next_steps,
        timeline=timeline,
    )


def _step(subject: Subject, findings: list[Finding], lang: str) -> TimelineStep:
    states = {f.state for f in findings}
    if states & {"fail", "error"}:
        status = "problem"
    elif "pending" in states:
        status = "pending"
    else:
        status = "done" if subject.facts["tercatat"] else "open"
    return TimelineStep(
        stage=subject.facts["kode"],
        label=subject.details["label"][lang],
        date=subject.details["tanggal"],
        status=status,
        findings=[f.rule for f in findings],
    )


def _aggregate(states: set[State]) -> State:
    for state in ("fail", "pending", "waived", "pass"):
        if state in states:
            return state
    return "not_applicable"


@functools.cache
def placeholders(template: str) -> frozenset[str]:
    """Names used as {placeholders} in a message template (the templates are few: kept)."""
    return frozenset(name for _, name, _, _ in string.Formatter().parse(template) if name)


def render(template: str, values: dict[str, Any], lang: str) -> str:
    """Fill a rule message: booleans, lists, dates and absent values in the reader's language."""
    return template.format_map({k: i18n.show(values[k], lang) for k in placeholders(template)})
