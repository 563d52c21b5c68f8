"""Check uploaded files in worker processes under time and memory limits, with the pipeline of `check`.

The service keeps a small pool of worker processes, each holding the pack's checkers once, and sends
each uploaded file (or a re-check's batch of files) to one of them (`workers.check_batch`, as `check`
does). The store keeps each dossier's judgement in no language; pages, reports and the API render it
in the reader's language (evaluation/localize.py).
A file that takes longer than the time limit gets its workers ended and the pool rebuilt; a
worker's address space is capped, so a file that would eat the machine fails in its worker alone.
Other users' pages never wait for a check: they are served by other threads.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import gc
import logging
import multiprocessing
import os
import resource
import threading
from concurrent.futures import ProcessPoolExecutor
from concurrent.futures import TimeoutError as FutureTimeout
from concurrent.futures.process import BrokenProcessPool
from pathlib import Path

import orjson

from ..evaluation import workers
from ..evaluation.results import UNMET, InputProblem
from ..evaluation.waivers import WaiverSet
from ..packs.facts import Context, VillageSummary
from ..packs.rulepack import RulePack

log = logging.getLogger("cek_integrasi.service")


@dataclasses.dataclass
class ResultColumns:
    """What the store keeps of a result beside its text: the dossier, the verdict and counts, the pack, each finding.

    Worked out in the worker, which holds the result anyway, so that the service never parses it again."""

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
        findings = [(f["rule"], f["subject"], f["state"], f["severity"]) for f in result["findings"]]
        failed = [severity for _, _, state, severity in findings if state in UNMET]
        summary = {k: v.isoformat() if isinstance(v, dt.date) else v for k, v in dataclasses.asdict(village).items()} if village else None
        return cls(result["code"], result["kind"], result["name"], result["kecamatan"], result["kabupaten"], result["pack"],
                   result["verdict"], failed.count("error"), failed.count("warning"), findings, summary)


@dataclasses.dataclass
class Checked:
    """A file checked (its judgement, in no language), or the problems that stopped it (in the asked language)."""

    result: str | None = None  # the judgement as JSON (Checker.judge_many)
    columns: ResultColumns | None = None
    problems: list[InputProblem] | None = None
    deferred_kecamatan: str | None = None
    timed_out: bool = False
    crashed: bool = False  # its worker died twice on it (memory cap, engine crash)


def _start(packs: list[RulePack], forced: bool, memory_mb: int, parent: int) -> None:
    workers.watch_parent(parent)  # a killed server leaves no worker behind
    workers.configure(packs, (), WaiverSet(), forced)
    gc.freeze()  # what the worker inherited and built lives as long as it: never scanned for cycles again
    if memory_mb:
        try:
            with open("/proc/self/status") as status:
                size_kb = next(int(line.split()[1]) for line in status if line.startswith("VmSize:"))
            limit = size_kb * 1024 + memory_mb * 1024 * 1024
            resource.setrlimit(resource.RLIMIT_AS, (limit, limit))
        except (OSError, StopIteration, ValueError):  # not Linux: no cap
            pass


def check_files(files: list[tuple[str, bytes]], ctx: Context, villages: dict[str, VillageSummary] | None, lang: str,
                waivers: WaiverSet) -> list[Checked]:
    """In a worker: check files (name as uploaded, bytes) with the pipeline of `check`, read from memory,
    each judged in no language. Input problems are in `lang`."""
    workers.use((), waivers, lang)
    checked = []
    for outcome in workers.run_batch(workers.check_batch, [Path(name) for name, _ in files], ctx, villages, [data for _, data in files]):
        if outcome.problems:
            checked.append(Checked(problems=outcome.problems))
        elif outcome.deferred:
            checked.append(Checked(deferred_kecamatan=outcome.kecamatan))
        else:
            columns = ResultColumns.of(orjson.loads(outcome.judged_json), outcome.village)
            checked.append(Checked(result=outcome.judged_json, columns=columns))
    return checked


class CheckPool:
    """`jobs` worker processes checking uploaded files, each check bounded by `timeout` seconds.

    `packs`: each dossier is judged by the pack covering its plan year, as `check` does; `forced`:
    the one pack was named and judges every plan year.
    """

    def __init__(self, packs: list[RulePack] | RulePack, jobs: int = 2, timeout: float = 20.0, memory_mb: int = 1024,
                 forced: bool = False, task=check_files, upload_root: Path | None = None):
        self.packs = packs if isinstance(packs, list) else [packs]
        self.upload_root = upload_root  # where an uploaded roster waits for its screening (default: the system's temporary folder)
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
        return self.check_many([(name, data)], ctx, lang, villages, waivers)[0]

    def check_many(self, files: list[tuple[str, bytes]], ctx: Context, lang: str, villages=None,
                   waivers: WaiverSet | None = None) -> list[Checked]:
        """Check several files (name, bytes) in one task of one worker, as a re-check does.

        A batch that outlasts the time limit or kills its worker is checked again file by file, so
        that only the file at fault is reported as timed out or crashed."""
        waivers = waivers or WaiverSet()
        checked = self._run(files, ctx, villages, lang, waivers)
        if isinstance(checked, list):
            return checked
        if len(files) == 1:
            return [checked]
        return [self._one(file, ctx, villages, lang, waivers) for file in files]

    def budget(self, files: int) -> float:
        """Seconds a task of `files` files may take: the time limit of one file, and a twentieth of it for each
        further file (a re-check's batch of 100 gets six times one file's limit before it is split up)."""
        return self.timeout * (1 + (files - 1) / 20)

    def _one(self, file: tuple[str, bytes], ctx: Context, villages, lang: str, waivers: WaiverSet) -> Checked:
        checked = self._run([file], ctx, villages, lang, waivers)
        return checked[0] if isinstance(checked, list) else checked

    def _run(self, files: list[tuple[str, bytes]], ctx: Context, villages, lang: str, waivers: WaiverSet) -> list[Checked] | Checked:
        """The task's result for these files, or one Checked saying it timed out or crashed."""
        for attempt in (1, 2):
            try:
                with self._slots:
                    executor = self._executor
                    return executor.submit(self.task, files, ctx, villages, lang, waivers).result(timeout=self.budget(len(files)))
            except FutureTimeout:
                self._replace(executor, kill=True)
                return Checked(timed_out=True)
            except BrokenProcessPool:  # a worker died (memory cap, engine crash): once more in a fresh pool
                self._replace(executor, kill=False)
                if attempt == 2:
                    return Checked(crashed=True)
            except Exception:  # MemoryError under the cap, or a defect of ours: these files only
                log.exception("checking %s failed in its worker", ", ".join(name for name, _ in files))
                return Checked(crashed=True)
        raise AssertionError("unreachable")

    def call(self, task, *args):
        """Run `task(*args)` in a worker (it finds the checkers in `workers.checkers()`), bounded by the time limit.

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

