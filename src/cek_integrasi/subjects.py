"""Turn a dossier into the subjects rules are evaluated on (the fact vocabulary is in facts.py).

The builders shared by both dossier kinds live here: recorded stages, Berita Acara signatories,
held forums, and the steps of the cycle with their order (stages.py).
"""

from __future__ import annotations

from collections.abc import Mapping

from . import desa_facts, kecamatan_facts
from .facts import Context, Subject, VillageSummary, person
from .model import BeritaAcara, DesaDossier, Dossier
from .stages import Order, Recorded, StagePlan, recorded_stages


def subjects_of(
    dossier: Dossier, ctx: Context, plan: StagePlan, villages: Mapping[str, VillageSummary] | None = None
) -> list[Subject]:
    """Every subject of a dossier, the dossier itself first."""
    stages = recorded_stages(dossier.tahapan)
    if isinstance(dossier, DesaDossier):
        order = plan.order(desa_facts.situation(dossier, stages))
        out = [desa_facts.village(dossier, ctx, stages)]
        heads, head_role = desa_facts.kepala_desa(dossier), "kepala_desa"
        out += desa_facts.others(dossier, stages)
    else:
        order = plan.order({})
        out = [kecamatan_facts.kecamatan(dossier, ctx, stages)]
        heads, head_role = [dossier.pejabat.camat] if dossier.pejabat.camat else [], "camat"
        if villages is not None:
            out += kecamatan_facts.villages(dossier, stages, villages)
    out += [berita_acara(i, ba, stages, head_role, heads) for i, ba in enumerate(dossier.berita_acara)]
    out += forums(dossier, stages)
    out += steps(stages, order, dossier.jenis, ctx)
    return out


def forums(dossier: Dossier, stages: Recorded) -> list[Subject]:
    return [
        Subject(
            "forum",
            f"forum:{code}",
            f"tahapan[{i}]",
            {"kode": code, "berita_acara_ada": any(ba.forum == code for ba in dossier.berita_acara)},
        )
        for code, (i, _) in stages.items()
    ]


def berita_acara(index: int, ba: BeritaAcara, stages: Recorded, head_role: str, heads_named: list[str]) -> Subject:
    """Who really signed, each person counted once: the head, then the Pimpinan, then the wakil.

    `head_role` is the head the forum needs (kepala_desa or camat); `heads_named` who holds it on record.
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
    stage = stages.get(ba.forum, (None, None))[1]
    signing_heads = by_role(head_role)
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
    }
    details = {
        "ba_id": ba.id,
        "penandatangan": [f"{p.nama} ({p.peran})" for p in signed],
        "wakil_daftar": sorted(names[k] for k in wakil_masyarakat | wakil_utusan),
        "pejabat_penandatangan": sorted(names[k] for k in signing_heads),
        "pejabat_catatan": heads_named,
        "tanggal": ba.tanggal,
        "tanggal_forum": stage.tanggal if stage else None,
    }
    return Subject("berita_acara", f"ba:{ba.id}", f"berita_acara[{index}]", facts, details)


def steps(stages: Recorded, order: Order, level: str, ctx: Context) -> list[Subject]:
    """One subject per step of the cycle that applies to this dossier, earliest first."""
    required = {c for c in order.before(ctx.before)} if ctx.before else set()
    out = []
    for code in order.steps(level):
        index, record = stages.get(code, (None, None))
        earlier = _recorded(order.before(code), stages) if record else []
        too_late_for = [c for c in earlier if stages[c][1].tanggal > record.tanggal]
        later = _recorded(order.after(code), stages)
        facts = {
            "kode": code,
            "tercatat": record is not None,
            "urutan_benar": not too_late_for,
            "tidak_melewati_tanggal_periksa": record is None or record.tanggal <= ctx.as_of,
            "sesudahnya_tercatat": bool(later),
            "diwajibkan": ctx.complete or code in required,
            "dalam_cakupan": ctx.before is None or code in required,
        }
        details = {
            "label": order.stages[code].label,
            "tanggal": record.tanggal if record else None,
            "pendahulu_terlambat": [order.stages[c].label for c in too_late_for],
            "pendahulu_tanggal": max((stages[c][1].tanggal for c in too_late_for), default=None),
            "sesudahnya": [order.stages[c].label for c in later],
            "tanggal_periksa": ctx.as_of,
            "forum_tujuan": order.stages[ctx.before].label if ctx.before else None,
        }
        path = f"tahapan[{index}]" if record else "tahapan"
        out.append(Subject("tahap", f"tahap:{code}", path, facts, details))
    return out


def _recorded(codes: set[str], stages: Recorded) -> list[str]:
    """The codes recorded in a dossier, in the order they are recorded (`stages` keeps that order)."""
    return [c for c in stages if c in codes]

