"""How the local page checks an upload and an uploaded waiver file, with the pipeline of `check`.

The files and the waiver file are checked from memory (name as uploaded, bytes) by a Run in the page's
one worker pool (evaluation/pool.py), started once with the page; the report names them as uploaded.
"""

from __future__ import annotations

from pathlib import Path

from .. import i18n
from ..errors import InputError
from ..evaluation.pool import Pool
from ..evaluation.results import Report
from ..evaluation.run import Run
from ..evaluation.waivers import WaiverSet, load_waivers
from ..packs.facts import Context
from ..packs.rulepack import RulePack
from ..reports.check_output import render_problem
from .jobs import Upload

WAIVER_SUFFIXES = (".yaml", ".yml", ".json")


def check(upload: Upload, language: str, pool: Pool) -> Report:
    """The report of an upload in a language: its files judged by the pool's packs."""
    waivers = _waivers(upload.waivers, pool.packs)
    run = Run(pool, language, waivers, upload.files, Context(as_of=upload.as_of, before=upload.before))
    return Report(**run.header(), dossiers=list(run.results()), **run.footer())


def _waivers(given: tuple[str, bytes] | None, packs: list[RulePack]) -> WaiverSet:
    """The waiver file given with the upload (checked when uploaded)."""
    return load_waivers([given], {r.id for pack in packs for r in pack.rules}) if given else WaiverSet()


def waiver_problem(given: tuple[str, bytes], rule_ids: set[str], lang: str) -> str | None:
    """What is wrong with an uploaded waiver file, in the words `check --waivers` uses; None when it is fine."""
    name = given[0]
    if Path(name).suffix.lower() not in WAIVER_SUFFIXES:
        return i18n.text("web.bad_type", lang, names=name, accepted=", ".join(WAIVER_SUFFIXES))
    try:
        load_waivers([given], rule_ids)
    except InputError as error:
        return "\n".join(render_problem(p, lang) for p in getattr(error, "problems", [error]))
    return None
