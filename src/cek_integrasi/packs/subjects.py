"""Turn a dossier into the subjects rules are evaluated on (the fact vocabulary: facts.py, vocabulary.py).

The builders shared by both dossier kinds live here: recorded stages, Berita Acara signatories,
held forums, establishing documents dated against their steps, and the steps of the cycle with
their order (stages.py).

Evaluation has two phases (docs/rules.md): the dossier's own subject (`head_of`) is judged first by
the rules a verdict needs; every subject (`subjects_of`) is then built knowing that verdict, which
the stage order and the integration duties depend on.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import replace

from . import desa_facts, kecamatan_facts, vocabulary as vocabularies
from .facts import VERDICT_FACT, Context, DocumentRef, DoubtfulName, Named, Subject, VillageSummary, person
from ..dossiers.model import BeritaAcara, DesaDossier, Dossier, Tahap
from .stages import Order, Recorded, Stage, StagePlan, latest_stage_dates, recorded_stages
from .vocabulary import Vocabulary


def head_of(dossier: Dossier, ctx: Context, plan: StagePlan, vocabulary: Vocabulary | None = None) -> Subject:
    """The dossier's own subject (the village or the kecamatan) with its situation, its verdict not decided yet;
    `vocabulary`: that of the pack (default: that of rules/)."""
    stages = recorded_stages(dossier.tahapan)
    vocabulary = vocabulary or vocabularies.default()
    if isinstance(dossier, DesaDossier):
        return desa_facts.village(dossier, ctx, stages, plan, vocabulary)
    return kecamatan_facts.kecamatan(dossier, ctx, stages, plan.stages, vocabulary)


def subjects_of(
    dossier: Dossier,
    ctx: Context,
    plan: StagePlan,
    villages: Mapping[str, VillageSummary] | None = None,
    verdict: str | None = None,
    head: Subject | None = None,
    vocabulary: Vocabulary | None = None,
) -> list[Subject]:
    """Every subject of a dossier, its own subject first, for the verdict the first phase gave it."""
    stages = recorded_stages(dossier.tahapan)
    vocabulary = vocabulary or vocabularies.default()
    head = head or head_of(dossier, ctx, plan, vocabulary)
    if isinstance(dossier, DesaDossier):
        head.facts[VERDICT_FACT] = verdict or ""
        order = plan.order({**head.situation, VERDICT_FACT: verdict or ""})
        out = [head]
        heads, head_role = desa_facts.kepala_desa(dossier), "kepala_desa"
        officials = desa_facts.officials(dossier)
        out += desa_facts.others(dossier, stages)
        documents, instruments = desa_facts.document_dates(dossier), desa_facts.instruments(dossier, stages)
    else:
        order = plan.order(head.situation)
        out = [head]
        heads, head_role, officials = [dossier.pejabat.camat] if dossier.pejabat.camat else [], "camat", {}
        if villages is not None:
            out += kecamatan_facts.villages(dossier, stages, villages, vocabulary)
        documents, instruments = kecamatan_facts.document_dates(dossier), kecamatan_facts.instruments(dossier, stages)
    out += [berita_acara(i, ba, stages, head_role, heads, officials) for i, ba in enumerate(dossier.berita_acara)]
    out += forums(dossier, stages)
    out += [instrument(entry, stages, dossier, plan.stages) for entry in instruments]
    out += steps(stages, order, dossier.jenis, ctx, documents, latest_stage_dates(dossier.tahapan))
    return out


def forums(dossier: Dossier, stages: Recorded) -> list[Subject]:
    """Every recorded stage as a forum: whether its Berita Acara exists, who facilitated it and who took part."""
    out = []
    for code, (i, record) in stages.items():
        by, present = set(record.fasilitator), set(record.peserta)
        facts = {
            "kode": code,
            "berita_acara_ada": any(ba.forum == code for ba in dossier.berita_acara),
            "fasilitator_kpmd": "kpmd" in by,
            "fasilitator_pemerintah_desa": "pemerintah_desa" in by,
            "fasilitator_setrawan_kecamatan": "setrawan_kecamatan" in by,
            "fasilitator_bkad": "bkad" in by,
            "peserta_pemerintah_desa": "pemerintah_desa" in present,
            "peserta_bpd": "bpd" in present,
            "peserta_unsur_masyarakat": "unsur_masyarakat" in present,
        }
        details = {"fasilitator": record.fasilitator, "peserta": record.peserta}
        out.append(Subject("forum", f"forum:{code}", f"tahapan[{i}]", facts, details))
    return out


def berita_acara(
    index: int, ba: BeritaAcara, stages: Recorded, head_role: str, heads_named: list[str], officials: dict[str, str]
) -> Subject:
    """Who really signed, each person counted once: the head, then the Pimpinan, then the wakil.

    `head_role` is the head the forum needs (kepala_desa or camat); `heads_named` who holds it on
    record; `officials` the other posts on record (person -> post) for BA-13.
    """
    heads_on_record = {person(n) for n in heads_named}
    signed = [p for p in ba.penandatangan if p.tanda_tangan]
    names: dict[str, str] = {}
    for p in signed:
        names.setdefault(person(p.nama), p.nama)  # a person is shown as first written

    def by_role(role: str) -> set[str]:
        return {person(p.nama) for p in signed if p.peran == role}

    heads = by_role("kepala_desa") | by_role("camat")
    pimpinan = by_role("pimpinan_musyawarah") - heads
    taken = heads | pimpinan | heads_on_record
    wakil_masyarakat = by_role("wakil_masyarakat") - taken
    wakil_utusan = by_role("wakil_utusan_desa") - taken
    wakil_officials = sorted(k for k in wakil_masyarakat if k in officials)
    stage = stages.get(ba.forum, (None, None))[1]
    signing_heads = by_role(head_role)
    doubtful = [d for d in (DoubtfulName.of(p.nama, p.peran) for p in signed) if d]
    facts = {
        "forum": ba.forum,
        "kades_menandatangani": bool(by_role("kepala_desa")),
        "camat_menandatangani": bool(by_role("camat")),
        "pimpinan_menandatangani": bool(pimpinan),
        "wakil_masyarakat_jumlah": len(wakil_masyarakat),
        "wakil_utusan_desa_jumlah": len(wakil_utusan),
        "pejabat_menandatangani": bool(signing_heads),
        "pejabat_tercatat": bool(heads_on_record),
        "pejabat_sesuai_catatan": bool(heads_on_record) and signing_heads <= heads_on_record,
        "forum_diadakan": stage is not None,
        "tanggal_ada": ba.tanggal is not None,
        "tanggal_sesuai_forum": bool(stage and ba.tanggal == stage.tanggal),
        "wakil_perangkat_jumlah": len(wakil_officials),
        "nama_meragukan_jumlah": len(doubtful),
    }
    details = {
        "ba_id": ba.id,
        "penandatangan": [Named(p.nama, (p.peran,)) for p in signed],
        "wakil_daftar": sorted(names[k] for k in wakil_masyarakat | wakil_utusan),
        "wakil_perangkat": [f"{names[k]} ({officials[k]})" for k in wakil_officials],
        "nama_meragukan": doubtful,
        "pejabat_penandatangan": sorted(names[k] for k in signing_heads),
        "pejabat_catatan": heads_named,
        "tanggal": ba.tanggal,
        "tanggal_forum": stage.tanggal if stage else None,
    }
    return Subject("berita_acara", f"ba:{ba.id}", f"berita_acara[{index}]", facts, details)


def _forum_date(dossier: Dossier, stages: Recorded, code: str) -> dt.date | None:
    """When a step took place: its stage date, else (a forum) the date of its Berita Acara."""
    record: Tahap | None = stages.get(code, (None, None))[1]
    if record:
        return record.tanggal
    return next((ba.tanggal for ba in dossier.berita_acara if ba.forum == code and ba.tanggal), None)


def instrument(
    entry: tuple[str, str, DocumentRef, dt.date | None, str, bool], stages: Recorded, dossier: Dossier, known: dict[str, Stage]
) -> Subject:
    """An establishing document dated against the step it follows or must precede (EST-11)."""
    kind, path, document, date, step, not_before = entry
    reference = _forum_date(dossier, stages, step)
    if date is None or reference is None:
        in_order = True
    else:
        in_order = date >= reference if not_before else date <= reference
    label = known[step].label
    relation = {
        "id": ("tidak boleh lebih awal dari " if not_before else "tidak boleh lebih lambat dari ") + label["id"],
        "en": ("must not be earlier than " if not_before else "must not be later than ") + label["en"],
    }
    facts = {"jenis": kind, "bertanggal": date is not None and reference is not None, "urutan_benar": in_order}
    details = {"dokumen": replace(document, date=None), "tanggal": date, "syarat": relation, "tanggal_acuan": reference}
    return Subject("instrumen", f"instrumen:{kind}", path, facts, details)


def steps(
    stages: Recorded,
    order: Order,
    level: str,
    ctx: Context,
    documents: dict[str, tuple[DocumentRef, dt.date | None]],
    latest: dict[str, dt.date],
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
            "dokumen_bertanggal": document_date is not None,
            "tanggal_sesuai_dokumen": bool(record and record.tanggal == document_date),
        }
        details = {
            "label": order.stages[code].label,
            "tanggal": record.tanggal if record else None,
            "pendahulu_terlambat": [order.stages[c].label for c in too_late_for],
            "pendahulu_tanggal": max((stages[c][1].tanggal for c in too_late_for), default=None),
            "sesudahnya": [order.stages[c].label for c in later],
            "tanggal_periksa": ctx.as_of,
            "tanggal_terakhir": latest.get(code),
            "forum_tujuan": order.stages[ctx.before].label if ctx.before else None,
            "dokumen": replace(document, date=None) if document else None,
            "tanggal_dokumen": document_date,
        }
        path = f"tahapan[{index}]" if record else "tahapan"
        out.append(Subject("tahap", f"tahap:{code}", path, facts, details))
    return out


def _recorded(codes: set[str], stages: Recorded) -> list[str]:
    """The codes recorded in a dossier, earliest first (`stages` keeps that order)."""
    return [c for c in stages if c in codes]
