"""What every command shares: the command group, common options, loading the pack, failing cleanly.

Exit codes: 0 no finding at or above --fail-on; 1 findings at or above it; 2 usage or input error
(a file that could not be read makes the run end with 2, after every other file was checked).
Help, usage errors and click's own messages speak the chosen language (language.py).
Each command's module is imported when the command is used (COMMANDS), and this one imports the
checking code only in the functions that need it, so that a command starts without the modules of
the others; commands that need spreadsheets, HTML or the web import those when they run.
"""

from __future__ import annotations

import datetime as dt
import os
import sys
from pathlib import Path
from typing import TYPE_CHECKING

import click
from click.core import ParameterSource

from .. import i18n
from ..errors import InputError
from ..escaping import terminal
from ..outputs import OutputError, guard, write_atomic
from ..packs import DEFAULT_PACK
from . import language

if TYPE_CHECKING:
    from ..evaluation.pool import Pool
    from ..evaluation.run import Run
    from ..packs.rulepack import RulePack

COMMANDS = {
    "check": "checking", "report": "checking", "validate": "checking", "diff": "checking",
    "rules": "catalogue", "stages": "catalogue", "config": "config_command",
    "screen": "spreadsheets", "template": "spreadsheets", "convert": "spreadsheets", "generate": "spreadsheets",
    "serve": "serving", "server": "server", "users": "server",
}
"""Each command, and the module of this package that registers it."""

SEVERITY_ORDER = ("info", "warning", "error")
EXIT_FINDINGS, EXIT_INPUT = 1, 2


def _as_of(ctx, _param, value: str | None) -> dt.date:
    if value is None:
        return dt.date.today()
    if isinstance(value, dt.date):  # a TOML date in cek-integrasi.toml
        return value
    try:
        return dt.date.fromisoformat(value)
    except ValueError:
        raise click.BadParameter(i18n.text("ui.bad_date", ctx.params.get("lang", i18n.DEFAULT), value=value)) from None


def _load(pack_id: str | None) -> RulePack:
    """The pack named with --pack, or the default one."""
    return _load_packs(pack_id or DEFAULT_PACK)[0]


def _load_packs(pack_id: str | None) -> list[RulePack]:
    """The pack named with --pack, alone; else every pack in rules/, each judging its own plan years."""
    from ..packs.rulepack import RulePackError, load_pack, load_packs

    try:
        return [load_pack(pack_id)] if pack_id else load_packs()
    except RulePackError as exc:
        click.echo(f"cek-integrasi: {exc}", err=True)
        sys.exit(EXIT_INPUT)


pack_option = click.option(
    "--pack", "pack_id", metavar="NAME",
    help="Rule pack in rules/ (pti, uu-desa); without it each dossier is judged by the pack covering its plan "
    "year; naming one makes it judge every dossier, whatever its plan year.",
)
catalogue_pack_option = click.option(
    "--pack", "pack_id", metavar="NAME", help=f"Rule pack in rules/ (pti, uu-desa; default {DEFAULT_PACK}).",
)
jobs_option = click.option(
    "--jobs", type=click.IntRange(min=1), default=os.cpu_count() or 1,
    help="Worker processes checking dossiers in parallel (default: the number of cores).",
)
lang_option = click.option(  # default: the language chosen from the command line and environment (language.py)
    "--lang", type=click.Choice(i18n.LANGUAGES), default=language.current, is_eager=True,
    help="Output language: id (default) or en; also en when LANG=en.",
)
output_option = click.option(
    "-o", "--output", type=click.Path(path_type=Path, dir_okay=False), metavar="FILE",
    help="File to write; its ending (.xlsx .html .csv .json .md .txt) decides the format.",
)
csv_separator_option = click.option(
    "--csv-separator", type=click.Choice([";", ","]), default=";", show_default=True,
    help="Cell separator of CSV output: ';' for Excel in the Indonesian locale, ',' for others.",
)
quiet_option = click.option("-q", "--quiet", is_flag=True, help="No progress and no notes on stderr; only errors.")

SUFFIX_FORMATS = {
    ".xlsx": "xlsx", ".html": "html", ".htm": "html", ".csv": "csv", ".json": "json",
    ".md": "markdown", ".markdown": "markdown", ".txt": "table",
}
FORMAT_SUFFIX = {"xlsx": ".xlsx", "html": ".html", "csv": ".csv", "json": ".json", "markdown": ".md", "table": ".txt"}


