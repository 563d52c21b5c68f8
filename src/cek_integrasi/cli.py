"""The `cek-integrasi` command line.

Exit codes: 0 no finding at or above --fail-on; 1 findings at or above it; 2 usage or input error
(a file that could not be read makes the run end with 2, after every other file was checked).
"""

from __future__ import annotations

import datetime as dt
import json
import os
import sys
from pathlib import Path

import click
import yaml
from tabulate import tabulate

from . import i18n
from .dossier import load_dossier
from .errors import InputError
from .facts import Context
from .outputs import OutputError, guard, write_atomic
from .render import FORMATS, Parts, render, render_input_problem, render_problem
from .report import Report
from .rulepack import DEFAULT_PACK, RulePack, RulePackError, load_pack
from .run import Run, dossier_files
from .waivers import WaiverSet, load_waivers
from .workers import WorkerPool, validate_batch

# Commands that need spreadsheets, HTML or the web import those modules when they run, so that
# `check` starts fast (a kabupaten's check is about one second, a quarter of it process start).

SEVERITY_ORDER = ("info", "warning", "error")
EXIT_FINDINGS, EXIT_INPUT = 1, 2


def _as_of(ctx, _param, value: str | None) -> dt.date:
    if value is None:
        return dt.date.today()
    try:
        return dt.date.fromisoformat(value)
    except ValueError:
        raise click.BadParameter(i18n.text("ui.bad_date", ctx.params.get("lang", i18n.DEFAULT), value=value)) from None


def _load(pack_id: str) -> RulePack:
    try:
        return load_pack(pack_id)
    except RulePackError as exc:
        click.echo(f"cek-integrasi: {exc}", err=True)
        sys.exit(EXIT_INPUT)


pack_option = click.option("--pack", "pack_id", default=DEFAULT_PACK, show_default=True, help="Rule pack in rules/.")
lang_option = click.option(
    "--lang", type=click.Choice(i18n.LANGUAGES), default=i18n.DEFAULT, show_default=True, is_eager=True
)


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(package_name="cek-integrasi")
def main() -> None:
    """Check village planning dossiers against the Panduan Teknis Integrasi (PNPM-MPd into Musrenbang)."""


def run_options(command):
    """The options shared by `check` and `report`: what to check, as of when, with which waivers."""
    options = [
        click.argument("paths", nargs=-1, required=True, type=click.Path(path_type=Path)),
        lang_option,
        click.option("--as-of", callback=_as_of, metavar="YYYY-MM-DD", help="Judge the dossiers as of this date (default: today)."),
        click.option("--before", metavar="STAGE", help="Pre-check before a forum, e.g. musrenbangdes_rkp: every step it needs must be in place."),
        click.option("--complete", is_flag=True, help="Complete-cycle audit: every step and yearly duty is due."),
        click.option("--waivers", "waiver_files", multiple=True, type=click.Path(path_type=Path), metavar="FILE",
                     help="Waiver file (repeatable); see docs/waivers.md."),
        click.option("--no-waivers", is_flag=True, help="Ignore every waiver: the unwaived truth."),
        click.option("--jobs", type=click.IntRange(min=1), default=os.cpu_count() or 1, show_default="number of cores",
                     help="Worker processes checking dossiers in parallel."),
        pack_option,
    ]
    for option in reversed(options):
        command = option(command)
    return command


def _run(paths, lang, as_of, before, complete, waiver_files, no_waivers, jobs, pack_id, output: Path | None = None) -> Run:
    """Load the pack, the waivers and the files, refuse an output over an input; the run to iterate."""
    pack = _load(pack_id)
    if before is not None and before not in pack.plan.stages:
        _fail(i18n.text("ui.unknown_stage", lang, stage=before, choices=", ".join(pack.plan.stages)))
    files = dossier_files(paths)
    if not files:
        _fail(i18n.text("ui.no_dossiers", lang, path=", ".join(map(str, paths))))
    try:
        waivers = WaiverSet() if no_waivers else load_waivers(list(waiver_files), {r.id for r in pack.rules})
    except InputError as error:
        _fail("\n".join(render_problem(p, lang) for p in getattr(error, "problems", [error])))
    if output is not None:
        try:
            guard(output, [*files, *waiver_files])
        except OutputError:
            _fail(i18n.text("ui.output_is_input", lang, path=output))
    return Run(pack, lang, waivers, files, Context(as_of=as_of, complete=complete, before=before), jobs)


