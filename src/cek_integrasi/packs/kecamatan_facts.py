"""Facts of a kecamatan dossier: the kecamatan itself, its SPC, and the villages it gathers.

The kecamatan and each of its villages (`desa_anggota`) carry the facts the bundles build
(vocabulary.py); what is shared is the subjects themselves and the SPC as a dated document.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping

from .facts import Context, DocumentRef, KecamatanBasics, MemberBasics, Subject, VillageSummary
from ..dossiers.model import KecamatanDossier
from .stages import Recorded, Stage, stage_date
from .vocabulary import Vocabulary


def kecamatan(
    dossier: KecamatanDossier, ctx: Context, stages: Recorded, known: Mapping[str, Stage], vocabulary: Vocabulary
) -> Subject:
    """The kecamatan as a whole (its Musrenbang Kecamatan): the facts and situation the bundles of
    `vocabulary` build; `known` are the pack's stages."""
    basics = KecamatanBasics(dossier, ctx, stages, known)
    facts, details = vocabulary.build("kecamatan", basics)
    return Subject("kecamatan", "kecamatan", "", facts, details, vocabulary.situation("kecamatan", basics))


def _spc(dossier: KecamatanDossier) -> DocumentRef | None:
    spc = dossier.surat_penetapan_camat
    return DocumentRef("spc", spc.nomor, spc.tanggal) if spc else None


def document_dates(dossier: KecamatanDossier) -> dict[str, tuple[DocumentRef, dt.date | None]]:
    """Stage code -> the document that records that step, and its date (STG-07): the SPC."""
    spc = _spc(dossier)
    return {"spc": (spc, spc.date)} if spc else {}


def instruments(dossier: KecamatanDossier, stages: Recorded) -> list[tuple[str, str, DocumentRef, dt.date | None, str, bool]]:
    """The SPC, dated against the Musrenbang Kecamatan whose Berita Acara it follows (EST-11)."""
    spc = _spc(dossier)
    return [("spc", "surat_penetapan_camat.tanggal", spc, spc.date, "musrenbang_kecamatan", True)] if spc else []


def villages(
    dossier: KecamatanDossier, stages: Recorded, checked: Mapping[str, VillageSummary], vocabulary: Vocabulary
) -> list[Subject]:
    """Every village listed or checked in the same run (codes under this kecamatan's code), with the facts the
    bundles of `vocabulary` build.

    Made only when at least one village dossier of the kecamatan is in the run: a kecamatan
    dossier checked alone says nothing about its villages.
    """
    ours = {kode: v for kode, v in checked.items() if kode.startswith(dossier.kode + ".")}
    if not ours:
        return []
    listed = {d.kode: (i, d.nama) for i, d in enumerate(dossier.desa)}
    forum = stage_date(stages, "musrenbang_kecamatan")
    out = []
    for kode in sorted(listed.keys() | ours.keys()):
        summary = ours.get(kode)
        facts, more = vocabulary.build("desa_anggota", MemberBasics(kode in listed, summary, forum))
        details = {
            "kode": kode,
            "nama": summary.nama if summary else listed[kode][1],
            "file": summary.file if summary else None,
            "rkp_tanggal": summary.rkp_tanggal if summary else None,
            "musrenbangdes_tanggal": summary.musrenbangdes_tanggal if summary else None,
            "tanggal_forum": forum,
            **more,
        }
        path = f"desa[{listed[kode][0]}]" if kode in listed else "desa"
        out.append(Subject("desa_anggota", f"desa:{kode}", path, facts, details))
    return out