def output_format(ctx: click.Context, fmt: str, output: Path | None, lang: str) -> str:
    """The format to write: the ending of the -o file decides; an explicit --format against it is a usage error."""
    wanted = SUFFIX_FORMATS.get(output.suffix.lower()) if output is not None else None
    if wanted is None:
        return fmt
    allowed = next(p for p in ctx.command.params if p.name == "fmt").type.choices
    if wanted not in allowed:
        raise click.UsageError(i18n.text(
            "output.unsupported", lang, path=output, suffix=output.suffix, command=ctx.info_name,
            endings=", ".join(FORMAT_SUFFIX[f] for f in allowed),
        ), ctx)
    if fmt != wanted and ctx.get_parameter_source("fmt") in (ParameterSource.COMMANDLINE, ParameterSource.ENVIRONMENT):
        raise click.UsageError(i18n.text(
            "output.contradiction", lang, path=output, suffix=output.suffix, format=fmt,
            renamed=output.with_suffix(FORMAT_SUFFIX.get(fmt, output.suffix)).name,
        ), ctx)
    return wanted


@click.group(cls=language.Group, lazy=COMMANDS, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(package_name="cek-integrasi")
def main() -> None:
    """Check village planning dossiers against the Panduan Teknis Integrasi (PNPM-MPd into Musrenbang)."""


DOSSIER_PATHS = click.Path(path_type=Path, readable=False)
"""Files and folders to check: one that cannot be read is reported with the others checked, not refused by click."""


def run_options(command):
    """The options shared by `check` and `report`: what to check, as of when, with which waivers."""
    options = [
        click.argument("paths", nargs=-1, required=True, type=DOSSIER_PATHS),
        lang_option,
        click.option("--as-of", callback=_as_of, metavar="YYYY-MM-DD", help="Judge the dossiers as of this date (default: today)."),
        click.option("--before", metavar="STAGE", help="Pre-check before a forum, e.g. musrenbangdes_rkp: every step it needs must be in place."),
        click.option("--complete", is_flag=True, help="Complete-cycle audit: every step and yearly duty is due."),
        click.option("--waivers", "waiver_files", multiple=True, type=click.Path(path_type=Path), metavar="FILE",
                     help="Waiver file (repeatable); see docs/waivers.md."),
        click.option("--no-waivers", is_flag=True, help="Ignore every waiver: the unwaived truth."),
        jobs_option,
        pack_option,
        quiet_option,
    ]
    for option in reversed(options):
        command = option(command)
    return command


def _run(paths, lang, as_of, before, complete, waiver_files, no_waivers, jobs, pack_id, quiet, output: Path | None = None) -> Run:
    """Load the pack, the waivers and the files, refuse an output over an input; the run to iterate."""
    from ..dossiers.reading import read_bytes
    from ..evaluation.run import Run
    from ..evaluation.waivers import load_waivers
    from ..packs.facts import Context
    from ..reports.check_output import render_problem

    packs = _load_packs(pack_id)
    known = [code for pack in packs for code in pack.plan.stages]
    if before is not None and before not in known:
        _fail(i18n.text("ui.unknown_stage", lang, stage=before, choices=", ".join(dict.fromkeys(known))))
    files = find_files(paths, lang, quiet)
    if not files:
        _fail(i18n.text("ui.no_dossiers", lang, path=", ".join(map(str, paths))))
    try:
        given = [] if no_waivers else [(str(path), read_bytes(path)) for path in waiver_files]
        waivers = load_waivers(given, {r.id for p in packs for r in p.rules})
    except InputError as error:
        _fail("\n".join(render_problem(p, lang) for p in getattr(error, "problems", [error])))
    if output is not None:
        try:
            guard(output, [*files, *waiver_files])
        except OutputError:
            _fail(i18n.text("ui.output_is_input", lang, path=output))
    ctx = Context(as_of=as_of, complete=complete, before=before)
    return Run(start_pool(packs, jobs, pack_id), lang, waivers, files, ctx)


def start_pool(packs: list, jobs: int, pack_id: str | None) -> Pool:
    """The worker pool of this command, its workers forked now (nothing is open yet) to get ready while the command
    reads its inputs, stopped when the command ends."""
    from ..evaluation.pool import Pool, poll_often

    poll_often()
    pool = Pool(packs, jobs, forced=pack_id is not None, start="fork", start_now=True)
    click.get_current_context().call_on_close(pool.close)
    return pool


def find_files(paths, lang: str, quiet: bool) -> list[Path]:
    """The dossier files of the paths; the workbooks skipped in folders as not dossiers are named on stderr."""
    from ..evaluation.run import dossier_files

    skipped: list[Path] = []
    files = dossier_files(paths, skipped)
    if skipped and not quiet:
        click.echo(terminal(i18n.text("progress.skipped_xlsx", lang, files=", ".join(map(str, skipped)))), err=True)
    return files


def _fail(message: str) -> None:
    click.echo(terminal(message), err=True)
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
        click.echo(terminal(i18n.text("ui.written_screen", lang, path=output, villages=count)), err=True)
