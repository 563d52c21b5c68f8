"""Turn a dossier into the subjects rules are evaluated on (the fact vocabulary: facts.py, vocabulary.py).

The builders shared by both dossier kinds live here: the held forums (recorded stages), the Berita
Acara, the establishing documents dated against their steps, and the steps of the cycle with their
order (stages.py); each subject carries its shared facts and those its bundles build (vocabulary.py).

Evaluation has two phases (docs/rules.md): the dossier's own subject (`head_of`) is judged first by
the rules a verdict needs; every subject (`subjects_of`) is then built knowing that verdict, which
the stage order and the integration duties depend on.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Collection, Mapping
from dataclasses import replace

from . import desa_facts, kecamatan_facts
from .facts import (
    VERDICT_FACT, BeritaAcaraBasics, Context, DocumentRef, ForumBasics, InstrumentBasics, StepBasics, Subject, VillageSummary,
)
from ..dossiers.model import BeritaAcara, DesaDossier, Dossier, Tahap
from .stages import Order, Recorded, Stage, StagePlan, latest_stage_dates, recorded_stages
from .vocabulary import Vocabulary


def head_of(dossier: Dossier, ctx: Context, plan: StagePlan, vocabulary: Vocabulary) -> Subject:
    """The dossier's own subject (the village or the kecamatan) with its situation, its verdict not decided yet;
    `vocabulary`: that of the pack judging it."""
    stages = recorded_stages(dossier.tahapan)
    if isinstance(dossier, DesaDossier):
        return desa_facts.village(dossier, ctx, stages, plan, vocabulary)
    return kecamatan_facts.kecamatan(dossier, ctx, stages, plan.stages, vocabulary)


def subjects_of(
    dossier: Dossier,
    ctx: Context,
    plan: StagePlan,
    vocabulary: Vocabulary,
    villages: Mapping[str, VillageSummary] | None = None,
    verdict: str | None = None,
    head: Subject | None = None,
    kinds: Collection[str] | None = None,
) -> list[Subject]:
    """Every subject of a dossier, its own subject first, for the verdict the first phase gave it.

    `kinds`: only the subjects of these kinds besides its own (those some rule of the pack judges: no other is
    read); None: all."""
    def wanted(kind: str) -> bool:
        return kinds is None or kind in kinds

    stages = recorded_stages(dossier.tahapan)
    head = head or head_of(dossier, ctx, plan, vocabulary)
    if isinstance(dossier, DesaDossier):
        head.facts[VERDICT_FACT] = verdict or ""
        situation = {**head.situation, VERDICT_FACT: verdict or ""}
        out = [head]
        out += [s for s in desa_facts.others(dossier, stages, vocabulary) if wanted(s.kind)]
        documents, instruments = desa_facts.document_dates, desa_facts.instruments
    else:
        situation = head.situation
        out = [head]
        if villages is not None and wanted("desa_anggota"):
            out += kecamatan_facts.villages(dossier, stages, villages, vocabulary)
        documents, instruments = kecamatan_facts.document_dates, kecamatan_facts.instruments
    if wanted("berita_acara"):
        out += [berita_acara(i, ba, dossier, stages, vocabulary) for i, ba in enumerate(dossier.berita_acara)]
    if wanted("forum"):
        out += forums(dossier, stages, vocabulary)
    if wanted("instrumen"):
        out += [instrument(entry, stages, dossier, plan.stages, vocabulary) for entry in instruments(dossier, stages)]
    if wanted("tahap"):
        out += steps(stages, plan.order(situation), dossier.jenis, ctx, documents(dossier), latest_stage_dates(dossier.tahapan), vocabulary)
    return out


def forums(dossier: Dossier, stages: Recorded, vocabulary: Vocabulary) -> list[Subject]:
    """Every recorded stage as a forum, with what the bundles say of it (its Berita Acara, who facilitated it,
    who took part)."""
    out = []
    for code, (i, record) in stages.items():
        facts, details = vocabulary.build("forum", ForumBasics(dossier, code, record))
        out.append(Subject("forum", f"forum:{code}", f"tahapan[{i}]", {"kode": code, **facts}, details))
    return out


def berita_acara(index: int, ba: BeritaAcara, dossier: Dossier, stages: Recorded, vocabulary: Vocabulary) -> Subject:
    """One Berita Acara, with what the bundles say of it (who signed it, its date)."""
    facts, details = vocabulary.build("berita_acara", BeritaAcaraBasics(dossier, index, ba, stages))
    return Subject("berita_acara", f"ba:{ba.id}", f"berita_acara[{index}]", facts, details)


def _forum_date(dossier: Dossier, stages: Recorded, code: str) -> dt.date | None:
    """When a step took place: its stage date, else (a forum) the date of its Berita Acara."""
    record: Tahap | None = stages.get(code, (None, None))[1]
    if record:
        return record.tanggal
    return next((ba.tanggal for ba in dossier.berita_acara if ba.forum == code and ba.tanggal), None)


def instrument(
    entry: tuple[str, str, DocumentRef, dt.date | None, str, bool], stages: Recorded, dossier: Dossier, known: dict[str, Stage],
    vocabulary: Vocabulary,
) -> Subject:
    """An establishing document dated against the step it follows or must precede, with what the bundles say of it."""
    kind, path, document, date, step, not_before = entry
    reference = _forum_date(dossier, stages, step)
    label = known[step].label
    relation = {
        "id": ("tidak boleh lebih awal dari " if not_before else "tidak boleh lebih lambat dari ") + label["id"],
        "en": ("must not be earlier than " if not_before else "must not be later than ") + label["en"],
    }
    facts, more = vocabulary.build("instrumen", InstrumentBasics(kind, date, reference, not_before))
    details = {"dokumen": replace(document, date=None), "tanggal": date, "syarat": relation, "tanggal_acuan": reference, **more}
    return Subject("instrumen", f"instrumen:{kind}", path, facts, details)


def steps(
    stages: Recorded,
    order: Order,
    level: str,
    ctx: Context,
    documents: dict[str, tuple[DocumentRef, dt.date | None]],
    latest: dict[str, dt.date],
    vocabulary: Vocabulary,
) -> list[Subject]:
    """One subject per step of the cycle that applies to this dossier, earliest first.

    A step recorded more than once counts from its earliest entry and is judged against the
    as-of date by its latest (`latest`), so the findings never depend on the order of entries."""
    required = {c for c in order.before(ctx.before)} if ctx.before else set()
    out = []
    for code in order.steps(level):
        index, record = stages.get(code, (None, None))
        earlier = _recorded(order.before(code), stages) if record else []
        too_late_for = [c for c in earlier if stages[c][1].tanggal > record.tanggal]
        later = _recorded(order.after(code), stages)
        document, document_date = documents.get(code, (None, None))
        facts = {
            "kode": code,
            "tercatat": record is not None,
            "urutan_benar": not too_late_for,
            "tidak_melewati_tanggal_periksa": record is None or latest[code] <= ctx.as_of,
            "sesudahnya_tercatat": bool(later),
            "diwajibkan": ctx.complete or code in required,
            "dalam_cakupan": ctx.before is None or code in required,
        }
        more, more_details = vocabulary.build("tahap", StepBasics(record, document, document_date))
        facts.update(more)
        details = {
            "label": order.stages[code].label,
            "tanggal": record.tanggal if record else None,
            "pendahulu_terlambat": [order.stages[c].label for c in too_late_for],
            "pendahulu_tanggal": max((stages[c][1].tanggal for c in too_late_for), default=None),
            "sesudahnya": [order.stages[c].label for c in later],
            "tanggal_periksa": ctx.as_of,
            "tanggal_terakhir": latest.get(code),
            "forum_tujuan": order.stages[ctx.before].label if ctx.before else None,
            **more_details,
        }
        path = f"tahapan[{index}]" if record else "tahapan"
        out.append(Subject("tahap", f"tahap:{code}", path, facts, details))
    return out


def _recorded(codes: set[str], stages: Recorded) -> list[str]:
    """The codes recorded in a dossier, earliest first (`stages` keeps that order)."""
    return [c for c in stages if c in codes]
