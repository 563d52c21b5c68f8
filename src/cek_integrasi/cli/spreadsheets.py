"""Spreadsheets and files for people: `screen`, `template`, `convert` and `generate`."""

from __future__ import annotations

import json
import sys
from pathlib import Path

import click
import yaml

from .. import i18n
from ..dossiers.loading import load_dossier
from ..errors import InputError
from ..escaping import terminal
from ..reports.check_output import render_problem
from ..packs.choosing import all_stages, choose_pack
from .base import (
    EXIT_INPUT, _as_of, _fail, _load, _load_packs, _write_or_print, catalogue_pack_option, csv_separator_option, lang_option,
    jobs_option, main, output_format, output_option, pack_option, quiet_option, start_pool,
)
from .progress import progress, wanted

@main.command()
@click.argument("roster", required=False, type=click.Path(path_type=Path, dir_okay=False))
@click.option("--format", "fmt", type=click.Choice(["table", "json", "csv", "html", "xlsx"]), default="table", show_default=True,
              help="What to print or write; with -o the file's ending decides.")
@output_option
@csv_separator_option
@click.option("--template", is_flag=True, help="Print an empty roster (CSV), or write one to -o (.csv or .xlsx).")
@lang_option
@click.option("--as-of", callback=_as_of, metavar="YYYY-MM-DD", help="Judge as of this date (default: today).")
@pack_option
@jobs_option
@quiet_option
@click.pass_context
def screen(ctx, roster, fmt, output, csv_separator, template, lang, as_of, pack_id, jobs, quiet) -> None:
    """Screen a kabupaten roster (CSV/XLSX): which villages must integrate, which not and why.

    Exit 0 when every row was screened; 2 when some rows had problems (listed with row and column).
    """
    from ..screening import render as screen_render, roster as screening
    from ..screening.report import screening_in

    if template:
        if output and output.suffix.lower() == ".xlsx":
            data = screen_render.template_xlsx(lang)
        else:
            data = screen_render.template_csv(lang, csv_separator, bom=output is not None or not sys.stdout.isatty()).encode("utf-8")
        _write_or_print(output, data, lang)
        return
    fmt = output_format(ctx, fmt, output, lang)
    if roster is None:
        _fail(i18n.text("ui.roster_needed", lang))
    if fmt == "xlsx" and output is None:
        _fail(i18n.text("ui.output_needed", lang, format=fmt))
    if output is not None and output.resolve() == roster.resolve():
        _fail(i18n.text("ui.output_is_input", lang, path=output))
    pack = _load(pack_id)
    pool = start_pool([pack], jobs, pack_id)  # its workers get ready while the roster is read
    try:
        rows, raw = screening.read_roster_file(roster)
    except InputError as error:
        _fail(render_problem(error, lang))
    with progress(len(rows), lang, "screening", wanted(len(rows), quiet, output is None)) as advance:
        result = screening_in(screening.screen(pool, pack, str(roster), raw, rows, as_of, advance), pack, lang)
    if fmt == "xlsx":
        data = screen_render.as_xlsx(result)
    elif fmt == "csv":
        bom = output is not None or not sys.stdout.isatty()  # a BOM for a file Excel opens, not on a screen
        data = screen_render.as_csv(result, csv_separator, bom).encode("utf-8")
    else:
        data = screen_render.TEXT[fmt](result).encode("utf-8")
    _write_or_print(output, data, lang, None if quiet else len(result.villages))
    if result.bad_rows:
        sys.exit(EXIT_INPUT)


@main.command()
@click.argument("kind", type=click.Choice(["desa", "kecamatan"]))
@click.option("-o", "--output", type=click.Path(path_type=Path, dir_okay=False), required=True, help="Workbook to write (.xlsx).")
@lang_option
@catalogue_pack_option
def template(kind, output, lang, pack_id) -> None:
    """Write an empty dossier workbook to fill in Excel or LibreOffice (check it like a YAML dossier)."""
    from ..dossiers.workbook_writing import write_workbook

    if output.exists():
        _fail(i18n.text("ui.output_exists", lang, path=output))
    pack = _load(pack_id)
    _write_or_print(output, write_workbook(kind, pack.stage_labels(kind), omit=pack.template_omits.get(kind, ())), lang)
    click.echo(terminal(i18n.text("ui.template_written", lang, path=output)), err=True)


@main.command()
@click.argument("source", type=click.Path(path_type=Path, dir_okay=False))
@click.option("-o", "--output", type=click.Path(path_type=Path, dir_okay=False), required=True,
              help="The converted dossier: .xlsx from YAML/JSON, .yaml (or .json) from a workbook.")
@lang_option
@pack_option
def convert(source, output, lang, pack_id) -> None:
    """Turn a dossier workbook into YAML, or a YAML/JSON dossier into a workbook (nothing is lost)."""
    from ..dossiers.workbook_writing import write_workbook

    if output.resolve() == source.resolve():
        _fail(i18n.text("ui.output_is_input", lang, path=output))
    packs = _load_packs(pack_id)
    try:
        doc, dossier = load_dossier(source, all_stages(packs))
        pack = choose_pack(packs, pack_id is not None, doc, dossier)
    except InputError as error:
        problems = getattr(error, "problems", [error])
        empty = source.suffix.lower() == ".xlsx" and all(p.code == "missing" for p in problems)
        hint = ["", i18n.text("output.fill_first", lang, path=source)] if empty else []
        _fail("\n".join([*(render_problem(p, lang) for p in problems), *hint]))
    data = dossier.model_dump(mode="json", exclude_none=True)
    suffix = output.suffix.lower()
    if suffix == ".xlsx":
        payload = write_workbook(dossier.jenis, pack.stage_labels(dossier.jenis), data)
    elif suffix == ".json":
        payload = (json.dumps(data, ensure_ascii=False, indent=2) + "\n").encode("utf-8")
    elif suffix in (".yaml", ".yml"):
        payload = yaml.safe_dump(data, allow_unicode=True, sort_keys=False, width=100).encode("utf-8")
    else:
        _fail(i18n.text("input.format_tidak_dikenal", lang, suffix=suffix or "-"))
    _write_or_print(output, payload, lang)
    click.echo(terminal(i18n.text("ui.converted", lang, source=source, path=output)), err=True)


@main.command()
@click.option("-n", "count", type=click.IntRange(min=1), required=True, help="Number of villages.")
@click.option("-o", "--output", type=click.Path(path_type=Path, file_okay=False), required=True, help="New or empty folder.")
@click.option("--seed", type=int, default=1, show_default=True)
@click.option("--year", type=click.IntRange(2011, 2030), default=2013, show_default=True,
              help="Plan year; from 2016 the villages follow UU 6/2014 (pack uu-desa), without kecamatan dossiers.")
@lang_option
def generate(count, output, seed, year, lang) -> None:
    """Write N realistic synthetic village dossiers (a folder per kecamatan with its kecamatan dossier)."""
    from ..packs import generating

    if output.exists() and any(output.iterdir()):
        _fail(i18n.text("ui.output_not_empty", lang, path=output))
    try:
        stats = generating.generate(count, output, seed, year)
    except LookupError:
        _fail(i18n.text("ui.generate_no_pack", lang, year=year))
    click.echo(terminal(i18n.text("ui.generated", lang, path=output, **vars(stats))))
