"""A stored judgement rendered in the reader's language, when a page, report or API answer is produced."""

from __future__ import annotations

import orjson

from ..evaluation.localize import localize
from ..evaluation.results import DossierResult
from ..packs.rulepack import RulePack


def result_in(stored: str, packs: list[RulePack], lang: str) -> DossierResult:
    """A version's stored result (`Submission.result`) in `lang`, written with the texts of the pack that judged it."""
    judged = orjson.loads(stored)
    return localize(judged, next((p for p in packs if p.id == judged["pack"]), None), lang)
