"""What runs in a worker process: its checkers, built once, and the tasks the pool (pool.py) sends it.

A worker builds one Checker per pack when it starts (an engine build is costly) and keeps nothing
else between tasks: every task is given its files as (name, bytes) and a Request (the options, the
waivers, the villages a kecamatan dossier is checked against, the languages of the results), so
two callers with different waivers or languages can share one pool. A task returns one Outcome per
file. The worker's address space is capped (`start`), so a file that would take the machine fails
in its worker alone; a worker exits by itself within a second of its parent's death (even SIGKILL).
"""

from __future__ import annotations

import functools
import gc
import hashlib
import os
import resource
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import orjson

from .. import i18n
from ..dossiers.loading import load_dossier
from ..dossiers.model import Dossier, KecamatanDossier, build_validators
from ..dossiers.reading import Document
from ..errors import InputError
from ..packs.choosing import all_stages, choose_pack
from ..packs.desa_facts import summary
from ..packs.facts import Context, VillageSummary
from ..packs.rulepack import RulePack
from ..packs.stages import Stage, recorded_stages
from .evaluate import Checker, unevaluated
from .localize import localize
from .results import DossierResult, InputProblem
from .waivers import WaiverSet

WORKER_MEMORY_MB = 3072  # address space a worker may add to its size after start (a worker checking 100 dossiers uses about 300 MB)
MEMORY_VARIABLE = "CEK_INTEGRASI_WORKER_MEMORY_MB"
HEAD = ("code", "kind", "name", "kecamatan", "kabupaten", "pack", "verdict", "sha256")  # what an Outcome's head names of its dossier


def worker_memory_mb() -> int:
    """The memory limit of each worker of `check` in MiB (0: none), from the environment or the default."""
    written = os.environ.get(MEMORY_VARIABLE, "").strip()
    return int(written) if written.isdigit() else WORKER_MEMORY_MB


@dataclass(frozen=True)
class Request:
    """What a call asks of the pool besides its files: the options (as-of date, --before, --complete), the
    waivers, the villages of the run a kecamatan dossier is checked against (None: kecamatan dossiers are
    deferred), the languages each result is rendered in (none: only its judgement, in no language, as the
    service stores it), the language of input problems (default: the first of `languages`) and the languages they
    are also written in (`problem_languages`: the local page shows one check in whichever language is asked)."""

    ctx: Context
    waivers: WaiverSet = field(default_factory=WaiverSet)
    villages: dict[str, VillageSummary] | None = None
    languages: tuple[str, ...] = (i18n.DEFAULT,)
    problems_lang: str | None = None
    problem_languages: tuple[str, ...] = ()

    @property
    def problems_in(self) -> str:
        return self.problems_lang or (self.languages[0] if self.languages else i18n.DEFAULT)


@dataclass
class Outcome:
    """What became of one file: a result, input problems, 'a kecamatan, check it later', or a time-out or crash.

    A worker sends the dossier's renderings in the languages asked (`renderings`, language -> the
    DossierResult as JSON) or, when none is asked, its judgement in no language (`judged_json`, what the
    service stores), as JSON text, which crosses the process boundary far faster than the models;
    `result` is parsed from the first rendering only when an output needs the model. `problems` are written in
    the request's language of problems, `problems_written` in each of its `problem_languages`.
    `crashed`: the file killed its worker twice (an engine crash, the memory cap); its result then
    has every rule `error`, or its problems say it could not even be read. `timed_out`: its check
    took longer than the pool's time limit.
    """

    judged_json: str | None = None
    renderings: dict[str, str] | None = None
    problems: list[InputProblem] | None = None
    problems_written: dict[str, list[InputProblem]] | None = None
    village: VillageSummary | None = None
    deferred: bool = False
    kecamatan: str | None = None  # the code of a deferred kecamatan dossier
    counts: dict[str, int] | None = None  # findings not waived, by severity
    waived: list[tuple[str, int]] | None = None  # (file, index) of the waiver of each waived finding
    head: dict | None = None  # the dossier (code, kind, name, kecamatan, kabupaten, pack, verdict, sha256) and its findings as (rule, subject, state, severity)
    crashed: bool = False
    timed_out: bool = False

    @classmethod
    def of(cls, judged: dict, pack: RulePack, langs: tuple[str, ...], village: VillageSummary | None = None) -> "Outcome":
        """The outcome of a judgement, rendered in `langs`; none: the judgement itself."""
        counts: dict[str, int] = {}
        waived = []
        for finding in judged["findings"]:
            if finding["waiver"]:
                waived.append((finding["waiver"]["file"], finding["waiver"]["index"]))
            else:
                counts[finding["severity"]] = counts.get(finding["severity"], 0) + 1
        renderings = {lang: localize(judged, pack, lang).model_dump_json() for lang in langs}
        judged_json = None if langs else orjson.dumps(judged).decode()
        head = {key: judged[key] for key in HEAD} | {"findings": [(f["rule"], f["subject"], f["state"], f["severity"]) for f in judged["findings"]]}
        return cls(judged_json=judged_json, renderings=renderings or None, village=village, counts=counts, waived=waived, head=head)

    @classmethod
    def failed(cls, request: Request, problems: Callable[[str], list[InputProblem]], **flags) -> "Outcome":
        """The outcome of a file with input problems (`problems(lang)`), written in each language the request asks."""
        written = {lang: problems(lang) for lang in request.problem_languages}
        return cls(problems=problems(request.problems_in), problems_written=written or None, **flags)

    @property
    def has_result(self) -> bool:
        """Whether the file was judged (rendered, or its judgement in no language)."""
        return bool(self.renderings or self.judged_json)

    @property
    def result_json(self) -> str | None:
        """The result in the first language asked (None: none was asked, or no result)."""
        return next(iter(self.renderings.values()), None) if self.renderings else None

    @property
    def result(self) -> DossierResult | None:
        return DossierResult.model_validate_json(self.result_json) if self.result_json else None