def _fail(message: str) -> None:
    click.echo(message, err=True)
    sys.exit(EXIT_INPUT)


@main.command()
@run_options
@click.option("--format", "fmt", type=click.Choice(list(FORMATS)), default="table", show_default=True)
@click.option("--fail-on", type=click.Choice(SEVERITY_ORDER[::-1]), default="error", show_default=True,
              help="Exit 1 when a finding has this severity or a higher one.")
def check(fmt, fail_on, **run) -> None:
    """Check dossier files (YAML/JSON) or folders of them; print the findings."""
    checking = _run(**run)
    results = checking.results_json() if fmt == "json" else checking.results()
    for chunk in FORMATS[fmt](Parts(checking.header(), results, checking.footer)):
        click.echo(chunk, nl=False)
    if checking.problems:
        sys.exit(EXIT_INPUT)
    threshold = SEVERITY_ORDER.index(fail_on)
    if any(checking.severities[s] for s in SEVERITY_ORDER[threshold:]):
        sys.exit(EXIT_FINDINGS)


def _report_bytes(fmt: str, report: Report) -> bytes:
    if fmt == "html":
        from .html_report import render_html

        return render_html(report).encode("utf-8")
    if fmt == "xlsx":
        from .xlsx_report import report_workbook

        return report_workbook(report)
    return render(fmt, report).encode("utf-8")


REPORT_FORMATS = ("html", "xlsx", "markdown", "json")


@main.command()
@run_options
@click.option("--format", "fmt", type=click.Choice(REPORT_FORMATS), default="html", show_default=True)
@click.option("-o", "--output", type=click.Path(path_type=Path, dir_okay=False), required=True, help="File to write.")
def report(fmt, output, **run) -> None:
    """Write a compliance report (HTML, XLSX, Markdown or JSON) for a kecamatan or kabupaten.

    Exit 0 when written; 2 when some input could not be read (the report is written and lists it).
    """
    checking = _run(**run, output=output)
    result = Report(**checking.header(), dossiers=list(checking.results()), **checking.footer())
    try:
        write_atomic(output, _report_bytes(fmt, result))
    except OSError as error:
        _fail(i18n.text("ui.output_failed", run["lang"], path=output, reason=error.strerror or error))
    click.echo(i18n.text("ui.written", run["lang"], path=output, dossiers=result.summary.dossiers), err=True)
    if result.input_errors:
        sys.exit(EXIT_INPUT)


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
@pack_option
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
    click.echo(tabulate(rows, headers=headers, tablefmt="simple", maxcolwidths=[None, None, 30, 60]))


@rules.command("show")
@click.argument("rule_id")
@lang_option
@pack_option
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
@pack_option
def stages(fmt, lang, pack_id) -> None:
    """The planning steps and the order they must follow, with their sources."""
    plan = _load(pack_id).plan
    if fmt == "json":
        payload = {
            "stages": [vars(s) for s in plan.stages.values()],
            "sequences": [
                {"id": q.id, "reference": q.reference, "when": q.when, "steps": [list(step) for step in q.steps]}
                for q in plan.sequences
            ],
        }
        click.echo(json.dumps(payload, ensure_ascii=False, indent=2))
        return
    rows = [[s.code, s.level, s.label[lang], s.reference] for s in plan.stages.values()]
    headers = [i18n.text(f"ui.{k}", lang) for k in ("col_stage", "col_level", "col_title", "col_reference")]
    click.echo(tabulate(rows, headers=headers, tablefmt="simple"))
    click.echo()
    click.echo(i18n.text("ui.order_intro", lang))
    for seq in plan.sequences:
        when = ", ".join(f"{k}={json.dumps(v)}" for k, v in seq.when.items())
        chain = " -> ".join(" + ".join(step) if len(step) > 1 else step[0] for step in seq.steps)
        click.echo(f"\n{seq.id}" + (f" [{when}]" if when else "") + f"  ({seq.reference})\n  {chain}")


