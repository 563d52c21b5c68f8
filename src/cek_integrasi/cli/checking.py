"""Checking dossiers: `check`, `report`, `validate` and `diff`."""

from __future__ import annotations

import datetime as dt
import sys
from collections.abc import Iterable
from pathlib import Path

import click

from .. import i18n
from ..errors import InputError
from ..reports.csv_output import findings_csv
from ..escaping import terminal
from ..outputs import write_atomic
from ..reports.check_output import FORMATS, Parts, render, render_input_problem, render_problem
from ..evaluation.results import Report
from ..packs.facts import Context
from ..reports.signing import Signatory, Signing
from ..terminal import table
from ..evaluation.waivers import WaiverSet
from ..evaluation.run import Run
from ..evaluation.workers import validate_task
from .base import (
    DOSSIER_PATHS, EXIT_FINDINGS, EXIT_INPUT, SEVERITY_ORDER, _fail, _load_packs, _run, csv_separator_option, find_files,
    jobs_option, lang_option, main, output_format, output_option, pack_option, quiet_option, run_options, start_pool,
)
from .progress import progress, wanted

CHECK_FORMATS = ("table", "json", "markdown", "csv", "html", "xlsx")
REPORT_FORMATS = ("html", "xlsx", "markdown", "json", "csv")


@main.command()
@run_options
@click.option("--format", "fmt", type=click.Choice(CHECK_FORMATS), default="table", show_default=True,
              help="What to print or write; with -o the file's ending decides.")
@output_option
@csv_separator_option
@click.option("--fail-on", type=click.Choice(SEVERITY_ORDER[::-1]), default="error", show_default=True,
              help="Exit 1 when a finding has this severity or a higher one.")
@click.pass_context
def check(ctx, fmt, output, csv_separator, fail_on, **run) -> None:
    """Check dossier files (YAML/JSON/XLSX) or folders of them; print the findings, or write them to -o FILE."""
    lang, quiet = run["lang"], run["quiet"]
    fmt = output_format(ctx, fmt, output, lang)
    if fmt == "xlsx" and output is None:
        _fail(i18n.text("ui.output_needed", lang, format=fmt))
    checking = _run(**run, output=output)
    with progress(len(checking.files), lang, "checking", wanted(len(checking.files), quiet, output is None)) as advance:
        checking.on_file_done = advance
        results = checking.results_json() if fmt == "json" else checking.results()
        bom = output is not None or not sys.stdout.isatty()  # a BOM for a file Excel opens, not on a screen
        chunks = _chunks(fmt, Parts(checking.header(), results, checking.footer), csv_separator, bom)
        if output is None:
            for chunk in chunks:
                # not click.echo: it flushes every chunk, a system call per dossier
                sys.stdout.buffer.write(chunk) if isinstance(chunk, bytes) else sys.stdout.write(chunk)
            sys.stdout.flush()
        else:
            _write(output, chunks, lang)
    if output is not None and not quiet:
        click.echo(terminal(i18n.text("output.written_check", lang, path=output, dossiers=checking.dossiers)), err=True)
        _name_unread(len(checking.problems), output, lang)
    if checking.problems:
        sys.exit(EXIT_INPUT)
    threshold = SEVERITY_ORDER.index(fail_on)
    if any(checking.severities[s] for s in SEVERITY_ORDER[threshold:]):
        sys.exit(EXIT_FINDINGS)


def _name_unread(unreadable: int, output: Path, lang: str) -> None:
    """Beside "FILE written": how many files could not be read, so a written file does not hide them."""
    if unreadable:
        click.echo(terminal(i18n.text("ui.unread_listed", lang, unreadable=unreadable, path=output)), err=True)


def _chunks(fmt: str, parts: Parts, separator: str, bom: bool) -> Iterable[str | bytes]:
    """The output in `fmt`, streamed where the format allows it (table, JSON, Markdown, CSV)."""
    if fmt == "csv":
        return findings_csv(parts, separator, bom)
    if fmt in FORMATS:
        return FORMATS[fmt](parts)
    report = Report(**parts.header, dossiers=list(parts.results), **parts.footer())
    return [_report_bytes(fmt, report, separator)]


def _write(output: Path, data, lang: str) -> None:
    try:
        write_atomic(output, data)
    except OSError as error:
        _fail(i18n.text("ui.output_failed", lang, path=output, reason=error.strerror or error))


def _report_bytes(fmt: str, report: Report, separator: str = ";", signing: Signing = Signing()) -> bytes:
    if fmt == "html":
        from ..reports.html_report import render_html

        return render_html(report, signing).encode("utf-8")
    if fmt == "xlsx":
        from ..reports.xlsx_report import report_workbook

        return report_workbook(report, signing)
    if fmt == "csv":
        return "".join(findings_csv(Parts.of(report), separator)).encode("utf-8")
    return render(fmt, report).encode("utf-8")


def _signatory(ctx, _param, value: str | None) -> Signatory | None:
    if value is None:
        return None
    try:
        return Signatory.parse(value)
    except ValueError:
        raise click.BadParameter(i18n.text("sign.bad_signatory", ctx.params.get("lang", i18n.DEFAULT), value=value)) from None


@main.command()
@run_options
@click.option("--format", "fmt", type=click.Choice(REPORT_FORMATS), default="html", show_default=True,
              help="Format of the report; the ending of the -o file decides it.")
