"""Run the checks of a batch in worker processes, so that an engine crash costs one dossier, not the batch.

Each worker builds its own engine host once (one host per process) and checks batches of files
in one engine session each. Results come back in file order while later batches are still being
checked, so a run holds only a few batches in memory. A worker that dies (a segfault in the C
engine, the process killed) breaks its pool: the files of the batch it held are retried one by one
in a fresh worker, a file that kills that worker too is reported with every rule in state `error`
("needs manual review"), and the other batches lost with the pool are simply run again. The
parent never reads the file itself: if even loading it kills a worker, it is an input problem
("needs manual review"), so a file that exhausts memory costs its own report, never the run.

Each worker's address space is limited (RLIMIT_AS, `CEK_INTEGRASI_WORKER_MEMORY_MB`, default
WORKER_MEMORY_MB; 0: no limit), so one file cannot take the machine: past the limit the file gets
MemoryError in its worker and is reported as needing manual review. A worker exits by itself
within a second of its parent's death (even SIGKILL), instead of living on as an orphan.
"""

from __future__ import annotations

import copy
import gc
import hashlib
import multiprocessing
import os
import resource
import threading
import time
from collections import deque
from collections.abc import Callable, Iterator
from concurrent.futures import ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass
from pathlib import Path

import orjson

from .. import i18n
from ..packs.desa_facts import summary
from ..packs.choosing import all_stages, choose_pack
from ..dossiers.loading import load_dossier
from ..errors import InputError
from .evaluate import Checker, unevaluated
from .localize import localize
from ..packs.facts import Context, VillageSummary
from ..dossiers.model import Dossier, KecamatanDossier
from ..dossiers.reading import Document, open_regular
from .results import DossierResult, InputProblem
from ..packs.rulepack import RulePack
from ..packs.stages import recorded_stages
from .waivers import WaiverSet

_checkers: dict[str, Checker] = {}  # one per pack of the run, by pack id
_packs: list = []  # the packs of the run, earliest plan years first
_langs: tuple[str, ...] = (i18n.DEFAULT,)  # the languages each result is rendered in (none: only its judgement)
_problems_lang = i18n.DEFAULT  # the language of input problems
_forced = False  # --pack named the pack: it judges every plan year
BATCH = 100  # dossiers per engine session and per task sent to a worker (measured: 200 faults in 5x the pages)
WORKER_MEMORY_MB = 3072  # address space of a worker (a worker checking 100 dossiers uses about 300 MB)
MEMORY_VARIABLE = "CEK_INTEGRASI_WORKER_MEMORY_MB"


def worker_memory_mb() -> int:
    """The address-space limit of each worker in MiB (0: none), from the environment or the default."""
    written = os.environ.get(MEMORY_VARIABLE, "").strip()
    return int(written) if written.isdigit() else WORKER_MEMORY_MB


@dataclass
class Outcome:
    """What became of one file: a result, input problems, or 'a kecamatan, check it later'.

    A worker sends the dossier's renderings in the languages asked (`renderings`, language -> the
    DossierResult) or, when none is asked, its judgement in no language (`judged_json`, what the
    service stores), as JSON text, which crosses the process boundary far faster than the models;
    `result` is parsed from the first rendering only when an output needs the model.
    """

    judged_json: str | None = None
    renderings: dict[str, str] | None = None
    problems: list[InputProblem] | None = None
    village: VillageSummary | None = None
    deferred: bool = False
    kecamatan: str | None = None  # the code of a deferred kecamatan dossier
    counts: dict[str, int] | None = None  # findings not waived, by severity
    waived: list[tuple[str, int]] | None = None  # (file, index) of the waiver of each waived finding

    @classmethod
    def of(cls, judged: dict, pack: RulePack, village: VillageSummary | None = None) -> "Outcome":
        """The outcome of a judgement, rendered in the languages of the request (`use`); none: the judgement itself."""
        counts: dict[str, int] = {}
        waived = []
        for finding in judged["findings"]:
            if finding["waiver"]:
                waived.append((finding["waiver"]["file"], finding["waiver"]["index"]))
            else:
                counts[finding["severity"]] = counts.get(finding["severity"], 0) + 1
        renderings = {lang: localize(judged, pack, lang).model_dump_json() for lang in _langs}
        judged_json = None if _langs else orjson.dumps(judged).decode()
        return cls(judged_json=judged_json, renderings=renderings, village=village, counts=counts, waived=waived)

    @property
    def result_json(self) -> str | None:
        """The result in the first language asked (None: none was asked, or no result)."""
        return next(iter(self.renderings.values()), None) if self.renderings else None

    @property
    def result(self) -> DossierResult | None:
        return DossierResult.model_validate_json(self.result_json) if self.result_json else None


