"""One checking run: find the dossier files, check them in the worker pool (pool.py), report as results come.

Village dossiers are checked first, in file order; kecamatan dossiers then, with the villages of
the run, so that the checks needing the villages (MRK-04) see them all. A file that cannot be read
or validated is recorded as an input problem and the run goes on. This process only reads each file's
bytes (within the size limit), as its batch is sent; parsing and judging happen in the workers.
Results are yielded while later batches are still being checked, and only counts are kept, so a
national run fits in memory.
"""

from __future__ import annotations

import datetime as dt
import functools
import hashlib
import os
import stat
import zipfile
from collections import Counter
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import replace
from pathlib import Path
from typing import Any

from .. import __version__, i18n
from ..errors import InputError
from ..packs.facts import Context, VillageSummary
from ..dossiers.model import kode_kecamatan_of
from ..dossiers.reading import JSON_SUFFIXES, YAML_SUFFIXES, is_folder, read_bytes
from .results import SEVERITIES, DossierResult, InputProblem, Summary, WaiverStatus, joined
from ..packs.rulepack import RulePack
from .waivers import WaiverSet
from .pool import Pool
from .workers import Outcome, Request, problems_of


WORKBOOK_SUFFIX = ".xlsx"
DOSSIER_SUFFIXES = YAML_SUFFIXES + JSON_SUFFIXES + (WORKBOOK_SUFFIX,)


def dossier_files(paths: Iterable[Path], skipped: list[Path] | None = None) -> list[Path]:
    """The files named, and every dossier file under the folders named, in a stable order.

    Below a folder that is every .yaml/.yml/.json file and every dossier workbook (.xlsx); other
    workbooks (rosters, reports) are left out and added to `skipped` so the user can be told.
    """
    out: list[Path] = []
    for path in paths:
        out += _files_under(path, skipped if skipped is not None else []) if is_folder(path) else [path]
    return list(dict.fromkeys(out))


def _files_under(folder: Path, skipped: list[Path]) -> list[Path]:
    """Dossier files below a folder, sorted folder by folder (os.walk: ten times faster than rglob).

    A sub-folder that cannot be opened is listed too, so that reading it reports it (never a
    silent skip); entries that are not regular files (a pipe, a link to a device) are listed by
    name and refused when read, without blocking.
    """
    found: list[str] = []

    def unreadable(error: OSError) -> None:
        found.append(error.filename if error.filename is not None else str(folder))

    for root, _, names in os.walk(folder, onerror=unreadable):
        found += [os.path.join(root, name) for name in names if name.lower().endswith(DOSSIER_SUFFIXES)]
    out = []
    for name in sorted(found, key=lambda name: name.split(os.sep)):
        path = Path(name)
        if path.name.startswith("~$"):  # the lock file Excel keeps beside an open workbook
            continue
        if name.lower().endswith(WORKBOOK_SUFFIX) and not is_dossier_workbook(path):
            skipped.append(path)
            continue
        out.append(path)
    return out


def is_dossier_workbook(path: Path) -> bool:
    """Whether an .xlsx file is a dossier workbook (it has the template's sheet Petunjuk).

    Only the workbook's list of sheets is read (a few hundred bytes), not its cells; a file that
    is not a readable workbook (or not a regular file) counts as a dossier so that checking it
    names the problem.
    """
    try:
        if not stat.S_ISREG(os.stat(path).st_mode):
            return True
        with zipfile.ZipFile(path) as book:
            listing = book.read("xl/workbook.xml")
    except (OSError, KeyError, zipfile.BadZipFile):
        return True
    return b'name="Petunjuk"' in listing  # workbook_layout.GUIDE, without importing openpyxl


def combined(packs: list[RulePack]) -> dict[str, str]:
    """The `rule_pack` of a report: the packs of the run together (results.joined)."""
    return joined([{"id": p.id, "version": p.version, "sha256": p.digest} for p in packs])


def pack_header(packs: list[RulePack], ctx: Context, lang: str) -> dict[str, Any]:
    """The head of a report: the tool and its version, the packs that judged, the options, the language."""
    return {
        "tool": "cek-integrasi",
        "version": __version__,
        "rule_pack": combined(packs),
        "rule_packs": [{"id": p.id, "version": p.version, "sha256": p.digest, "years": p.years} for p in packs],
        "as_of": ctx.as_of.isoformat(),
        "before": ctx.before,
        "complete": ctx.complete,
        "lang": lang,
    }


def waiver_statuses(waivers: WaiverSet, used: Mapping[tuple[str, int], int], as_of: dt.date) -> list[WaiverStatus]:
    """Every waiver with what became of it on `as_of`: applied, unused, expired or not yet valid.

    `used`: the findings each waiver covered, by (file, index)."""
    out = []
    for loaded in waivers.waivers:
        findings = used.get((loaded.file, loaded.index), 0)
        status = loaded.status_on(as_of)
        if status == "live":
            status = "applied" if findings else "unused"
        out.append(WaiverStatus(file=loaded.file, index=loaded.index, status=status, findings=findings, **loaded.waiver.model_dump()))
    return out