class Worker:
    """A worker process's checker of each pack (by pack id) and how dossiers are given their pack.

    `forced`: the one pack was named by the user and judges every plan year."""

    def __init__(self, packs: list[RulePack], forced: bool):
        self.packs, self.forced = packs, forced
        self.stages: dict[str, Stage] = all_stages(packs)
        self.checkers = {p.id: Checker(p) for p in packs}
        self._families: dict[tuple[str, str], Checker] = {}

    def family_checker(self, pack_id: str, family: str) -> Checker:
        """A checker of only one family of a pack's rules (built on first use): a roster row needs only ELG."""
        key = (pack_id, family)
        if key not in self._families:
            self._families[key] = Checker(self.checkers[pack_id].pack.family(family))
        return self._families[key]

    def load(self, name: str, raw: bytes, before: str | None = None) -> tuple[Document, Dossier, RulePack]:
        """A file's document, its dossier and the pack that judges it; InputError if it is no dossier of a pack."""
        doc, dossier = load_dossier(Path(name), self.stages, raw)
        return doc, dossier, choose_pack(self.packs, self.forced, doc, dossier, before)


_worker: Worker | None = None  # the one thing a worker process keeps between tasks: set by `start`


def start(packs: list[RulePack], forced: bool, memory_mb: int, parent: int) -> None:
    """A new worker process: its checkers and the dossier models' validators, its parent watched, then its address
    space capped at its size now plus `memory_mb` (0: no cap) and what it built frozen out of the cycle collector."""
    global _worker
    watch_parent(parent)
    _worker = Worker(packs, forced)
    build_validators()
    if memory_mb:
        limit = _address_space() + memory_mb * 1024 * 1024
        resource.setrlimit(resource.RLIMIT_AS, (limit, resource.getrlimit(resource.RLIMIT_AS)[1]))
    gc.freeze()  # what lives as long as the worker is never scanned for cycles again


def current() -> Worker:
    """This worker process's Worker (set when it started)."""
    assert _worker is not None, "only in a worker process of the pool"
    return _worker


def _address_space() -> int:
    """This process's address space in bytes (its VmSize), 0 where /proc does not tell."""
    try:
        with open("/proc/self/status") as status:
            return next(int(line.split()[1]) for line in status if line.startswith("VmSize:")) * 1024
    except (OSError, StopIteration, ValueError):
        return 0


def watch_parent(owner: int) -> None:
    """Exit this worker when the process that owns its pool is gone, or its own parent (the owner, or the fork
    server it was started from) is, checked every second.

    A thread polling works whatever thread started the worker (PR_SET_PDEATHSIG would fire when
    that thread ends)."""
    parent = os.getppid()

    def alive(pid: int) -> bool:
        try:
            os.kill(pid, 0)
        except ProcessLookupError:
            return False
        except PermissionError:  # there, under another user
            return True
        return True

    def watch() -> None:
        while os.getppid() == parent and alive(owner):
            time.sleep(1)
        os._exit(3)

    threading.Thread(target=watch, name="watch-parent", daemon=True).start()


