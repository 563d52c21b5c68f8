"""Load a dossier file into the model, turning every validation error into plain words with its place."""

from __future__ import annotations

import re
from collections.abc import Collection, Mapping
from pathlib import Path
from typing import Any

from pydantic import ValidationError

from .. import i18n
from ..errors import InputError
from .model import DesaDossier, Dossier, KecamatanDossier
from .reading import Document, join, read_again_carefully, read_bytes, read_document, within_size

WORKBOOK_SUFFIXES = (".xlsx",)

KINDS = {"desa": DesaDossier, "kecamatan": KecamatanDossier}
MAX_PROBLEMS = 20
FORMS = {  # the patterns of the models, as a reader is told to write them
    r"^\d{2}\.\d{2}\.\d{2}(\.\d{4})?$": "PP.KK.CC.DDDD / PP.KK.CC, mis. 73.02.05.2004",
    r"^[A-Z]{2,4}-\d{2}$": "ELG-03",
}

_CODES = {
    "missing": "missing",
    "extra_forbidden": "extra_forbidden",
    "bool_type": "bool",
    "bool_parsing": "bool",
    "int_type": "int",
    "int_parsing": "int",
    "int_from_float": "int",
    "string_type": "string",
    "list_type": "list",
    "model_type": "mapping",
    "model_attributes_type": "mapping",
    "dict_type": "mapping",
    "literal_error": "literal",
    "greater_than_equal": "too_small",
    "less_than_equal": "too_large",
    "string_too_short": "too_short",
    "string_too_long": "too_long",
    "string_pattern_mismatch": "pola",
}


class InvalidDossier(InputError):
    """A dossier with one or more validation problems, each an InputError of its own."""

    def __init__(self, path: Path, problems: list[InputError]):
        super().__init__(path, problems[0].where, problems[0].code, problems[0].line, **problems[0].context)
        self.problems = problems


def read_any(path: Path, stages: Mapping[str, Any] | None = None, raw: bytes | None = None) -> Document:
    """A YAML, JSON or workbook (.xlsx) file as plain data (`stages`: the pack's, for their labels in a workbook).

    `raw`: the file's bytes when they are already in memory; `path` then only names the file."""
    if path.suffix.lower() in WORKBOOK_SUFFIXES:
        from .workbook_reading import read_workbook  # openpyxl only when a workbook is read

        labels = {code: stage.label for code, stage in stages.items()} if isinstance(stages, Mapping) else None
        return read_workbook(path, read_bytes(path) if raw is None else within_size(path, raw), labels)
    return read_document(path, raw)


def load_dossier(path: Path, stages: Collection[str] | None = None, raw: bytes | None = None) -> tuple[Document, Dossier]:
    """Read and validate one dossier file; raise InputError (or InvalidDossier) if it is not one.

    `stages` are the stage codes the pack knows; given as the pack's stages by code, a workbook's
    Tahap column may also hold their labels. `raw`: the file's bytes when they are already in memory.
    """
    doc = read_any(path, stages, raw)
    if not isinstance(doc.data, dict):
        raise InputError(path, "", "bukan_dossier", line=1)
    kind = doc.data.get("jenis")
    model = KINDS.get(kind) if isinstance(kind, str) else None
    if model is None:
        if kind is None:
            raise InputError(path, "jenis", "missing", line=1)
        raise InputError(path, "jenis", "jenis_tidak_dikenal", line=doc.line_of("jenis"), jenis=kind, pilihan=", ".join(KINDS))
    known = set(stages) if stages is not None else None
    try:
        dossier = model.model_validate(doc.data, context={"stages": known})
    except ValidationError as exc:
        read_again_carefully(doc)  # its own message first (a key that is not text), if it has one
        unread = {p.where for p in doc.problems}  # a cell already reported is not reported again as missing
        others = [p for p in problems_of(doc, exc) if p.where not in unread]
        raise InvalidDossier(path, (doc.problems + others)[:MAX_PROBLEMS]) from None
    if doc.problems:
        raise InvalidDossier(path, doc.problems[:MAX_PROBLEMS])
    return doc, dossier


def problems_of(doc: Document, exc: ValidationError) -> list[InputError]:
    """Each validation error of a file in plain words with its place (at most MAX_PROBLEMS)."""
    return [_problem(doc, err) for err in exc.errors()[:MAX_PROBLEMS]]


def _problem(doc: Document, err: dict[str, Any]) -> InputError:
    where = ""
    for part in err["loc"]:
        where = join(where, part)
    kind = err["type"]
    ctx = dict(err.get("ctx") or {})
    value = err.get("input")
    shown = value if isinstance(value, (str, int, float, bool)) or value is None else type(value).__name__
    context: dict[str, Any] = {"input": str(shown)[:80]}
    if kind in _CODES:
        code = _CODES[kind]
        if code == "extra_forbidden":
            context["field"] = err["loc"][-1]
            where = where.rsplit(".", 1)[0] if "." in where else ""
        elif code == "literal":
            expected = re.findall(r"'([^']*)'", str(ctx.get("expected", "")))
            shown = [i18n.label(c) for c in expected] if doc.places is not None else [f"'{c}'" for c in expected]
            context["expected"] = ", ".join(shown)  # a workbook lists the labels its drop-down shows
        elif code == "pola":  # the form in words, not the regular expression
            context["pattern"] = FORMS.get(str(ctx.get("pattern", "")), str(ctx.get("pattern", "")))
        elif code in ("too_small", "too_large", "too_long"):
            context["limit"] = ctx.get("ge", ctx.get("le", ctx.get("max_length", "")))
    elif f"input.{kind}" in i18n.catalogue(i18n.DEFAULT):
        code = kind
        context.update({k: str(v) for k, v in ctx.items()})
        if "first" in context and doc.places is not None:
            context["first"] = doc.place_of(context["first"]) or context["first"]
        where = join(where, ctx["lokasi"]) if "lokasi" in ctx else where  # a cross-reference: the place it is written
    else:
        code, context = "other", {"detail": err["msg"]}
    line = doc.line_of(join(where, err["loc"][-1]) if code == "extra_forbidden" else where)
    if doc.places is not None:  # a workbook: name the sheet, row and column instead of the path
        where, line = doc.place_of(where) or where, None
    return InputError(doc.path, where, code, line=line, **context)