class Run:
    """A checking run of `files` (each a path, or a (name, bytes) pair already in memory) in `pool`.
    Iterate `results()` (or `outcomes()`) once; `header()` before, `footer()` after. `lang`: of its input problems
    and messages; `languages`: of each result (default: `lang`; none: each outcome keeps its judgement in no
    language); `problem_languages`: further languages its input problems are written in (`footer(lang)`)."""

    def __init__(self, pool: Pool, lang: str, waivers: WaiverSet, files: list[Path | tuple[str, bytes]], ctx: Context,
                 languages: tuple[str, ...] | None = None, task=None, problem_languages: tuple[str, ...] = ()):
        self.pool, self.packs, self.lang, self.waivers, self.files, self.ctx = pool, pool.packs, lang, waivers, files, ctx
        self.languages = (lang,) if languages is None else languages
        self.task = task
        self.request = Request(ctx, waivers, None, self.languages, lang, problem_languages)
        self.problems: list[InputProblem] = []
        self.problems_written: dict[str, list[InputProblem]] = {other: [] for other in problem_languages}
        self.unreadable = 0
        self.dossiers = 0
        self.severities: Counter[str] = Counter()
        self.waived: Counter[tuple[str, int]] = Counter()
        self.codes: dict[str, str] = {}  # region code -> the first file of the run that holds it
        self.on_file_done: Callable[[int], None] = lambda _count: None  # progress: called once per file

    def header(self) -> dict[str, Any]:
        return pack_header(self.packs, self.ctx, self.lang)

    def results(self) -> Iterator[DossierResult]:
        """Every dossier's result, as models."""
        return (outcome.result for outcome in self.outcomes())

    def results_json(self) -> Iterator[str]:
        """Every dossier's result, as the JSON text the worker wrote (no parsing in this process)."""
        return (outcome.result_json for outcome in self.outcomes())

    def outcomes(self) -> Iterator[Outcome]:
        """The outcomes that carry a result, counted as they pass: the villages first, then the kecamatan
        dossiers with the villages of the run."""
        by_kecamatan: dict[str, dict[str, VillageSummary]] = {}
        deferred: dict[int, str] = {}
        for index, outcome in self._checked(list(range(len(self.files))), lambda _batch: self.request):
            if outcome.deferred:
                deferred[index] = outcome.kecamatan
                self._once(outcome.kecamatan, index, outcome)
            if outcome.village and self._once(outcome.village.kode, index, outcome):
                by_kecamatan.setdefault(kode_kecamatan_of(outcome.village.kode), {})[outcome.village.kode] = outcome.village
            yield from self._take(outcome)

        def villages_of(batch: list[int]) -> Request:
            wanted = {deferred[i] for i in batch}
            return replace(self.request, villages={k: v for code in wanted for k, v in by_kecamatan.get(code, {}).items()})

        for _, outcome in self._checked(list(deferred), villages_of):
            yield from self._take(outcome)

    def _checked(self, indices: list[int], request_of) -> Iterator[tuple[int, Outcome]]:
        """(index, outcome) of these files in order: those that cannot be read at all are input problems found
        here, the others are checked in the pool."""
        unread: dict[int, Outcome] = {}

        def readable() -> Iterator[tuple[int, str, bytes]]:
            for index in indices:
                name, raw = self._read(index, unread)
                if raw is not None:
                    yield index, name, raw

        def unread_before(index: float) -> Iterator[tuple[int, Outcome]]:
            for earlier in sorted(i for i in unread if i < index):
                yield earlier, unread.pop(earlier)

        for index, outcome in self.pool.stream(readable(), request_of, self.task, self.pool.batch_size(len(indices))):
            yield from unread_before(index)
            yield index, outcome
        yield from unread_before(float("inf"))

    def _read(self, index: int, unread: dict[int, Outcome]) -> tuple[str, bytes | None]:
        """A file's name and bytes, or its problem recorded in `unread` (missing, not a regular file, too big)."""
        file = self.files[index]
        if isinstance(file, tuple):
            return file
        try:
            return str(file), read_bytes(file)
        except InputError as error:
            unread[index] = Outcome.failed(self.request, functools.partial(problems_of, error, str(file), None))
            return str(file), None

    def _name(self, index: int) -> str:
        file = self.files[index]
        return file[0] if isinstance(file, tuple) else str(file)

    def _once(self, code: str, index: int, outcome: Outcome) -> bool:
        """True for the first file of a region code; a later one is reported as an input problem
        (its dossier is still checked, but the kecamatan check sees the first file's village)."""
        name = self._name(index)
        first = self.codes.setdefault(code, name)
        if first == name:
            return True
        digest = self._digest(index, outcome)
        for lang, problems in ((self.lang, self.problems), *self.problems_written.items()):
            problems.append(InputProblem(file=name, sha256=digest, line=None, place=i18n.readable("kode", lang),
                                         message=i18n.text("input.kode_ganda_di_run", lang, kode=code, file=first)))
        return False

    def _digest(self, index: int, outcome: Outcome) -> str | None:
        """sha256 of a file: from its outcome, or (a deferred kecamatan dossier) its bytes read again: only for a
        duplicate code, so the run never hashes every file here."""
        if outcome.head:
            return outcome.head["sha256"]
        _, raw = self._read(index, {})
        return hashlib.sha256(raw).hexdigest() if raw is not None else None

    def _take(self, outcome) -> Iterator:
        if not outcome.deferred:
            self.on_file_done(1)
        if outcome.problems:
            self.problems += outcome.problems
            for lang, problems in (outcome.problems_written or {}).items():
                self.problems_written[lang] += problems
            self.unreadable += 1
        if outcome.has_result:
            self.dossiers += 1
            self.severities.update(outcome.counts)
            self.waived.update(outcome.waived)
            yield outcome

    def footer(self, lang: str | None = None) -> dict[str, Any]:
        """The end of a report; its input problems in `lang` (the run's, or one of its `problem_languages`)."""
        return {
            "input_errors": self.problems if lang in (None, self.lang) else self.problems_written[lang],
            "waivers": waiver_statuses(self.waivers, self.waived, self.ctx.as_of),
            "waiver_files": self.waivers.files,
            "summary": Summary(
                dossiers=self.dossiers,
                findings={s: self.severities[s] for s in SEVERITIES},
                waived=sum(self.waived.values()),
                unreadable=self.unreadable,
            ),
        }

