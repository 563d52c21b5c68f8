"""One checking run: find the dossier files, check each, collect a Report.

A file that cannot be read or validated is recorded as an input problem and the run goes on.
"""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path

from . import __version__, i18n
from .dossier import load_dossier
from .errors import InputError
from .evaluate import Checker
from .desa_facts import rkp_established
from .facts import Context, VillageSummary
from .model import KecamatanDossier
from .reading import JSON_SUFFIXES, YAML_SUFFIXES, Document
from .report import SEVERITIES, DossierResult, InputProblem, Report, Summary, WaiverStatus
from .stages import recorded_stages
from .waivers import WaiverSet


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


def _problems(error: InputError, lang: str) -> list[InputProblem]:
    return [
        InputProblem(file=str(p.path), line=p.line, place=p.where, message=p.describe(lang))
        for p in getattr(error, "problems", [error])
    ]


def check_files(checker: Checker, files: list[Path], ctx: Context) -> Report:
    """Check every file; unreadable ones become input problems.

    Village dossiers are checked as they are read; kecamatan dossiers wait until every village of
    the run is read, so that the checks needing the villages (MRK-04) see them all.
    """
    lang = checker.lang
    results: dict[int, DossierResult] = {}
    problems: list[InputProblem] = []
    villages: dict[str, VillageSummary] = {}
    kecamatan: list[tuple[int, Document, KecamatanDossier]] = []
    stages = set(checker.pack.plan.stages)
    for index, path in enumerate(files):
        try:
            doc, dossier = load_dossier(path, stages)
        except InputError as error:
            problems += _problems(error, lang)
            continue
        except Exception as error:  # a defect of ours must not stop the batch nor show a traceback
            reason = f"{type(error).__name__}: {error}"
            problems.append(InputProblem(file=str(path), line=None, place="", message=i18n.text("ui.internal_error", lang, reason=reason)))
            continue
        if isinstance(dossier, KecamatanDossier):
            kecamatan.append((index, doc, dossier))
            continue
        results[index] = checker.check(doc, dossier, ctx)
        villages[dossier.kode] = VillageSummary(dossier.kode, dossier.nama, str(path), rkp_established(dossier, recorded_stages(dossier.tahapan)))
    for index, doc, dossier in kecamatan:
        results[index] = checker.check(doc, dossier, ctx, villages)
    ordered = [results[i] for i in sorted(results)]
    live = [f for r in ordered for f in r.findings if f.state != "waived"]
    counts = {s: sum(1 for f in live if f.severity == s) for s in SEVERITIES}
    waived = [f for r in ordered for f in r.findings if f.state == "waived"]
    return Report(
        version=__version__,
        rule_pack={"id": checker.pack.id, "version": checker.pack.version, "sha256": checker.pack.digest},
        as_of=ctx.as_of.isoformat(),
        before=ctx.before,
        complete=ctx.complete,
        lang=lang,
        dossiers=ordered,
        input_errors=problems,
        waivers=waiver_statuses(checker.waivers, waived, ctx),
        waiver_files=checker.waivers.files,
        summary=Summary(
            dossiers=len(ordered), findings=counts, waived=len(waived), unreadable=len({p.file for p in problems})
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
