"""Evaluate an in-memory dossier the way the CLI does, minus the file."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from cek_integrasi.facts import Context
from cek_integrasi.model import DesaDossier
from cek_integrasi.reading import Document

from casekit import DEFAULT_AS_OF


def evaluate(checker, data: dict, as_of: dt.date = DEFAULT_AS_OF, complete: bool = False):
    dossier = DesaDossier.model_validate(data, context={"stages": set(checker.pack.stages)})
    doc = Document(Path("case.yaml"), data)
    return checker.check(doc, dossier, Context(as_of=as_of, complete=complete)), dossier