@main.command()
@click.argument("old", type=click.Path(path_type=Path))
@click.argument("new", type=click.Path(path_type=Path))
@click.option("--format", "fmt", type=click.Choice(["table", "json"]), default="table", show_default=True)
@lang_option
def diff(old, new, fmt, lang) -> None:
    """Findings new, fixed and unchanged between two JSON reports (by village, rule and document)."""
    from .diffing import diff_reports

    try:
        result = diff_reports(old, new)
    except InputError as error:
        click.echo(render_problem(error, lang), err=True)
        sys.exit(EXIT_INPUT)
    if fmt == "json":
        click.echo(result.model_dump_json(indent=2))
        return
    headers = [i18n.text(f"ui.{k}", lang) for k in ("col_code", "col_village", "col_rule", "col_subject", "col_state", "col_message")]
    for key, changes in (("diff_new", result.new_findings), ("diff_fixed", result.fixed), ("diff_unchanged", result.unchanged)):
        click.echo(f"{i18n.text(f'ui.{key}', lang)}: {len(changes)}")
        if changes:
            rows = [[c.code, c.name, c.rule, c.subject, _states(c, lang), c.message] for c in changes]
            click.echo(tabulate(rows, headers=headers, tablefmt="simple", maxcolwidths=[None, 20, None, 24, 22, 60]))
        click.echo()


def _states(change, lang: str) -> str:
    show = lambda state: i18n.text(f"state.{state}", lang) if state else "-"  # noqa: E731
    return show(change.new_state) if change.old_state == change.new_state else f"{show(change.old_state)} -> {show(change.new_state)}"


@main.command()
@click.argument("roster", required=False, type=click.Path(path_type=Path, dir_okay=False))
@click.option("--format", "fmt", type=click.Choice(["table", "json", "csv", "html", "xlsx"]), default="table", show_default=True)
@click.option("-o", "--output", type=click.Path(path_type=Path, dir_okay=False), help="File to write (required for xlsx).")
@click.option("--template", is_flag=True, help="Print an empty roster (CSV), or write one to -o (.csv or .xlsx).")
@lang_option
@click.option("--as-of", callback=_as_of, metavar="YYYY-MM-DD", help="Judge as of this date (default: today).")
@pack_option
def screen(roster, fmt, output, template, lang, as_of, pack_id) -> None:
    """Screen a kabupaten roster (CSV/XLSX): which villages must integrate, which not and why.

    Exit 0 when every row was screened; 2 when some rows had problems (listed with row and column).
    """
    from . import screen_render, screening
    from .evaluate import Checker

    if template:
        data = screen_render.template_xlsx() if output and output.suffix.lower() == ".xlsx" else screen_render.template_csv().encode()
        _write_or_print(output, data, lang)
        return
    if roster is None:
        _fail(i18n.text("ui.roster_needed", lang))
    if fmt == "xlsx" and output is None:
        _fail(i18n.text("ui.output_needed", lang, format=fmt))
    if output is not None and output.resolve() == roster.resolve():
        _fail(i18n.text("ui.output_is_input", lang, path=output))
    try:
        result = screening.screen(Checker(_load(pack_id), lang), roster, as_of)
    except InputError as error:
        _fail(render_problem(error, lang))
    data = screen_render.as_xlsx(result) if fmt == "xlsx" else screen_render.TEXT[fmt](result).encode("utf-8")
    _write_or_print(output, data, lang, len(result.villages))
    if result.bad_rows:
        sys.exit(EXIT_INPUT)


def _write_or_print(output: Path | None, data: bytes, lang: str, count: int | None = None) -> None:
    if output is None:
        click.echo(data.decode("utf-8"), nl=False)
        return
    try:
        write_atomic(output, data)
    except OSError as error:
        _fail(i18n.text("ui.output_failed", lang, path=output, reason=error.strerror or error))
    if count is not None:
        click.echo(i18n.text("ui.written_screen", lang, path=output, villages=count), err=True)


@main.command()
@click.argument("paths", nargs=-1, required=True, type=click.Path(path_type=Path))
@lang_option
@click.option("--jobs", type=click.IntRange(min=1), default=os.cpu_count() or 1, show_default="number of cores")
@pack_option
def validate(paths, lang, jobs, pack_id) -> None:
    """Only read and validate dossiers, without rules: exit 0 when all are valid, 2 otherwise."""
    pack = _load(pack_id)
    files = dossier_files(paths)
    if not files:
        _fail(i18n.text("ui.no_dossiers", lang, path=", ".join(map(str, paths))))
    pool = WorkerPool(pack, lang, WaiverSet(), jobs, task=validate_batch)
    problems, bad = [], 0
    for _, outcome in pool.stream(list(enumerate(files)), lambda _batch: (None, None)):
        if outcome.problems:
            bad += 1
            problems += outcome.problems
    for problem in problems:
        click.echo(render_input_problem(problem, lang))
    click.echo(i18n.text("ui.validate_summary", lang, valid=len(files) - bad, unreadable=bad))
    if bad:
        sys.exit(EXIT_INPUT)


