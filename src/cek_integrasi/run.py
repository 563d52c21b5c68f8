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
from .facts import Context
from .reading import JSON_SUFFIXES, YAML_SUFFIXES
from .report import SEVERITIES, InputProblem, Report, Summary


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
    """Check every file; unreadable ones become input problems."""
    lang = checker.lang
    results, problems, unreadable = [], [], 0
    stages = set(checker.pack.stages)
    for path in files:
        try:
            doc, dossier = load_dossier(path, stages)
        except InputError as error:
            problems += _problems(error, lang)
            unreadable += 1
            continue
        except Exception as error:  # a defect of ours must not stop the batch nor show a traceback
            problems.append(InputProblem(file=str(path), line=None, place="", message=i18n.text(
                "ui.internal_error", lang, reason=f"{type(error).__name__}: {error}")))
            unreadable += 1
            continue
        results.append(checker.check(doc, dossier, ctx))
    counts = {s: sum(1 for r in results for f in r.findings if f.severity == s) for s in SEVERITIES}
    return Report(
        version=__version__,
        rule_pack={"id": checker.pack.id, "version": checker.pack.version, "sha256": checker.pack.digest},
        as_of=ctx.as_of.isoformat(),
        lang=lang,
        dossiers=results,
        input_errors=problems,
        summary=Summary(dossiers=len(results), findings=counts, unreadable=unreadable),
    )
