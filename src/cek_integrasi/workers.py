"""Run the checks of a batch in worker processes, so that an engine crash costs one dossier, not the batch.

Each worker builds its own engine host once (one host per process). A worker that dies (a
segfault in the C engine, the process killed) breaks its pool: every dossier that was not
finished is then retried alone in a fresh worker, and a dossier that kills its worker a second
time is reported with every rule in state `error` ("needs manual review"). Every other dossier of
the batch is reported normally.
"""

from __future__ import annotations

import hashlib
import multiprocessing
from collections.abc import Callable
from concurrent.futures import ProcessPoolExecutor, as_completed
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass
from pathlib import Path

from . import i18n
from .desa_facts import rkp_established
from .dossier import load_dossier
from .errors import InputError
from .evaluate import Checker, unevaluated
from .facts import Context, VillageSummary
from .model import KecamatanDossier
from .report import DossierResult, InputProblem
from .rulepack import RulePack
from .stages import recorded_stages
from .waivers import WaiverSet

_checker: Checker | None = None


@dataclass
class Outcome:
    """What became of one file: a result, input problems, or 'a kecamatan, check it later'."""

    result: DossierResult | None = None
    problems: list[InputProblem] | None = None
    village: VillageSummary | None = None
    deferred: bool = False


def _start_worker(pack: RulePack, lang: str, waivers: WaiverSet) -> None:
    global _checker
    _checker = Checker(pack, lang, waivers)


def problems_of(error: Exception, path: Path, lang: str) -> list[InputProblem]:
    """An input error (or a defect of ours) as the input problems a report lists."""
    digest = file_sha256(path)
    if isinstance(error, InputError):
        return [
            InputProblem(file=str(p.path), sha256=digest, line=p.line, place=p.where, message=p.describe(lang))
            for p in getattr(error, "problems", [error])
        ]
    reason = f"{type(error).__name__}: {error}"
    message = i18n.text("ui.internal_error", lang, reason=reason)
    return [InputProblem(file=str(path), sha256=digest, line=None, place="", message=message)]


def file_sha256(path: Path) -> str | None:
    """sha256 of a file's bytes, or None if it cannot be read."""
    try:
        with path.open("rb") as handle:
            return hashlib.file_digest(handle, "sha256").hexdigest()
    except OSError:
        return None


def check_one(path: Path, ctx: Context, villages: dict[str, VillageSummary] | None) -> Outcome:
    """In a worker: read and check one file. Kecamatan dossiers wait for `villages` (second pass)."""
    checker = _checker
    try:
        doc, dossier = load_dossier(path, set(checker.pack.plan.stages))
        if isinstance(dossier, KecamatanDossier):
            if villages is None:
                return Outcome(deferred=True)
            return Outcome(result=checker.check(doc, dossier, ctx, villages))
        summary = VillageSummary(dossier.kode, dossier.nama, str(path), rkp_established(dossier, recorded_stages(dossier.tahapan)))
        return Outcome(result=checker.check(doc, dossier, ctx), village=summary)
    except Exception as error:  # InputError, or a defect of ours: reported, never a traceback
        return Outcome(problems=problems_of(error, path, checker.lang))


class WorkerPool:
    """Checks files in `jobs` worker processes, isolating any file that kills its worker."""

    def __init__(self, pack: RulePack, lang: str, waivers: WaiverSet, jobs: int):
        self.pack, self.lang, self.waivers, self.jobs = pack, lang, waivers, max(1, jobs)
        self._context = multiprocessing.get_context("fork")

    def _executor(self, workers: int) -> ProcessPoolExecutor:
        return ProcessPoolExecutor(
            workers, mp_context=self._context, initializer=_start_worker, initargs=(self.pack, self.lang, self.waivers)
        )

    def run(self, paths: dict[int, Path], task: Callable[[Path], tuple]) -> dict[int, Outcome]:
        """Outcome per index; `task(path)` gives the extra arguments of check_one for that file."""
        outcomes: dict[int, Outcome] = {}
        unfinished: list[int] = []
        with self._executor(min(self.jobs, max(1, len(paths)))) as executor:
            futures = {executor.submit(check_one, path, *task(path)): index for index, path in paths.items()}
            for future in as_completed(futures):
                try:
                    outcomes[futures[future]] = future.result()
                except BrokenProcessPool:
                    unfinished.append(futures[future])
        for index in sorted(unfinished):
            outcomes[index] = self._alone(paths[index], task)
        return outcomes

    def _alone(self, path: Path, task: Callable[[Path], tuple]) -> Outcome:
        with self._executor(1) as executor:
            try:
                return executor.submit(check_one, path, *task(path)).result()
            except BrokenProcessPool:
                return self._crashed(path)

    def _crashed(self, path: Path) -> Outcome:
        try:
            doc, dossier = load_dossier(path, set(self.pack.plan.stages))
        except Exception as error:
            return Outcome(problems=problems_of(error, path, self.lang))
        reason = i18n.text("ui.worker_crashed", self.lang)
        return Outcome(result=unevaluated(self.pack, self.lang, doc, dossier, reason))
