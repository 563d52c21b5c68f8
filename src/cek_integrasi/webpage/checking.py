"""How the local page checks an upload and an uploaded waiver file, with the pipeline of `check`.

The files are written into a temporary folder, removed as soon as the check is done, and checked by a
Run (evaluation/run.py); the report names the files as the user uploaded them.
"""

from __future__ import annotations

import tempfile
from pathlib import Path

from .. import i18n
from ..errors import InputError
from ..evaluation.results import Report
from ..evaluation.run import Run
from ..evaluation.waivers import WaiverSet, load_waivers
from ..packs.facts import Context
from ..packs.rulepack import RulePack
from ..reports.check_output import render_problem
from .jobs import Upload

WAIVER_SUFFIXES = (".yaml", ".yml", ".json")


def check(upload: Upload, language: str, packs: list[RulePack], jobs: int = 1, forced: bool = False,
          upload_root: str | None = None) -> Report:
    """The report of an upload in a language: its files judged by `packs` (the one named with --pack: `forced`)."""
    with tempfile.TemporaryDirectory(prefix="cek-integrasi-", dir=upload_root) as folder:
        paths = []
        for i, (name, data) in enumerate(upload.files):
            path = Path(folder) / f"{i:03d}_{name}"
            path.write_bytes(data)
            paths.append(path)
        waivers = _waivers(upload.waivers, folder, {r.id for pack in packs for r in pack.rules})
        run = Run(packs, language, waivers, paths, Context(as_of=upload.as_of, before=upload.before), jobs, forced)
        report = Report(**run.header(), dossiers=list(run.results()), **run.footer())
    return _named(report, folder, upload)


def _named(report: Report, folder: str, upload: Upload) -> Report:
    """Show the names the user uploaded, not the temporary paths."""
    names = {f"{folder}/{i:03d}_{name}": name for i, (name, _) in enumerate(upload.files)}
    for result in report.dossiers:
        result.file = names.get(result.file, Path(result.file).name)
    for problem in report.input_errors:
        problem.file = names.get(problem.file, Path(problem.file).name)
    for waiver in report.waivers:
        waiver.file = Path(waiver.file).name
    report.waiver_files = {Path(name).name: digest for name, digest in report.waiver_files.items()}
    return report


def _waivers(given: tuple[str, bytes] | None, folder: str, rule_ids: set[str]) -> WaiverSet:
    """The waiver file given with the upload, read from the temporary folder (checked when uploaded)."""
    if given is None:
        return WaiverSet()
    path = Path(folder) / given[0]
    path.write_bytes(given[1])
    return load_waivers([path], rule_ids)


def waiver_problem(given: tuple[str, bytes], rule_ids: set[str], lang: str, root: str | None) -> str | None:
    """What is wrong with an uploaded waiver file, in the words `check --waivers` uses; None when it is fine."""
    name = given[0]
    if Path(name).suffix.lower() not in WAIVER_SUFFIXES:
        return i18n.text("web.bad_type", lang, names=name, accepted=", ".join(WAIVER_SUFFIXES))
    with tempfile.TemporaryDirectory(prefix="cek-integrasi-", dir=root) as folder:
        try:
            _waivers(given, folder, rule_ids)
        except InputError as error:
            lines = [render_problem(p, lang) for p in getattr(error, "problems", [error])]
            return "\n".join(lines).replace(f"{folder}/", "")
    return None
