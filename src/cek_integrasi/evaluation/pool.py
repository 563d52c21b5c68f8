"""The one pool of worker processes that checks files, for `check`, the local page and the service alike.

Files go to the workers as (name, bytes) with a Request (workers.py); each task returns one Outcome
per file. One recovery for every caller: a task that outlasts the time limit or kills its worker
(a segfault in the C engine, the memory cap, the OOM killer) has its files checked again one by one,
so only the file at fault pays: alone, a file that takes too long is `timed_out`; one that kills its
worker twice is `crashed`, with every rule `error` ("needs manual review") when it can still be
loaded, or a problem saying it could not even be read. A dead or stopped worker is replaced by the
pool (pebble), never the whole pool, so the other tasks in flight go on.

Workers start with `forkserver` by default: forked from a clean process, they never hold the HTTP
socket, database connections or threads of the process that uses the pool (a worker that replaces a
dead one neither: it is forked from the fork server too); the fork server imports the program and the
checking code once, so a worker starts without importing them again. Workers start at the first task,
or (`start_now`) as the pool is made, while its caller opens its inputs (a store, a roster): in the
background, or with `fork` at once from the caller's thread. `check` and `screen` fork their workers
so, from their own thread, before they open anything (faster to start, and the workers see what the
process loaded): forking from a second thread could copy a lock another thread holds (pebble forks a
worker that replaces a dead one from its manager thread, as it always has). A worker builds
what every task needs as it starts (workers.start), so it does that while its parent reads its inputs.
Where neither exists (Windows), workers are spawned: each a new Python process.
"""

from __future__ import annotations

import functools
import hashlib
import itertools
import logging
import multiprocessing
import os
import threading
from collections import deque
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import TimeoutError as FutureTimeout

from pebble import CONSTS, ProcessExpired, ProcessPool

from .. import i18n
from ..packs.rulepack import RulePack
from . import workers
from .results import InputProblem
from .workers import Outcome, Request, check_task, crashed_task

log = logging.getLogger("cek_integrasi.pool")
BATCH = 100  # files per task sent to a worker, and per engine session (measured: 200 faults in 5x the pages)
File = tuple[str, bytes]
PRELOAD = ["__main__", workers.__name__]  # what the fork server imports once, when it starts, for every worker


def start_fork_server() -> None:
    """Start the fork server now without waiting for it (it imports PRELOAD meanwhile), where there is one: for a
    command that has other work to do before it makes its pool (load the packs, open a store)."""
    import multiprocessing.forkserver

    if "forkserver" in multiprocessing.get_all_start_methods():
        multiprocessing.get_context("forkserver").set_forkserver_preload(PRELOAD)
        multiprocessing.forkserver.ensure_running()


def poll_often() -> None:
    """For a command's short-lived pools: pebble's manager threads look at a pool every 10 ms instead of every
    `sleep_unit` (0.1 s by default), so closing one no longer waits up to 0.1 s (a sixth of a roster's screening).
    Not for the service's or the local page's pool: idle all day, it keeps pebble's pace."""
    CONSTS.sleep_unit = 0.01


