"""How the local page checks an upload and an uploaded waiver file, with the pipeline of `check`.

The files and the waiver file are checked from memory (name as uploaded, bytes) by a Run in the page's
one worker pool (evaluation/pool.py), started once with the page; the report names them as uploaded.
An upload is checked once, in no language (`Checked`); its report is written in each language when
that language is first asked.
"""

from __future__ import annotations

import threading
from pathlib import Path
from typing import Any

import orjson

from .. import i18n
from ..errors import InputError
from ..evaluation.localize import localize
from ..evaluation.pool import Pool
from ..evaluation.results import Report
from ..evaluation.run import Run
from ..evaluation.waivers import WaiverSet, load_waivers
from ..packs.facts import Context
from ..packs.rulepack import RulePack
from ..reports.check_output import render_problem
from .jobs import Upload

WAIVER_SUFFIXES = (".yaml", ".yml", ".json")


class Checked:
    """An upload's check in no language: the report's head, each dossier's judgement (JSON) with the pack that
    judged it, and the report's end in each language (its input problems); `report(lang)` writes it, once per language."""

    def __init__(self, header: dict[str, Any], judged: list[tuple[str, RulePack]], footers: dict[str, dict[str, Any]]):
        self.header, self.judged, self.footers = header, judged, footers
        self._reports: dict[str, Report] = {}
        self._lock = threading.Lock()

    def report(self, lang: str) -> Report:
        with self._lock:
            if lang not in self._reports:
                dossiers = [localize(orjson.loads(judgement), pack, lang) for judgement, pack in self.judged]
                self._reports[lang] = Report(**{**self.header, "lang": lang}, dossiers=dossiers, **self.footers[lang])
            return self._reports[lang]


def check(upload: Upload, pool: Pool) -> Checked:
    """An upload's files judged once by the pool's packs, in no language; their input problems in every language."""
    waivers = _waivers(upload.waivers, pool.packs)
    others = tuple(lang for lang in i18n.LANGUAGES if lang != i18n.DEFAULT)  # the run's own language is written anyway
    run = Run(pool, i18n.DEFAULT, waivers, upload.files, Context(as_of=upload.as_of, before=upload.before), languages=(),
              problem_languages=others)
    judged = [(outcome.judged_json, pool.pack(outcome.head["pack"])) for outcome in run.outcomes()]
    return Checked(run.header(), judged, {lang: run.footer(lang) for lang in i18n.LANGUAGES})


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
