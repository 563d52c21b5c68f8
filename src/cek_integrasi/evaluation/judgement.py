"""A finding's values as JSON-safe data and back: what a language-neutral result keeps for its messages.

The Checker's judgement of a dossier (docs/service.md, *Results in the reader's language*) holds,
for each finding, the values its message and remediation templates use. Dates, amounts and the
objects that know their words (a document, a doubtful name, a named person, a workbook place) are
kept as tagged data (`{"$": "date", "v": "2014-03-01"}`), so that the renderer shows them in any
language exactly as it would have shown the live values.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from typing import Any

from ..dossiers.reading import Place
from ..i18n import Rupiah
from ..names import Oddity
from ..packs.facts import DocumentRef, DoubtfulName, Named

TAG = "$"
KINDS = {cls.__name__: cls for cls in (DocumentRef, DoubtfulName, Named, Oddity, Place)}


def frozen(value: Any) -> Any:
    """`value` as JSON-safe data that `thawed` turns back into an equal value."""
    if isinstance(value, bool) or value is None or isinstance(value, str | float):
        return value
    if isinstance(value, Rupiah):
        return {TAG: "Rupiah", "v": int(value)}
    if isinstance(value, int):
        return value
    if isinstance(value, dt.date):
        return {TAG: "date", "v": value.isoformat()}
    if isinstance(value, list | tuple | set | frozenset):
        return [frozen(v) for v in value]
    if isinstance(value, dict):
        return {str(k): frozen(v) for k, v in value.items()}
    if type(value).__name__ in KINDS:
        fields = {f.name: frozen(getattr(value, f.name)) for f in dataclasses.fields(value)}
        return {TAG: type(value).__name__, **fields}
    return str(value)


def thawed(value: Any) -> Any:
    """The value `frozen` kept."""
    if isinstance(value, list):
        return [thawed(v) for v in value]
    if not isinstance(value, dict):
        return value
    kind = value.get(TAG)
    if kind == "date":
        return dt.date.fromisoformat(value["v"])
    if kind == "Rupiah":
        return Rupiah(value["v"])
    if kind in KINDS:
        fields = {k: thawed(v) for k, v in value.items() if k != TAG}
        return KINDS[kind](**{k: tuple(v) if isinstance(v, list) else v for k, v in fields.items()})
    return {k: thawed(v) for k, v in value.items()}
