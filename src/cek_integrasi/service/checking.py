"""How the service checks uploaded files: in the one worker pool (evaluation/pool.py), judged in no language.

The store keeps each dossier's judgement in no language; pages, reports and the API render it in the
reader's language (evaluation/localize.py, service/rendering.py). The pool bounds each check by the service's time limit and caps each worker's memory; other users'
pages never wait for a check: they are served by other threads. `ResultColumns` is what the store
keeps of a result beside its text.
"""

from __future__ import annotations

import dataclasses
import datetime as dt

from ..evaluation.pool import Pool
from ..evaluation.results import UNMET
from ..evaluation.waivers import WaiverSet
from ..evaluation.workers import Outcome, Request
from ..packs.facts import Context, VillageSummary
from ..packs.rulepack import RulePack

NO_WAIVERS = WaiverSet()


def service_pool(packs: list[RulePack] | RulePack, jobs: int = 2, timeout: float = 20.0, memory_mb: int = 1024,
                 forced: bool = False, start_now: bool = False) -> Pool:
    """The service's pool: workers from a fork server (never holding its sockets or connections), each check
    bounded by `timeout` seconds, each worker by `memory_mb` beyond its size (`start_now`: as Pool's)."""
    return Pool(packs, jobs, forced=forced, timeout=timeout, memory_mb=memory_mb, start_now=start_now)


@dataclasses.dataclass
class ResultColumns:
    """What the store keeps of a result beside its text: the dossier, the verdict and counts, the pack, each finding."""

    code: str
    kind: str
    name: str
    kecamatan: str  # its name
    kabupaten: str
    pack: str  # the id of the pack that judged it
    verdict: str | None
    errors: int  # findings of severity error failed or not assessable
    warnings: int
    findings: list[tuple[str, str, str, str]]  # (rule, subject, state, severity)
    village: dict | None  # the village summary a kecamatan dossier's checks read, dates as ISO text

    @classmethod
    def of(cls, result: dict, village: VillageSummary | None) -> "ResultColumns":
        """From an Outcome's head (worked out in the worker, so that the service never parses a result)."""
        findings = [tuple(f) for f in result["findings"]]
        failed = [severity for _, _, state, severity in findings if state in UNMET]
        # the summary is flat: dataclasses.asdict would copy each value deeply (a tenth of a re-check's own time)
        summary = {f.name: _iso(getattr(village, f.name)) for f in dataclasses.fields(village)} if village else None
        return cls(result["code"], result["kind"], result["name"], result["kecamatan"], result["kabupaten"], result["pack"],
                   result["verdict"], failed.count("error"), failed.count("warning"), findings, summary)


def _iso(value):
    return value.isoformat() if isinstance(value, dt.date) else value


@dataclasses.dataclass
class Checked:
    """A file the service checked: its outcome, and for a judged file its columns and its judgement (JSON, in no language)."""

    outcome: Outcome
    columns: ResultColumns | None = None
    result: str | None = None  # the judgement as JSON (Checker.judge_many)

    @classmethod
    def of(cls, outcome: Outcome) -> "Checked":
        if outcome.crashed or outcome.timed_out or not outcome.judged_json:
            return cls(outcome)
        return cls(outcome, ResultColumns.of(outcome.head, outcome.village), outcome.judged_json)


def check_files(pool: Pool, files: list[tuple[str, bytes]], ctx: Context, lang: str, villages: dict[str, VillageSummary] | None = None,
                waivers: WaiverSet = NO_WAIVERS) -> list[Checked]:
    """Check files (name as uploaded, bytes) in one task of the pool, each judged in no language.
    Input problems are in `lang`."""
    request = Request(ctx, waivers, villages, (), lang)
    return [Checked.of(outcome) for outcome in pool.check(files, request)]
