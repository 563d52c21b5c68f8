"""Evaluate an in-memory dossier the way the CLI does, minus the file."""

from __future__ import annotations

import time

import datetime as dt
from pathlib import Path

from casekit import DEFAULT_AS_OF
from cek_integrasi.dossiers.loading import KINDS
from cek_integrasi.packs.facts import Context, VillageSummary
from cek_integrasi.dossiers.reading import Document


def context_of(case: dict) -> Context:
    """The Context a rule case asks for (as_of, complete, before)."""
    value = case.get("as_of", DEFAULT_AS_OF)
    as_of = value if isinstance(value, dt.date) else dt.date.fromisoformat(value)
    return Context(as_of=as_of, complete=case.get("complete", False), before=case.get("before"))


def villages_of(case: dict) -> dict[str, VillageSummary] | None:
    """Village dossiers 'checked in the same run' as a kecamatan case says."""
    if "villages" not in case:
        return None
    return {
        v["kode"]: VillageSummary(v["kode"], v["nama"], f"{v['kode']}.yaml", v.get("rkp_tanggal"), v.get("musrenbangdes_tanggal"))
        for v in case["villages"]
    }


def validate(checker, data: dict):
    return KINDS[data["jenis"]].model_validate(data, context={"stages": set(checker.pack.plan.stages)})


def evaluate(checker, data: dict, ctx: Context | None = None, villages=None):
    dossier = validate(checker, data)
    doc = Document(Path("case.yaml"), data)
    return checker.check(doc, dossier, ctx or Context(as_of=DEFAULT_AS_OF), villages), dossier


def checked_page(client, response):
    """Follow a local-page upload to its result page, waiting while it is being checked (202)."""
    for _ in range(600):
        if response.status_code not in (202, 303):
            return response
        if response.status_code == 202:
            time.sleep(0.1)
        response = client.get(response.location if response.status_code == 303 else response.request.full_path)
    raise AssertionError("the check did not end")
