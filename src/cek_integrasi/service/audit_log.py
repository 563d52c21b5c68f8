"""The audit log's entries: an action code and its parameters (names, codes, counts, dates) stored as
JSON, shown to the admin in the reader's language from the catalogue (`audit.<action>` and
`audit.<action>_detail`). Entries written before they had parameters keep their text as it was."""

from __future__ import annotations

import datetime as dt
import json
from typing import Any

from .. import i18n
from .store import AuditEntry

DATES = ("as_of", "valid_from", "expires")  # parameters kept as ISO dates, shown as readers write dates


def detail(**params: Any) -> str:
    """An entry's parameters as stored; nothing for an action that needs none (a sign-in)."""
    return json.dumps(params, ensure_ascii=False, sort_keys=True, default=str) if params else ""


def entry(user: str, action: str, address: str = "", **params: Any) -> AuditEntry:
    return AuditEntry(user=user, action=action, address=address, detail=detail(**params))


def shown(action: str, stored: str, lang: str) -> tuple[str, str]:
    """The action's label and its detail in words, for the audit page."""
    words = i18n.catalogue(lang)
    label = words.get(f"audit.{action}", action)
    try:
        params = json.loads(stored) if stored.startswith("{") else None
    except ValueError:
        params = None
    template = words.get(f"audit.{action}_detail")
    if not isinstance(params, dict) or template is None:
        return label, stored
    return label, template.format(**{k: _value(k, v, lang) for k, v in params.items()}).strip()


def _value(key: str, value: Any, lang: str) -> str:
    if key == "role":
        return i18n.text(f"svc.role_{value}", lang)
    if key == "source" and not value:
        return i18n.text("svc.screening_from_store", lang)
    if key in DATES:
        return i18n.date(dt.date.fromisoformat(value), lang) if value else i18n.show(None, lang)
    return i18n.show(value, lang) if isinstance(value, bool) else str(value)