def configure(packs: list[RulePack], langs: tuple[str, ...], waivers: WaiverSet, forced: bool) -> None:
    """In a worker: build a checker per pack (once: an engine build is costly) and set what the batch tasks use."""
    global _checkers, _packs, _forced
    _checkers, _packs, _forced = {p.id: Checker(p, (langs or (i18n.DEFAULT,))[0], waivers) for p in packs}, packs, forced
    use(langs, waivers)


def use(langs: tuple[str, ...], waivers: WaiverSet, problems_lang: str | None = None) -> None:
    """In a configured worker: the languages the following checks render their results in (none: only
    the judgement), their waivers, and the language of input problems (default: the first of `langs`)."""
    global _langs, _problems_lang
    _langs = langs
    _problems_lang = problems_lang or (langs[0] if langs else i18n.DEFAULT)
    for checker in _checkers.values():
        checker.waivers = waivers


def checkers() -> dict[str, Checker]:
    """In a configured worker: its checker of each pack, by pack id, with no waivers (whatever the last
    check was given)."""
    out = {pack_id: copy.copy(checker) for pack_id, checker in _checkers.items()}  # the same engines: no second build
    for checker in out.values():
        checker.waivers = WaiverSet()
    return out


def _start_worker(packs: list[RulePack], lang: str, waivers: WaiverSet, forced: bool, memory_mb: int, parent: int) -> None:
    watch_parent(parent)
    if memory_mb:
        limit = memory_mb * 1024 * 1024
        resource.setrlimit(resource.RLIMIT_AS, (limit, resource.getrlimit(resource.RLIMIT_AS)[1]))
    configure(packs, (lang,), waivers, forced)
    gc.freeze()  # what lives as long as the worker is never scanned for cycles again


def watch_parent(parent: int) -> None:
    """Exit this worker when its parent is gone (re-parented: getppid changes), checked every second.

    A thread polling works whatever thread started the worker (PR_SET_PDEATHSIG would fire when
    that thread ends, killing the workers of a pool started by a web request thread)."""

    def watch() -> None:
        while os.getppid() == parent:
            time.sleep(1)
        os._exit(3)

    threading.Thread(target=watch, name="watch-parent", daemon=True).start()


def run_batch(task, *args):
    """In a worker: run a batch task without the cycle collector, which would otherwise scan the
    batch's objects over and over (a third of the time). They are freed by reference counting as
    usual; the collector runs once after the batch for anything left in a cycle."""
    gc.disable()
    try:
        return task(*args)
    finally:
        gc.enable()
        gc.collect()


def problems_of(error: Exception, path: Path, lang: str, raw: bytes | None = None) -> list[InputProblem]:
    """An input error (or a defect of ours) as the input problems a report lists (`raw`: the file's bytes, if in memory)."""
    digest = hashlib.sha256(raw).hexdigest() if raw is not None else file_sha256(path)
    if isinstance(error, InputError):
        return [
            InputProblem(file=str(p.path), sha256=digest, line=p.line, place=i18n.place(p.where, lang), message=p.describe(lang))
            for p in getattr(error, "problems", [error])
        ]
    if isinstance(error, MemoryError):
        message = i18n.text("ui.out_of_memory", lang, mb=worker_memory_mb())
        return [InputProblem(file=str(path), sha256=digest, line=None, place="", message=message)]
    reason = f"{type(error).__name__}: {error}"
    message = i18n.text("ui.internal_error", lang, reason=reason)
    return [InputProblem(file=str(path), sha256=digest, line=None, place="", message=message)]


