"""Catalogues of everything a user reads that does not come from a rule file.

One YAML file per language in `catalogues/` (id, en), keyed `section.key`; `text()` looks a key up
and fills its {placeholders}. A key missing in a language falls back to Indonesian.
"""

from __future__ import annotations

import datetime as dt
from functools import cache
from importlib import resources
from typing import Any

import yaml

LANGUAGES = ("id", "en")
DEFAULT = "id"


@cache
def catalogue(lang: str) -> dict[str, str]:
    """Flattened catalogue of one language."""
    text = resources.files(__package__).joinpath(f"catalogues/{lang}.yaml").read_text("utf-8")
    raw = yaml.load(text, Loader=getattr(yaml, "CSafeLoader", yaml.SafeLoader))
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
    return template.format(**context) if context else template


def show(value: Any, lang: str = DEFAULT) -> str:
    """A value as a reader sees it: ya/tidak, '12 Februari 2013', lists joined, '-' for nothing."""
    if isinstance(value, dict) and lang in value:  # a label written in both languages
        return value[lang]
    if hasattr(value, "shown"):  # a value that knows its words (facts.DocumentRef)
        return value.shown(lang)
    if isinstance(value, bool):
        return text("value.yes" if value else "value.no", lang)
    if isinstance(value, dt.date):
        month = text(f"month.m{value.month}", lang)
        return f"{value.day} {month} {value.year}"
    if isinstance(value, (list, tuple, set)):
        return ", ".join(show(v, lang) for v in value) if value else text("value.none", lang)
    if value is None or value == "":
        return text("value.none", lang)
    return str(value)
