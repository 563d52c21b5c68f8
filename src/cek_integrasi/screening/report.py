"""A screening in no language, and the ScreenReport it is rendered into in the reader's language.

`roster.screen` gives a screening as JSON-safe data: the rule pack, the as-of date, the roster, and
per screened row its number, kode, nama, kecamatan, verdict and ELG findings as a judgement keeps
them (rule, state, severity, reference, values: evaluation/evaluate.py); per bad row its number,
column, value and problem as a catalogue key with its context (a context value that is a dict is a
message of its own, such as the reason a code is wrong). `screening_in` writes it in a language,
each finding as evaluation/localize.py writes a dossier's. The service stores the screening and
renders it when a round is read; a third language needs nothing stored.

A round stored before screenings were neutral (migration 0011) keeps the texts it was written in:
its findings carry `texts` by language (as localize reads them), its bad rows `messages` by language.
"""

from __future__ import annotations

from typing import Any

import orjson

from .. import i18n
from ..evaluation.localize import finding_in
from ..packs.rulepack import RulePack
from .roster import KecamatanCount, RowProblem, ScreenedVillage, ScreenFinding, ScreenReport

VERDICTS = ("WAJIB", "BELUM_MEMENUHI", "BUKAN_PARTISIPAN")


def screening_in(screening: dict[str, Any], pack: RulePack | None, lang: str) -> ScreenReport:
    """A screening (as `roster.screen` gives it, or as read back from JSON) written in `lang`.

    `pack`: the pack that screened it (None if there is no longer one of its id: the stored texts, or the rule ids)."""
    written: dict[bytes, ScreenFinding] = {}  # each distinct finding's words, written once (a profile's rows share theirs)
    villages = [_village(v, pack, lang, written) for v in screening["villages"]]
    return ScreenReport(
        version=screening["version"], rule_pack=screening["rule_pack"], as_of=screening["as_of"], lang=lang,
        roster=screening["roster"], villages=villages, kecamatan=counts(villages),
        bad_rows=[RowProblem(row=p["row"], column=p["column"], value=p["value"], message=_problem_in(p, lang)) for p in screening["bad_rows"]],
    )


def _village(village: dict[str, Any], pack: RulePack | None, lang: str, written: dict[bytes, ScreenFinding]) -> ScreenedVillage:
    as_screened = [_finding(f, pack, lang, written) for f in village["findings"]]
    return ScreenedVillage(row=village["row"], kode=village["kode"], nama=village["nama"], kecamatan=village["kecamatan"],
                           verdict=village["verdict"], unmet=[f for f in as_screened if f.severity == "error"],
                           warnings=[f for f in as_screened if f.severity != "error"])


def _finding(finding: dict[str, Any], pack: RulePack | None, lang: str, written: dict[bytes, ScreenFinding]) -> ScreenFinding:
    key = orjson.dumps(finding, option=orjson.OPT_SORT_KEYS)
    if key not in written:
        f = finding_in(finding, pack, lang)
        written[key] = ScreenFinding(rule=f.rule, severity=f.severity, title=f.title, message=f.message, reference=f.reference,
                                     remediation=f.remediation)
    return written[key]


def _problem_in(problem: dict[str, Any], lang: str) -> str:
    if "messages" in problem:  # stored before screenings were neutral
        return problem["messages"].get(lang) or problem["messages"][i18n.DEFAULT]
    return message_in(problem["problem"], lang)


def message_in(message: dict[str, Any], lang: str) -> str:
    """A message kept as {"key", "context"} in `lang`; a context value that is a dict is a message of its own."""
    context = {k: message_in(v, lang) if isinstance(v, dict) else v for k, v in message["context"].items()}
    return i18n.text(message["key"], lang, **context)


def counts(villages: list[ScreenedVillage]) -> list[KecamatanCount]:
    """The villages of each verdict per kecamatan, by kecamatan name."""
    per: dict[str, dict[str, int]] = {}
    for v in villages:
        per.setdefault(v.kecamatan, dict.fromkeys(VERDICTS, 0))[v.verdict] += 1
    return [KecamatanCount(kecamatan=k, total=sum(c.values()), **c) for k, c in sorted(per.items())]
