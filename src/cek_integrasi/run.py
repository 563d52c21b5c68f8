"""One checking run: find the dossier files, check them in worker processes, collect a Report.

A file that cannot be read or validated is recorded as an input problem and the run goes on.
Village dossiers are checked first; kecamatan dossiers then, with the villages of the run, so that
the checks needing the villages (MRK-04) see them all.
"""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path

from . import __version__
from .facts import Context
from .reading import JSON_SUFFIXES, YAML_SUFFIXES
from .report import SEVERITIES, Report, Summary, WaiverStatus
from .rulepack import RulePack
from .waivers import WaiverSet
from .workers import WorkerPool


def dossier_files(paths: Iterable[Path]) -> list[Path]:
    """The files named, and every .yaml/.yml/.json file under the folders named, in a stable order."""
    out: list[Path] = []
    for path in paths:
        if path.is_dir():
            out += sorted(
                p for p in path.rglob("*") if p.is_file() and p.suffix.lower() in YAML_SUFFIXES + JSON_SUFFIXES
            )
        else:
            out.append(path)
    return list(dict.fromkeys(out))


def check_files(pack: RulePack, lang: str, waivers: WaiverSet, files: list[Path], ctx: Context, jobs: int) -> Report:
    """Check every file; unreadable ones become input problems, a crashing one an `error` result."""
    pool = WorkerPool(pack, lang, waivers, jobs)
    outcomes = pool.run(dict(enumerate(files)), lambda _path: (ctx, None))
    villages = {o.village.kode: o.village for o in outcomes.values() if o.village}
    deferred = {i: files[i] for i, o in outcomes.items() if o.deferred}
    if deferred:
        outcomes.update(pool.run(deferred, lambda _path: (ctx, villages)))
    ordered = [outcomes[i].result for i in sorted(outcomes) if outcomes[i].result]
    problems = [p for i in sorted(outcomes) for p in outcomes[i].problems or []]
    live = [f for r in ordered for f in r.findings if f.state != "waived"]
    waived = [f for r in ordered for f in r.findings if f.state == "waived"]
    counts = {s: sum(1 for f in live if f.severity == s) for s in SEVERITIES}
    return Report(
        version=__version__,
        rule_pack={"id": pack.id, "version": pack.version, "sha256": pack.digest},
        as_of=ctx.as_of.isoformat(),
        before=ctx.before,
        complete=ctx.complete,
        lang=lang,
        dossiers=ordered,
        input_errors=problems,
        waivers=waiver_statuses(waivers, waived, ctx),
        waiver_files=waivers.files,
        summary=Summary(
            dossiers=len(ordered), findings=counts, waived=len(waived), unreadable=sum(1 for o in outcomes.values() if o.problems)
        ),
    )


def waiver_statuses(waivers: WaiverSet, waived: list, ctx: Context) -> list[WaiverStatus]:
    """Every waiver with what became of it: applied, unused, expired or not yet valid."""
    out = []
    for loaded in waivers.waivers:
        used = sum(1 for f in waived if (f.waiver.file, f.waiver.index) == (loaded.file, loaded.index))
        status = loaded.status_on(ctx.as_of)
        if status == "live":
            status = "applied" if used else "unused"
        out.append(WaiverStatus(file=loaded.file, index=loaded.index, status=status, findings=used, **loaded.waiver.model_dump()))
    return out