def file_sha256(path: Path) -> str | None:
    """sha256 of a file's bytes, or None if it cannot be read."""
    try:
        with open_regular(path) as handle:  # never a pipe or a device: hashing one would never end
            return hashlib.file_digest(handle, "sha256").hexdigest()
    except (OSError, InputError):
        return None


def check_batch(paths: list[Path], ctx: Context, villages: dict[str, VillageSummary] | None,
                contents: list[bytes] | None = None) -> list[Outcome]:
    """In a worker: read and check a batch of files, in one pass of the engine.

    Without `villages` (the first pass) kecamatan dossiers are deferred: they need every village.
    `contents`: the files' bytes, already in memory (the service's uploads); `paths` then only name them.
    """
    outcomes: list[Outcome | None] = [None] * len(paths)
    groups: dict[str, list[tuple[int, Document, Dossier]]] = {}  # pack id -> the batch's dossiers it judges
    stages = all_stages(_packs)
    for i, path in enumerate(paths):
        raw = contents[i] if contents else None
        try:
            doc, dossier = load_dossier(path, stages, raw)
            pack = choose_pack(_packs, _forced, doc, dossier, ctx.before)
        except Exception as error:  # InputError, MemoryError or a defect of ours: reported, never a traceback
            outcomes[i] = Outcome(problems=problems_of(error, path, _problems_lang, raw))
            continue
        if isinstance(dossier, KecamatanDossier) and villages is None:
            outcomes[i] = Outcome(deferred=True, kecamatan=dossier.kode)
            continue
        groups.setdefault(pack.id, []).append((i, doc, dossier))
    for pack_id, group in groups.items():  # one pass of the engine per pack
        checker, items = _checkers[pack_id], [(doc, dossier) for _, doc, dossier in group]
        try:
            results = checker.judge_many(items, ctx, villages)
        except MemoryError:  # past the worker's limit: each dossier alone, so only the one too big is reported
            results = [_alone(checker, item, ctx, villages) for item in items]
        except Exception as error:  # a defect of ours: every dossier of the group is reported, not lost
            results = [error] * len(items)
        for (i, doc, dossier), result in zip(group, results):
            if isinstance(result, Exception):
                outcomes[i] = Outcome(problems=problems_of(result, paths[i], _problems_lang, doc.raw))
                continue
            village = None
            if not isinstance(dossier, KecamatanDossier):
                village = summary(dossier, recorded_stages(dossier.tahapan), str(paths[i]))
            outcomes[i] = Outcome.of(result, checker.pack, village)
    return outcomes


def _alone(checker: Checker, item: tuple[Document, Dossier], ctx: Context, villages) -> dict | Exception:
    """One dossier checked in an engine session of its own: its judgement, or what it raised."""
    try:
        return checker.judge_many([item], ctx, villages)[0]
    except Exception as error:
        return error


def validate_batch(paths: list[Path], _ctx: Context, _villages) -> list[Outcome]:
    """In a worker: only read and validate (the floor a check cannot go below)."""
    outcomes = []
    stages = all_stages(_packs)
    for path in paths:
        try:
            doc, dossier = load_dossier(path, stages)
            choose_pack(_packs, _forced, doc, dossier)
            outcomes.append(Outcome())
        except Exception as error:
            outcomes.append(Outcome(problems=problems_of(error, path, _problems_lang)))
    return outcomes


