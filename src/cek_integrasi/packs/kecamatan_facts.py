"""Facts of a kecamatan dossier: the Musrenbang Kecamatan, its SPC, and the villages it gathers."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from typing import Any

from .facts import Context, DocumentRef, Named, Subject, VillageSummary, person
from ..dossiers.model import KecamatanDossier
from .stages import Recorded, Stage, stage_date

OUTPUTS = ("rkp_kecamatan", "prioritas_pnpm", "durkp_kecamatan", "daftar_delegasi")
DELEGATES = ("camat", "bkad", "setrawan_kecamatan", "tokoh_masyarakat")  # MRK B.3.6: the delegation consists of these


def situation(dossier: KecamatanDossier) -> dict[str, Any]:
    """Which sequences of the stage order count for this kecamatan: the MAD forums in a PNPM-MPd location."""
    return {"lokasi_pnpm": dossier.lokasi_pnpm}


def kecamatan(dossier: KecamatanDossier, ctx: Context, stages: Recorded, known: Mapping[str, Stage]) -> Subject:
    """The Musrenbang Kecamatan: its team, delegation, outputs, instruments and deliveries.

    `known` are the pack's stages, whose labels name the missing MAD forums."""
    team = dossier.tim_pelaksana

    def in_team(role: str, unsur: str) -> bool:
        return any(m.peran == role and m.unsur == unsur for m in team)

    delegates: dict[str, set[str]] = {}
    for member in dossier.delegasi:
        delegates.setdefault(person(member.nama), set()).add(member.unsur)
    kinds = [u for unsur in delegates.values() for u in unsur]
    missing = [name for name in OUTPUTS if not getattr(dossier.keluaran, name)]
    if not any(ba.forum == "musrenbang_kecamatan" for ba in dossier.berita_acara):
        missing.append("berita_acara")
    mad_missing = [code for code in ("mad_prioritas", "mad_pendanaan") if code not in stages]
    spc, rkp = dossier.surat_penetapan_camat, dossier.rkp_kecamatan
    facts = {
        "forum_diadakan": "musrenbang_kecamatan" in stages,
        "lokasi_pnpm": dossier.lokasi_pnpm,
        "mad_prioritas_tercatat": "mad_prioritas" in stages,
        "mad_pendanaan_tercatat": "mad_pendanaan" in stages,
        "tim_tercatat": bool(team),
        "tim_pengarah_camat": in_team("pengarah", "camat"),
        "tim_ketua_sekcam": in_team("ketua", "sekretaris_camat"),
        "tim_sekretaris_kasie_pmd": in_team("sekretaris", "kasie_pmd"),
        "tim_anggota_setrawan": in_team("anggota", "setrawan_kecamatan"),
        "tim_anggota_fasilitator": in_team("anggota", "fasilitator_kecamatan"),
        "delegasi_jumlah": len(delegates),
        "delegasi_camat": "camat" in kinds,
        "delegasi_bkad": "bkad" in kinds,
        "delegasi_setrawan": "setrawan_kecamatan" in kinds,
        "delegasi_tokoh_jumlah": kinds.count("tokoh_masyarakat"),
        "delegasi_lain_jumlah": sum(1 for unsur in delegates.values() if not unsur & set(DELEGATES)),
        "keluaran_kurang_jumlah": len(missing),
        "spc_lengkap": bool(spc and spc.nomor and spc.tanggal),
        "spc_tercatat": "spc" in stages,
        "forum_skpd_tercatat": "forum_skpd" in stages,
        "rkp_kecamatan_disahkan": bool(rkp and rkp.difinalisasi and rkp.disahkan_camat),
        "kirim_bappeda": dossier.pengiriman.rkp_ke_bappeda is not None,
        "kirim_skpd": dossier.pengiriman.usulan_ke_skpd is not None,
        "dprd_hadir_jumlah": len({person(n) for n in dossier.anggota_dprd_hadir}),
        "audit_lengkap": ctx.complete,
    }
    details = {
        "tim_daftar": [Named(m.nama, (m.peran, m.unsur)) for m in team],
        "delegasi_daftar": [Named(m.nama, (m.unsur,)) for m in dossier.delegasi],
        "keluaran_kurang": missing,
        "mad_kurang": [known[code].label for code in mad_missing if code in known],
        "tanggal_forum": stage_date(stages, "musrenbang_kecamatan"),
    }
    return Subject("kecamatan", "kecamatan", "", facts, details)


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


def villages(dossier: KecamatanDossier, stages: Recorded, checked: Mapping[str, VillageSummary]) -> list[Subject]:
    """Every village listed or checked in the same run (codes under this kecamatan's code).

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
        rkp = summary.rkp_tanggal if summary else None
        held = summary.musrenbangdes_tanggal if summary else None
        facts = {
            "forum_diadakan": forum is not None,
            "terdaftar": kode in listed,
            "dossier_ada": summary is not None,
            "musrenbangdes_sebelum_forum": bool(held and forum and held <= forum),
            "rkp_bertanggal": rkp is not None,
            "rkp_tidak_sesudah_forum": bool(rkp and forum and rkp <= forum),
        }
        details = {
            "kode": kode,
            "nama": summary.nama if summary else listed[kode][1],
            "file": summary.file if summary else None,
            "rkp_tanggal": rkp,
            "musrenbangdes_tanggal": held,
            "tanggal_forum": forum,
        }
        path = f"desa[{listed[kode][0]}]" if kode in listed else "desa"
        out.append(Subject("desa_anggota", f"desa:{kode}", path, facts, details))
    return out