class Pool:
    """`jobs` worker processes checking files against `packs` (each dossier judged by the pack of its
    plan year; `forced`: the one pack named judges every plan year).

    `timeout`: seconds one file's check may take (None: no limit); a task of several files gets a
    twentieth more for each further file. `memory_mb`: what a worker may add to its size (0: no cap;
    default: CEK_INTEGRASI_WORKER_MEMORY_MB). `task`: the worker task files are sent to unless a call
    names another (workers.check_task; a test gives one that stalls or crashes on purpose).
    `start_now`: start the workers now rather than at the first task: with `fork` at once, from this thread; else in
    the background.
    """

    def __init__(self, packs: list[RulePack] | RulePack, jobs: int = 2, forced: bool = False, timeout: float | None = None,
                 memory_mb: int | None = None, start: str = "forkserver", task=check_task, start_now: bool = False):
        self.packs = packs if isinstance(packs, list) else [packs]
        self.jobs, self.forced, self.timeout, self.task = max(1, jobs), forced, timeout, task
        self.memory_mb = workers.worker_memory_mb() if memory_mb is None else memory_mb
        if start not in multiprocessing.get_all_start_methods():  # Windows has neither fork nor a fork server
            start = "spawn"
        context = multiprocessing.get_context(start)
        if start == "forkserver":
            context.set_forkserver_preload(PRELOAD)
        self._workers = ProcessPool(self.jobs, initializer=workers.start, context=context,
                                    initargs=(self.packs, forced, self.memory_mb, os.getpid()))
        if start_now and start == "fork":
            self._start_workers()
        elif start_now:
            threading.Thread(target=self._start_workers, name="pool-start", daemon=True).start()

    def pack(self, pack_id: str) -> RulePack:
        return next(p for p in self.packs if p.id == pack_id)

    def budget(self, files: int) -> float | None:
        """Seconds a task of `files` files may take (a batch of 100 gets six times one file's limit)."""
        return None if self.timeout is None else self.timeout * (1 + (files - 1) / 20)

    def check(self, files: list[File], request: Request, task=None) -> list[Outcome]:
        """The outcome of each file, from one task (a service upload, a re-check's batch)."""
        task = task or self.task
        return self._settled(self._submit(task, files, request), task, files, request)

    def batch_size(self, files: int) -> int:
        """Files per task for a run of `files`: BATCH, or fewer so that every worker gets a few tasks."""
        return max(1, min(BATCH, -(-files // (self.jobs * 4))))

    def stream(self, files: Iterable[tuple[int, str, bytes]], request_of: Callable[[list[int]], Request],
               task=None, size: int = BATCH) -> Iterator[tuple[int, Outcome]]:
        """(index, outcome) for every (index, name, bytes), in the order given, in batches of `size` with a few in
        flight (`files` is read only as batches are sent). `request_of(indices)`: the request of one batch, so that
        a batch of kecamatan dossiers carries only the villages of those kecamatan."""
        task, pending = task or self.task, iter(files)
        flight: deque = deque()

        def fill() -> None:
            while len(flight) < self.jobs * 2:
                batch = [item for _, item in zip(range(size), pending)]
                if not batch:
                    return
                chunk, request = [(name, raw) for _, name, raw in batch], request_of([i for i, _, _ in batch])
                flight.append(([i for i, _, _ in batch], chunk, request, self._submit(task, chunk, request)))

        fill()
        while flight:
            indices, chunk, request, future = flight.popleft()
            outcomes = self._settled(future, task, chunk, request)
            fill()
            yield from zip(indices, outcomes)

    def map(self, function, calls: Iterable[tuple]) -> Iterator:
        """`function(*args)` in a worker (it finds the worker's checkers with workers.current()) for each args of
        `calls`, the results in order as they come, a few calls in flight: `calls` is read only as calls are sent, so
        that the work of making them (a roster's row checks) overlaps the workers' judging. Each call is bounded by
        the time limit: TimeoutError when one takes longer, WorkerDied when its worker dies."""
        pending, flight = iter(calls), deque()

        def fill() -> None:
            for args in itertools.islice(pending, self.jobs * 2 - len(flight)):
                flight.append(self._workers.schedule(workers.run_task, (function, *args), timeout=self.timeout))

        try:
            fill()
            while flight:
                try:
                    result = flight.popleft().result()
                except FutureTimeout:
                    raise TimeoutError(f"{getattr(function, '__name__', function)} took longer than {self.timeout} s") from None
                except ProcessExpired as error:
                    raise WorkerDied(str(error)) from None
                fill()
                yield result
        finally:
            for future in flight:
                future.cancel()

    def close(self) -> None:
        self._workers.stop()  # waits for a start in progress: pebble starts and stops under one lock
        self._workers.join()

    def __enter__(self) -> "Pool":
        return self

    def __exit__(self, *_exc) -> None:
        self.close()

    def _start_workers(self) -> None:
        """Asked whether it is active, pebble starts its workers (under its lock: a first task waits for them)."""
        try:
            self._workers.active
        except Exception:  # tried again, and reported, by the first task
            log.debug("the pool's workers did not start in the background", exc_info=True)

    def _submit(self, task, files: list[File], request: Request):
        return self._workers.schedule(workers.run_task, (task, files, request), timeout=self.budget(len(files)))

    def _settled(self, future, task, files: list[File], request: Request, died: bool = False) -> list[Outcome]:
        """The task's outcomes; after a time-out or a death, each file's own (a file alone: timed out, or
        crashed when it has killed a worker before)."""
        try:
            return future.result()
        except FutureTimeout:
            if len(files) == 1:
                timed_out = functools.partial(_problem, files[0], "ui.check_timed_out", seconds=f"{self.timeout:g}")
                return [Outcome.failed(request, timed_out, timed_out=True)]
            died = False
        except Exception as error:  # ProcessExpired (its worker died), MemoryError past the cap, a defect of ours
            if not isinstance(error, ProcessExpired):
                log.warning("checking %s failed in its worker: %r", ", ".join(name for name, _ in files), error)
            if len(files) == 1 and died:
                return [self._crashed(task, files[0], request)]
            died = True
        return [self._settled(self._submit(task, [file], request), task, [file], request, died)[0] for file in files]

    def _crashed(self, task, file: File, request: Request) -> Outcome:
        """A file that killed its worker twice: every rule `error`, from the file loaded in a worker (never in
        this process: it may be the file that exhausts memory), or a problem if even that dies."""
        if task is not workers.validate_task:
            try:
                return self._submit(crashed_task, [file], request).result()[0]
            except Exception:
                pass
        return Outcome.failed(request, functools.partial(_problem, file, "ui.worker_died_reading"), crashed=True)


class WorkerDied(RuntimeError):
    """The worker running a call died (an engine crash, the memory cap)."""


def _problem(file: File, key: str, lang: str, **context) -> list[InputProblem]:
    return [InputProblem(file=file[0], sha256=hashlib.sha256(file[1]).hexdigest(), line=None, place="",
                         message=i18n.text(key, lang, **context))]