@main.command()
@click.option("-n", "count", type=click.IntRange(min=1), required=True, help="Number of villages.")
@click.option("-o", "--output", type=click.Path(path_type=Path, file_okay=False), required=True, help="New or empty folder.")
@click.option("--seed", type=int, default=1, show_default=True)
@click.option("--year", type=click.IntRange(2011, 2016), default=2013, show_default=True, help="Plan year.")
@lang_option
def generate(count, output, seed, year, lang) -> None:
    """Write N realistic synthetic village dossiers (a folder per kecamatan with its kecamatan dossier)."""
    from . import generate as synthetic

    if output.exists() and any(output.iterdir()):
        _fail(i18n.text("ui.output_not_empty", lang, path=output))
    stats = synthetic.generate(count, output, seed, year)
    click.echo(i18n.text("ui.generated", lang, path=output, **vars(stats)))


@main.command()
@click.argument("kind", type=click.Choice(["desa", "kecamatan"]))
@click.option("-o", "--output", type=click.Path(path_type=Path, dir_okay=False), required=True, help="Workbook to write (.xlsx).")
@lang_option
@pack_option
def template(kind, output, lang, pack_id) -> None:
    """Write an empty dossier workbook to fill in Excel or LibreOffice (check it like a YAML dossier)."""
    from . import workbook

    if output.exists():
        _fail(i18n.text("ui.output_exists", lang, path=output))
    stages = tuple(code for code, stage in _load(pack_id).plan.stages.items() if stage.level == kind)
    _write_or_print(output, workbook.write_workbook(kind, stages), lang)
    click.echo(i18n.text("ui.template_written", lang, path=output), err=True)


@main.command()
@click.argument("source", type=click.Path(path_type=Path, dir_okay=False))
@click.option("-o", "--output", type=click.Path(path_type=Path, dir_okay=False), required=True,
              help="The converted dossier: .xlsx from YAML/JSON, .yaml (or .json) from a workbook.")
@lang_option
@pack_option
def convert(source, output, lang, pack_id) -> None:
    """Turn a dossier workbook into YAML, or a YAML/JSON dossier into a workbook (nothing is lost)."""
    from . import workbook

    if output.resolve() == source.resolve():
        _fail(i18n.text("ui.output_is_input", lang, path=output))
    pack = _load(pack_id)
    try:
        _, dossier = load_dossier(source, set(pack.plan.stages))
    except InputError as error:
        _fail("\n".join(render_problem(p, lang) for p in getattr(error, "problems", [error])))
    data = dossier.model_dump(mode="json", exclude_none=True)
    suffix = output.suffix.lower()
    if suffix == ".xlsx":
        stages = tuple(code for code, stage in pack.plan.stages.items() if stage.level == dossier.jenis)
        payload = workbook.write_workbook(dossier.jenis, stages, data)
    elif suffix == ".json":
        payload = (json.dumps(data, ensure_ascii=False, indent=2) + "\n").encode("utf-8")
    elif suffix in (".yaml", ".yml"):
        payload = yaml.safe_dump(data, allow_unicode=True, sort_keys=False, width=100).encode("utf-8")
    else:
        _fail(i18n.text("input.format_tidak_dikenal", lang, suffix=suffix or "-"))
    _write_or_print(output, payload, lang)
    click.echo(i18n.text("ui.converted", lang, source=source, path=output), err=True)


@main.command()
@click.option("--host", default="127.0.0.1", show_default=True, help="Address to listen on (local only by default).")
@click.option("--port", type=click.IntRange(1, 65535), default=8000, show_default=True)
@click.option("--max-upload-mb", type=click.IntRange(1, 100), default=10, show_default=True)
@pack_option
def serve(host, port, max_upload_mb, pack_id) -> None:
    """Start the local web page: upload dossiers, read the findings, download the report."""
    from waitress import serve as serve_wsgi

    from .web import create_app

    click.echo(i18n.text("ui.serving", i18n.DEFAULT, url=f"http://{host}:{port}/"), err=True)
    serve_wsgi(create_app(_load(pack_id), max_upload_mb), host=host, port=port, threads=4, _quiet=True)
