"""What the rule pack knows: `rules list`, `rules show` and `stages`."""

from __future__ import annotations

import json
import sys

import click
import yaml

from .. import i18n
from ..terminal import table, wrap
from .base import EXIT_INPUT, _load, catalogue_pack_option, lang_option, main

@main.group()
def rules() -> None:
    """List and show the rules of a rule pack."""


def _rule_record(rule) -> dict:
    record = {
        "id": rule.id,
        "family": rule.family,
        "severity": rule.severity,
        "subject": rule.subject,
        "reference": rule.reference,
        "title": rule.title,
        "message": rule.message,
        "remediation": rule.remediation,
        "description": rule.description,
        "file": rule.source_file,
        **rule.written,
    }
    if rule.is_verdict:
        record.update(requires=rule.requires, verdicts=rule.verdicts)
    return record


@rules.command("list")
@click.option("--format", "fmt", type=click.Choice(["table", "json"]), default="table", show_default=True)
@lang_option
@catalogue_pack_option
def rules_list(fmt, lang, pack_id) -> None:
    """Every rule with its severity, reference and title."""
    pack = _load(pack_id)
    if fmt == "json":
        payload = {"pack": {"id": pack.id, "version": pack.version, "sha256": pack.digest},
                   "rules": [_rule_record(r) for r in pack.rules]}
        click.echo(json.dumps(payload, ensure_ascii=False, indent=2))
        return
    rows = [[r.id, i18n.text(f"severity.{r.severity}", lang), r.reference, r.title[lang]] for r in pack.rules]
    headers = [i18n.text(f"ui.{k}", lang) for k in ("col_rule", "col_severity", "col_reference", "col_title")]
    click.echo(table(rows, headers, [7, 10, 30, 60], "simple", {0: 6, 1: 10}))


@rules.command("show")
@click.argument("rule_id")
@lang_option
@catalogue_pack_option
def rules_show(rule_id, lang, pack_id) -> None:
    """One rule with all its metadata and its conditions as written."""
    pack = _load(pack_id)
    try:
        rule = pack.rule(rule_id.upper())
    except KeyError:
        click.echo(i18n.text("ui.rule_not_found", lang, rule=rule_id), err=True)
        sys.exit(EXIT_INPUT)
    click.echo(yaml.safe_dump(_rule_record(rule), allow_unicode=True, sort_keys=False, width=100), nl=False)


@main.command()
@click.option("--format", "fmt", type=click.Choice(["table", "json"]), default="table", show_default=True)
@lang_option
@catalogue_pack_option
def stages(fmt, lang, pack_id) -> None:
    """The planning steps and the order they must follow, with their sources."""
    plan = _load(pack_id).plan
    if fmt == "json":
        payload = {
            "stages": [vars(s) for s in plan.stages.values()],
            "sequences": [
                {"id": q.id, "reference": q.reference, "when": list(q.when), "steps": [list(step) for step in q.steps]}
                for q in plan.sequences
            ],
        }
        click.echo(json.dumps(payload, ensure_ascii=False, indent=2))
        return
    rows = [[s.code, s.level, s.label[lang], s.reference] for s in plan.stages.values()]
    headers = [i18n.text(f"ui.{k}", lang) for k in ("col_stage", "col_level", "col_title", "col_reference")]
    click.echo(table(rows, headers, [18, 9, 45, 28], "simple", {1: 9}))
    click.echo()
    click.echo(wrap(i18n.text("ui.order_intro", lang)))
    for seq in plan.sequences:
        when = " | ".join(", ".join(f"{k}={json.dumps(v)}" for k, v in case.items()) for case in seq.when)
        chain = " -> ".join(" + ".join(step) if len(step) > 1 else step[0] for step in seq.steps)
        click.echo("\n" + wrap(f"{seq.id}" + (f" [{when}]" if when else "") + f"  ({seq.reference})", "  "))
        click.echo(wrap(f"  {chain}", "  "))
