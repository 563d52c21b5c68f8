"""Render a language-neutral judgement (`Checker.judge_many`) in one language: the published DossierResult.

The judgement keeps rule ids, states, severities, subjects, paths, lines, the raw place and the values
of each finding, the waiver, the verdict and the stages; the titles, messages, remediations, places
and stage labels are written here, from the pack's texts, in the reader's language. A result stored
before results were neutral (migration 0010) carries the texts it held (`texts`, `labels`, by
language): they are shown as they were until a re-check judges the dossier again.
"""

from __future__ import annotations

from typing import Any

from .. import i18n
from ..packs.rulepack import RulePack, placeholders
from .judgement import thawed
from .results import DossierResult, Finding, NextStep, TimelineStep, WaiverNote


def localize(judged: dict[str, Any], pack: RulePack | None, lang: str) -> DossierResult:
    """The result of a judgement (as `Checker.judge_many` gives it, or as read back from JSON) in `lang`.

    `pack`: the pack that judged it (None if the service no longer has it: the stored texts, or the rule ids)."""
    fields = {k: judged[k] for k in ("file", "sha256", "kind", "code", "name", "kecamatan", "kabupaten", "pack", "verdict", "results")}
    return DossierResult(
        **fields,
        findings=[finding_in(f, pack, lang) for f in judged["findings"]],
        next_steps=[NextStep(stage=s["stage"], label=_label(s, pack, lang)) for s in judged["next_steps"]],
        timeline=[
            TimelineStep(stage=s["stage"], label=_label(s, pack, lang), date=s["date"], status=s["status"], findings=s["findings"])
            for s in judged["timeline"]
        ],
    )


def finding_in(f: dict[str, Any], pack: RulePack | None, lang: str) -> Finding:
    """One finding of a judgement in `lang`."""
    texts = _texts(f, pack, lang)
    waiver = WaiverNote(**f["waiver"]) if f.get("waiver") else None
    return Finding(rule=f["rule"], state=f["state"], severity=f["severity"], reference=f["reference"], subject=f["subject"],
                   path=f["path"], line=f["line"], waiver=waiver, **texts)


def _texts(f: dict[str, Any], pack: RulePack | None, lang: str) -> dict[str, Any]:
    """A finding's title, message, remediation and place in `lang`."""
    if "texts" in f:  # stored before results were neutral
        return f["texts"].get(lang) or f["texts"][i18n.DEFAULT]
    rule = _rule(pack, f["rule"])
    title = rule.title[lang] if rule else f["rule"]
    if "failure" in f or "failure_key" in f:  # the dossier could not be evaluated
        reason = i18n.text(f["failure_key"], lang) if "failure_key" in f else f["failure"]
        return {"title": title, "message": i18n.text("ui.engine_failure", lang, reason=reason),
                "remediation": i18n.text("ui.manual_review", lang), "place": None}
    values = {k: thawed(v) for k, v in f["values"].items()}
    if "unmet" in f:
        values["belum_terpenuhi"] = [f"{r} ({_rule(pack, r).title[lang] if _rule(pack, r) else r})" for r in f["unmet"]]
    place = i18n.place(thawed(f["place"]) or f["path"], lang) or None
    if rule is None:
        return {"title": title, "message": "", "remediation": "", "place": place}
    return {"title": title, "message": render(rule.message[lang], values, lang),
            "remediation": render(rule.remediation[lang], values, lang), "place": place}


def _rule(pack: RulePack | None, rule_id: str):
    """The pack's rule of this id, or None (a pack the service no longer has, a rule it dropped)."""
    return next((r for r in pack.rules if r.id == rule_id), None) if pack is not None else None


def _label(step: dict[str, Any], pack: RulePack | None, lang: str) -> str:
    if "labels" in step:
        return step["labels"].get(lang) or step["labels"][i18n.DEFAULT]
    stage = pack.plan.stages.get(step["stage"]) if pack is not None else None
    return stage.label[lang] if stage else step["stage"]


def render(template: str, values: dict[str, Any], lang: str) -> str:
    """Fill a rule message: booleans, lists, dates and absent values in the reader's language."""
    return template.format_map({k: i18n.show(values[k], lang) for k in placeholders(template)})
