"""Check uploaded files in worker processes under time and memory limits, with the pipeline of `check`.

The service keeps a small pool of worker processes, each holding the pack's checkers (Indonesian and
English) once, and sends each uploaded file to one of them (`workers.check_batch`, as `check` does).
A file that takes longer than the time limit gets its workers ended and the pool rebuilt; a
worker's address space is capped, so a file that would eat the machine fails in its worker alone.
Other users' pages never wait for a check: they are served by other threads.
"""

from __future__ import annotations

import logging
import multiprocessing
import os
import resource
import tempfile
import threading
from concurrent.futures import ProcessPoolExecutor
from concurrent.futures import TimeoutError as FutureTimeout
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass
from pathlib import Path

from ..evaluation import workers
from ..evaluation.evaluate import Checker
from ..packs.facts import Context, VillageSummary
from ..evaluation.results import InputProblem
from ..packs.rulepack import RulePack
from ..evaluation.waivers import WaiverSet
from ..evaluation.workers import Outcome

log = logging.getLogger("cek_integrasi.service")
_checkers: dict[str, dict[str, Checker]] = {}  # language -> pack id -> checker
_packs: list[RulePack] = []
_forced = False


@dataclass
class Checked:
    """A file checked in both languages, or the problems that stopped it (in the asked language)."""

    outcome_id: Outcome | None = None
    outcome_en: Outcome | None = None
    problems: list[InputProblem] | None = None
    deferred_kecamatan: str | None = None
    timed_out: bool = False
    crashed: bool = False  # its worker died twice on it (memory cap, engine crash)


def _start(packs: list[RulePack], forced: bool, memory_mb: int, parent: int) -> None:
    global _packs, _forced
    workers.watch_parent(parent)  # a killed server leaves no worker behind
    _packs, _forced = packs, forced
    for lang in ("id", "en"):
        _checkers[lang] = {p.id: Checker(p, lang, WaiverSet()) for p in packs}
    if memory_mb:
        try:
            with open("/proc/self/status") as status:
                size_kb = next(int(line.split()[1]) for line in status if line.startswith("VmSize:"))
            limit = size_kb * 1024 + memory_mb * 1024 * 1024
            resource.setrlimit(resource.RLIMIT_AS, (limit, limit))
        except (OSError, StopIteration, ValueError):  # not Linux: no cap
            pass


def checkers(lang: str) -> dict[str, Checker]:
    """In a worker: its checkers of each pack in this language."""
    return _checkers[lang]


def check_file(path: Path, ctx: Context, villages: dict[str, VillageSummary] | None, lang: str, waivers: WaiverSet) -> Checked:
    """In a worker: check one file with the pipeline of `check`, in both languages, named as uploaded."""
    outcomes = {}
    for language in ("id", "en"):  # the worker module's state for `check_batch`, as its own workers set it
        workers._checkers, workers._packs, workers._lang, workers._forced = _checkers[language], _packs, language, _forced
        for checker in _checkers[language].values():
            checker.waivers = waivers
        outcomes[language] = outcome = workers.check_batch([path], ctx, villages)[0]
        for problem in outcome.problems or []:
            problem.file = path.name
        if outcome.result_json:
            result = outcome.result
            result.file = path.name  # the name the user uploaded, not the temporary folder
            outcome.result_json = result.model_dump_json()
    first = outcomes[lang]
    if first.problems:
        return Checked(problems=first.problems)
    if first.deferred:
        return Checked(deferred_kecamatan=first.kecamatan)
    return Checked(outcome_id=outcomes["id"], outcome_en=outcomes["en"])


class CheckPool:
    """`jobs` worker processes checking uploaded files, each check bounded by `timeout` seconds.

    `packs`: each dossier is judged by the pack covering its plan year, as `check` does; `forced`:
    the one pack was named and judges every plan year.
    """

    def __init__(self, packs: list[RulePack] | RulePack, jobs: int = 2, timeout: float = 20.0, memory_mb: int = 1024,
                 forced: bool = False, task=check_file, upload_root: Path | None = None):
        self.packs = packs if isinstance(packs, list) else [packs]
        self.upload_root = upload_root  # where each file waits for its check (default: the system's temporary folder)
        self.forced, self.jobs, self.timeout, self.memory_mb, self.task = forced, max(1, jobs), timeout, memory_mb, task
        self._lock = threading.Lock()
        self._slots = threading.BoundedSemaphore(self.jobs)  # a file waits here, so its time limit counts only its own check
        self._executor = self._new()

    def _new(self) -> ProcessPoolExecutor:
        return ProcessPoolExecutor(
            self.jobs, mp_context=multiprocessing.get_context("fork"), initializer=_start, initargs=(self.packs, self.forced, self.memory_mb, os.getpid())
        )

    def check(self, name: str, data: bytes, ctx: Context, lang: str, villages=None, waivers: WaiverSet | None = None) -> Checked:
        """Check the bytes of one uploaded file named `name` (its suffix tells the format)."""
        with tempfile.TemporaryDirectory(prefix="cek-integrasi-", dir=self.upload_root) as folder:
            path = Path(folder) / name
            path.write_bytes(data)
            for attempt in (1, 2):
                try:
                    with self._slots:
                        executor = self._executor
                        checked = executor.submit(self.task, path, ctx, villages, lang, waivers or WaiverSet()).result(timeout=self.timeout)
                except FutureTimeout:
                    self._replace(executor, kill=True)
                    return Checked(timed_out=True)
                except BrokenProcessPool:  # a worker died (memory cap, engine crash): once more in a fresh pool
                    self._replace(executor, kill=False)
                    if attempt == 2:
                        return Checked(crashed=True)
                    continue
                except Exception:  # MemoryError under the cap, or a defect of ours: that file only
                    log.exception("checking %s failed in its worker", name)
                    return Checked(crashed=True)
                break
        return checked

    def call(self, task, *args):
        """Run `task(*args)` in a worker (it finds the checkers in `checkers()`), bounded by the time limit.

        TimeoutError when it takes longer (the pool is rebuilt)."""
        with self._slots:
            executor = self._executor
            try:
                return executor.submit(task, *args).result(timeout=self.timeout)
            except FutureTimeout:
                self._replace(executor, kill=True)
                raise TimeoutError(f"{getattr(task, '__name__', task)} took longer than {self.timeout} s") from None

    def _replace(self, executor: ProcessPoolExecutor, kill: bool) -> None:
        """A fresh pool instead of `executor` (once, whichever thread sees the failure first)."""
        with self._lock:
            if self._executor is not executor:
                return
            self._executor = self._new()
        if kill:
            for process in list(getattr(executor, "_processes", {}).values()):
                process.kill()
        executor.shutdown(wait=False, cancel_futures=True)

    def pack(self, pack_id: str) -> RulePack:
        return next(p for p in self.packs if p.id == pack_id)

    def close(self) -> None:
        self._executor.shutdown(wait=True, cancel_futures=True)

