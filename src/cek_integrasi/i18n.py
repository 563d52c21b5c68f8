"""Catalogues of everything a user reads that does not come from a rule file, and values in words.

One YAML file per language in `catalogues/` (id, en), keyed `section.key`; `text()` looks a key up
and fills its {placeholders}. A key missing in a language falls back to Indonesian. Dates and
numbers are written by Babel from the CLDR data of the language ("12 Februari 2013",
"Rp 120.000.000"); codes a dossier uses (`kepala_desa`, `blm_pnpm`) are shown by their labels
(section `choice`), and a path inside a dossier (`berita_acara[0].penandatangan`) in words
(section `field`: "Berita Acara ke-1 › Penandatangan").
"""

from __future__ import annotations

import datetime as dt
import os
import re
from functools import cache
from importlib import resources
from typing import Any

import yaml_rs

LANGUAGES = ("id", "en")
DEFAULT = "id"
_PATH = re.compile(r"^[a-z_]+(\[\d+\])?(\.[a-z_]+(\[\d+\])?)*$")
_STEP = re.compile(r"([a-z_]+)(?:\[(\d+)\])?")


@cache
def catalogue(lang: str) -> dict[str, str]:
    """Flattened catalogue of one language."""
    text = resources.files(__package__).joinpath(f"catalogues/{lang}.yaml").read_text("utf-8")
    raw = yaml_rs.loads(text)  # our own files, plain YAML: a sixth of PyYAML's time, which every command paid at start
    flat: dict[str, str] = {}
    for section, entries in raw.items():
        for key, value in entries.items():
            flat[f"{section}.{key}"] = value
    return flat


def text(key: str, lang: str = DEFAULT, **context: Any) -> str:
    """The sentence for `key` in `lang`, with placeholders filled."""
    template = catalogue(lang).get(key) or catalogue(DEFAULT).get(key)
    if template is None:
        raise KeyError(f"no text for {key!r}")
    return template.format(**{k: _counted(v, lang) for k, v in context.items()}) if context else template


def _counted(value: Any, lang: str) -> Any:
    """A count of five digits or more grouped as people write it (12.345); years and small counts as they are."""
    if isinstance(value, int) and not isinstance(value, bool) and abs(value) >= 10_000:
        return number(value, lang)
    return value


def environment_language() -> str:
    """The language the environment asks for (LC_ALL, LC_MESSAGES, then LANG: 'en...' is English)."""
    for name in ("LC_ALL", "LC_MESSAGES", "LANG"):
        value = os.environ.get(name, "")
        if value:
            return "en" if value.lower().startswith("en") else DEFAULT
    return DEFAULT


class Rupiah(int):
    """An amount of money: shown as 'Rp 120.000.000'."""


def date(value: dt.date, lang: str = DEFAULT) -> str:
    """'12 Februari 2013' / '12 February 2013'."""
    from babel.dates import format_date  # Babel only when a date is written: a check starts faster

    return format_date(value, "d MMMM y", locale=lang)


def number(value: int | float, lang: str = DEFAULT) -> str:
    """'120.000.000' / '120,000,000'."""
    from babel.numbers import format_decimal

    return format_decimal(value, locale=lang)


def money(value: int | float, lang: str = DEFAULT) -> str:
    """'Rp 120.000.000' / 'Rp 120,000,000'."""
    from babel.numbers import format_decimal

    return format_decimal(value, format="Rp #,##0", locale=lang)


def label(code: str, lang: str = DEFAULT) -> str:
    """The label of a code a dossier uses (kepala_desa: 'Kepala Desa'); the code itself if unknown."""
    return catalogue(lang).get(f"choice.{code}") or catalogue(DEFAULT).get(f"choice.{code}") or code


def is_code(value: str) -> bool:
    return f"choice.{value}" in catalogue(DEFAULT)


def readable(path: str, lang: str = DEFAULT) -> str:
    """A path inside a dossier in words: berita_acara[0].penandatangan -> 'Berita Acara ke-1 › Penandatangan'.

    Text that is not such a path (a workbook place, a sentence) is returned as it is.
    """
    if not path or not _PATH.match(path):
        return path
    words = []
    for name, index in _STEP.findall(path):
        word = catalogue(lang).get(f"field.{name}") or catalogue(DEFAULT).get(f"field.{name}") or name.replace("_", " ")
        words.append(text("field.nth", lang, what=word, n=int(index) + 1) if index else word)
    return " › ".join(words)


def unfilled(template: str) -> str:
    """A rule text shown without a dossier: its {placeholders} as '…'."""
    return re.sub(r"\{[^{}]*\}", "…", template)


def place(where: Any, lang: str = DEFAULT) -> str:
    """A place as a reader sees it: a workbook place (sheet, row, column) or a dossier path in words."""
    if hasattr(where, "shown"):
        return where.shown(lang)
    return readable(str(where or ""), lang)


def show(value: Any, lang: str = DEFAULT) -> str:
    """A value as a reader sees it: ya/tidak, '12 Februari 2013', 'Rp 120.000.000', labels, '-' for nothing."""
    if isinstance(value, dict) and lang in value:  # a label written in both languages
        return value[lang]
    if hasattr(value, "shown"):  # a value that knows its words (facts.DocumentRef)
        return value.shown(lang)
    if isinstance(value, bool):
        return text("value.yes" if value else "value.no", lang)
    if isinstance(value, Rupiah):
        return money(value, lang)
    if isinstance(value, dt.date):
        return date(value, lang)
    if isinstance(value, (list, tuple, set)):
        return ", ".join(show(v, lang) for v in value) if value else text("value.none", lang)
    if value is None or value == "":
        return text("value.none", lang)
    if isinstance(value, str) and is_code(value):
        return label(value, lang)
    return str(_counted(value, lang))