def run_task(task, *args):
    """In a worker: run a task without the cycle collector, which would otherwise scan the batch's
    objects over and over (a third of the time). They are freed by reference counting as usual;
    the collector runs once after the task for anything left in a cycle."""
    gc.disable()
    try:
        return task(*args)
    finally:
        gc.enable()
        gc.collect()


def problems_of(error: Exception, name: str, raw: bytes | None, lang: str) -> list[InputProblem]:
    """An input error (or a defect of ours) as the input problems a report lists."""
    digest = hashlib.sha256(raw).hexdigest() if raw is not None else None
    if isinstance(error, InputError):
        return [
            InputProblem(file=str(p.path), sha256=digest, line=p.line, place=i18n.place(p.where, lang), message=p.describe(lang))
            for p in getattr(error, "problems", [error])
        ]
    if isinstance(error, MemoryError):
        message = i18n.text("ui.out_of_memory", lang, mb=worker_memory_mb())
        return [InputProblem(file=name, sha256=digest, line=None, place="", message=message)]
    reason = f"{type(error).__name__}: {error}"
    message = i18n.text("ui.internal_error", lang, reason=reason)
    return [InputProblem(file=name, sha256=digest, line=None, place="", message=message)]


def check_task(files: list[tuple[str, bytes]], request: Request) -> list[Outcome]:
    """Read and check a batch of files, in one pass of the engine per pack.

    Without `request.villages` kecamatan dossiers are deferred: they need every village of the run."""
    worker = current()
    outcomes: list[Outcome | None] = [None] * len(files)
    groups: dict[str, list[tuple[int, Document, Dossier]]] = {}  # pack id -> the batch's dossiers it judges
    for i, (name, raw) in enumerate(files):
        try:
            doc, dossier, pack = worker.load(name, raw, request.ctx.before)
        except Exception as error:  # InputError, MemoryError or a defect of ours: reported, never a traceback
            outcomes[i] = Outcome.failed(request, functools.partial(problems_of, error, name, raw))
            continue
        if isinstance(dossier, KecamatanDossier) and request.villages is None:
            outcomes[i] = Outcome(deferred=True, kecamatan=dossier.kode)
            continue
        groups.setdefault(pack.id, []).append((i, doc, dossier))
    for pack_id, group in groups.items():
        checker, items = worker.checkers[pack_id], [(doc, dossier) for _, doc, dossier in group]
        try:
            results = checker.judge_many(items, request.ctx, request.villages, request.waivers)
        except MemoryError:  # past the worker's limit: each dossier alone, so only the one too big is reported
            results = [_alone(checker, item, request) for item in items]
        except Exception as error:  # a defect of ours: every dossier of the group is reported, not lost
            results = [error] * len(items)
        for (i, doc, dossier), result in zip(group, results):
            if isinstance(result, Exception):
                outcomes[i] = Outcome.failed(request, functools.partial(problems_of, result, files[i][0], doc.raw))
                continue
            village = None
            if not isinstance(dossier, KecamatanDossier):
                village = summary(dossier, recorded_stages(dossier.tahapan), files[i][0])
            outcomes[i] = Outcome.of(result, checker.pack, request.languages, village)
    return outcomes


def _alone(checker: Checker, item: tuple[Document, Dossier], request: Request) -> dict | Exception:
    """One dossier judged in an engine session of its own: its judgement, or what it raised."""
    try:
        return checker.judge_many([item], request.ctx, request.villages, request.waivers)[0]
    except Exception as error:
        return error


def validate_task(files: list[tuple[str, bytes]], request: Request) -> list[Outcome]:
    """Only read and validate (the floor a check cannot go below)."""
    outcomes = []
    for name, raw in files:
        try:
            current().load(name, raw)
            outcomes.append(Outcome())
        except Exception as error:
            outcomes.append(Outcome.failed(request, functools.partial(problems_of, error, name, raw)))
    return outcomes


def crashed_task(files: list[tuple[str, bytes]], request: Request) -> list[Outcome]:
    """Each file's result with every rule `error` (checking it killed a worker twice)."""
    outcomes = []
    for name, raw in files:
        try:
            doc, dossier, pack = current().load(name, raw)
        except Exception as error:
            outcomes.append(Outcome.failed(request, functools.partial(problems_of, error, name, raw), crashed=True))
            continue
        outcome = Outcome.of(unevaluated(pack, doc, dossier, {"failure_key": "ui.worker_crashed"}), pack, request.languages)
        outcome.crashed = True
        outcomes.append(outcome)
    return outcomes