@click.option("-o", "--output", type=click.Path(path_type=Path, dir_okay=False), required=True, metavar="FILE",
              help="File to write; its ending (.html .xlsx .csv .json .md) decides the format.")
@csv_separator_option
@click.option("--ringkas", "brief", is_flag=True,
              help="Summary report: the summary pages, then pages only for the dossiers with findings (HTML).")
@click.option("--kop", "letterhead", multiple=True, metavar="TEXT",
              help="Letterhead line (repeatable, first line largest), e.g. --kop 'PEMERINTAH KABUPATEN BULUKUMBA' --kop 'KECAMATAN RILAU ALE'.")
@click.option("--tempat", "place", default="", metavar="TEXT", help="Place of signing, printed with the as-of date, e.g. Bulukumba.")
@click.option("--mengetahui", "acknowledged_by", callback=_signatory, metavar="'POSITION; NAME[; NIP]'",
              help="Who acknowledges the report (signature block 'Mengetahui,'), e.g. 'Camat Rilau Ale; Drs. Andi Baso; 19650101 199003 1 005'.")
@click.option("--pembuat", "prepared_by", callback=_signatory, metavar="'POSITION; NAME[; NIP]'",
              help="Who prepared the report (signature block), e.g. 'Fasilitator Kecamatan; Nurhayati'.")
@click.pass_context
def report(ctx, fmt, output, csv_separator, brief, letterhead, place, acknowledged_by, prepared_by, **run) -> None:
    """Write a compliance report (HTML, XLSX, CSV, Markdown or JSON) for a kecamatan or kabupaten.

    HTML and XLSX can carry a letterhead and a signature block; `--ringkas` leaves out the pages of
    dossiers without findings. Exit 0 when written; 2 when some input could not be read (the
    report is written and lists it).
    """
    signing = Signing(tuple(letterhead), place, acknowledged_by, prepared_by, brief)
    lang, quiet = run["lang"], run["quiet"]
    fmt = output_format(ctx, fmt, output, lang)
    checking = _run(**run, output=output)
    with progress(len(checking.files), lang, "checking", wanted(len(checking.files), quiet, False)) as advance:
        checking.on_file_done = advance
        result = Report(**checking.header(), dossiers=list(checking.results()), **checking.footer())
    _write(output, _report_bytes(fmt, result, csv_separator, signing), lang)
    if not quiet:
        click.echo(terminal(i18n.text("ui.written", lang, path=output, dossiers=result.summary.dossiers)), err=True)
        _name_unread(len(result.input_errors), output, lang)
    if result.input_errors:
        sys.exit(EXIT_INPUT)


@main.command()
@click.argument("paths", nargs=-1, required=True, type=DOSSIER_PATHS)
@lang_option
@jobs_option
@pack_option
@quiet_option
def validate(paths, lang, jobs, pack_id, quiet) -> None:
    """Only read and validate dossiers, without rules: exit 0 when all are valid, 2 otherwise."""
    packs = _load_packs(pack_id)
    files = find_files(paths, lang, quiet)
    if not files:
        _fail(i18n.text("ui.no_dossiers", lang, path=", ".join(map(str, paths))))
    reading = Run(start_pool(packs, jobs, pack_id), lang, WaiverSet(), files, Context(as_of=dt.date.today()), task=validate_task)
    with progress(len(files), lang, "checking", wanted(len(files), quiet, False)) as advance:
        reading.on_file_done = advance
        for _ in reading.outcomes():  # only problems: counted by the run
            pass
    for problem in reading.problems:
        click.echo(render_input_problem(problem, lang))
    click.echo(i18n.text("ui.validate_summary", lang, valid=len(files) - reading.unreadable, unreadable=reading.unreadable))
    if reading.unreadable:
        sys.exit(EXIT_INPUT)


@main.command()
@click.argument("old", type=click.Path(path_type=Path))
@click.argument("new", type=click.Path(path_type=Path))
@click.option("--format", "fmt", type=click.Choice(["table", "json"]), default="table", show_default=True)
@lang_option
def diff(old, new, fmt, lang) -> None:
    """Findings new, fixed and unchanged between two JSON reports (by village, rule and document)."""
    from ..reports.diffing import diff_reports

    try:
        result = diff_reports(old, new)
    except InputError as error:
        click.echo(render_problem(error, lang), err=True)
        sys.exit(EXIT_INPUT)
    if fmt == "json":
        click.echo(result.model_dump_json(indent=2))
        return
    headers = [i18n.text(f"ui.{k}", lang) for k in ("col_code", "col_village", "col_rule", "col_place", "col_state", "col_message")]
    for key, changes in (("diff_new", result.new_findings), ("diff_fixed", result.fixed), ("diff_unchanged", result.unchanged)):
        click.echo(f"{i18n.text(f'ui.{key}', lang)}: {len(changes)}")
        if changes:
            whole = i18n.text("ui.whole_dossier", lang)
            rows = [[terminal(v) for v in (c.code, c.name, c.rule, c.place or whole, _states(c, lang), c.message)] for c in changes]
            click.echo(table(rows, headers, [13, 20, 7, 24, 22, 60], "simple", {0: 13, 2: 7, 4: 18}))
        click.echo()


def _states(change, lang: str) -> str:
    show = lambda state: i18n.text(f"state.{state}", lang) if state else "-"  # noqa: E731
    return show(change.new_state) if change.old_state == change.new_state else f"{show(change.old_state)} -> {show(change.new_state)}"