class WorkerPool:
    """Checks files in `jobs` worker processes, in ordered batches, isolating any file that kills its worker.

    `packs`: the packs of the run; each dossier is judged by the one covering its plan year.
    `forced`: the one pack was named by the user and judges every plan year; otherwise a dossier
    whose plan year no pack covers is an input problem naming the packs and their years.
    """

    def __init__(
        self, packs: list[RulePack] | RulePack, lang: str, waivers: WaiverSet, jobs: int, task=check_batch, forced: bool = False
    ):
        packs = packs if isinstance(packs, list) else [packs]  # one pack: it judges the plan years it declares
        self.packs, self.lang, self.waivers, self.jobs, self.task = packs, lang, waivers, max(1, jobs), task
        self.forced = forced
        self._context = multiprocessing.get_context("fork")

    def _executor(self, workers: int) -> ProcessPoolExecutor:
        return ProcessPoolExecutor(
            workers, mp_context=self._context, initializer=_start_worker,
            initargs=(self.packs, self.lang, self.waivers, self.forced, worker_memory_mb(), os.getpid()),
        )

    def stream(self, paths: list[tuple[int, Path]], extra: Callable[[list[int]], tuple]) -> Iterator[tuple[int, Outcome]]:
        """(index, outcome) for every path, in the order given.

        `extra(indices)` gives the task's other arguments (ctx, villages) for the files of one batch,
        so that a batch of kecamatan dossiers carries only the villages of those kecamatan.
        """
        if not paths:
            return
        size = max(1, min(BATCH, -(-len(paths) // (self.jobs * 4))))
        batches = deque(paths[i : i + size] for i in range(0, len(paths), size))
        executor = self._executor(min(self.jobs, len(batches)))
        flight: deque = deque()

        def fill() -> None:
            while batches and len(flight) < self.jobs * 2:
                batch = batches.popleft()
                flight.append((batch, executor.submit(run_batch, self.task, [p for _, p in batch], *extra([i for i, _ in batch]))))

        try:
            fill()
            while flight:
                batch, future = flight.popleft()
                try:
                    outcomes = future.result()
                except BrokenProcessPool:
                    executor.shutdown(cancel_futures=True)
                    batches.extendleft(reversed([b for b, _ in flight]))  # lost with the pool: run again
                    flight.clear()
                    executor = self._executor(self.jobs)
                    yield from self._isolate(batch, extra)
                    fill()
                    continue
                yield from zip((i for i, _ in batch), outcomes)
                fill()
        finally:
            executor.shutdown(cancel_futures=True)

    def _isolate(self, batch: list[tuple[int, Path]], extra: Callable[[list[int]], tuple]) -> Iterator[tuple[int, Outcome]]:
        """Each file of a batch whose worker died, alone in a fresh worker; dying again means `error`."""
        executor = self._executor(1)
        try:
            for index, path in batch:
                try:
                    outcome = executor.submit(run_batch, self.task, [path], *extra([index])).result()[0]
                except BrokenProcessPool:
                    executor.shutdown(cancel_futures=True)
                    executor = self._executor(1)
                    outcome = self._crashed(executor, path) if self.task is check_batch else None
                    if outcome is None:  # loading the file alone kills a worker (or only loading was asked)
                        executor.shutdown(cancel_futures=True)
                        executor = self._executor(1)
                        outcome = self._unloadable(path)
                yield index, outcome
        finally:
            executor.shutdown(cancel_futures=True)

    def _crashed(self, executor: ProcessPoolExecutor, path: Path) -> Outcome | None:
        """A file that killed its worker twice: every rule `error`, from the file loaded in a worker
        (never in this process: it may be the file that exhausts memory), or None if that dies too."""
        try:
            return executor.submit(run_batch, _crashed_batch, [path], None, None).result()[0]
        except BrokenProcessPool:
            return None

    def _unloadable(self, path: Path) -> Outcome:
        message = i18n.text("ui.worker_died_reading", self.lang)
        return Outcome(problems=[InputProblem(file=str(path), sha256=file_sha256(path), line=None, place="", message=message)])


def _crashed_batch(paths: list[Path], _ctx: Context, _villages) -> list[Outcome]:
    """In a worker: each file's result with every rule `error` (its checking killed a worker twice)."""
    outcomes = []
    for path in paths:
        try:
            doc, dossier = load_dossier(path, all_stages(_packs))
            pack = choose_pack(_packs, _forced, doc, dossier)
        except Exception as error:
            outcomes.append(Outcome(problems=problems_of(error, path, _problems_lang)))
            continue
        outcomes.append(Outcome.of(unevaluated(pack, doc, dossier, {"failure_key": "ui.worker_crashed"}), pack))
    return outcomes
