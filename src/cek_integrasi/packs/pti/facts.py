"""Facts of the PTI bundle (rules/pti): what only the PTI's rules read, added to the vocabulary.

Of a village: PNPM-MPd participation and the office (ELG), the acting Sekdes and Kaur (GOV), the
PTI's instruments (the RPJM-Desa's Perdes, the RKP-Desa's SK Kepala Desa, the APB Desa's Perdes
agreed with the BPD), the Musrenbangdes agenda and proposals (MRD), the PKD, the LKPj and the
RPJM-Desa's place in integration, and the situations of its stage order (path, first year). Of a
kecamatan dossier: its Musrenbang Kecamatan (MRK) and the villages it gathers. Every subject
carries them (vocabulary.py), whichever pack judges it; the other packs do not test them.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from typing import Any

from ...dossiers.model import SALURAN, KeputusanKepalaDesa, PeraturanDesa
from ..facts import FactSpec, KecamatanBasics, MemberBasics, Named, VillageBasics, person
from ..stages import stage_date

ALAT_KAJI = ("peta_sosial_desa", "kalender_musim", "bagan_kelembagaan")
RPJM_DONE_WHEN = ("rpjm_penetapan", "rkp_tim_penyusun", "rkp_rancangan", "musrenbangdes_rkp", "rkp_penetapan")
OUTPUTS = ("rkp_kecamatan", "prioritas_pnpm", "durkp_kecamatan", "daftar_delegasi")
DELEGATES = ("camat", "bkad", "setrawan_kecamatan", "tokoh_masyarakat")  # MRK B.3.6: the delegation consists of these

B, I, S = bool, int, str
FACTS: dict[str, dict[str, FactSpec]] = {
    "desa": {
        "peserta_pnpm": FactSpec(B, "The village takes part in PNPM Mandiri Perdesaan."),
        "kantor_ada": FactSpec(B, "A village government office/secretariat exists."),
        "kantor_layak": FactSpec(B, "The office exists and is recorded as adequate (layak)."),
        "sekdes_pelaksana_tugas": FactSpec(B, "The Sekretaris Desa holding the post is only acting (Plt/Pj)."),
        "kaur_pelaksana_tugas_jumlah": FactSpec(I, "Of the Kaur counted in kaur_terisi_jumlah, how many hold every post only as Plt/Pj."),
        "rpjm_perdes_ada": FactSpec(
            B, "The RPJM-Desa names the document that established it, and that document is a Perdes (not an SK)."
        ),
        "rpjm_perdes_rapat_bpd": FactSpec(B, "That Perdes (rpjm_perdes_ada) was adopted in a Rapat BPD."),
        "rkp_sk_ada": FactSpec(
            B, "The RKP-Desa names the document that established it, and that document is an SK Kepala Desa."
        ),
        "rkp_sk_lengkap": FactSpec(B, "That SK has both a number and a date."),
        "agenda_evaluasi_rkp_lalu": FactSpec(B, "The agenda of the Musrenbangdes on the RKP-Desa includes evaluasi_rkp_tahun_lalu."),
        "agenda_tinjau_usulan": FactSpec(B, "Its agenda includes tinjau_usulan_belum_terealisasi."),
        "usulan_jumlah": FactSpec(I, "Proposals recorded as outcomes of that Musrenbangdes (usulan_musrenbangdes)."),
        "usulan_tanpa_saluran_jumlah": FactSpec(
            I, "Of those, how many have no channel, or one that is none of blm_pnpm, apbd, add, swadaya, lainnya."
        ),
        "mkp_diadakan": FactSpec(B, "The stage mkp (Musyawarah Kelompok Perempuan) is recorded."),
        "musdes_perencanaan_diadakan": FactSpec(B, "The stage musdes_perencanaan is recorded."),
        "pkd_diadakan": FactSpec(B, "The stage pkd is recorded."),
        "pkd_oleh_kpmd": FactSpec(B, "KPMD is among the PKD facilitators."),
        "pkd_oleh_lpmd": FactSpec(B, "LPMD is among the PKD facilitators."),
        "pkd_alat_kaji_kurang_jumlah": FactSpec(
            I, "Of peta_sosial_desa, kalender_musim, bagan_kelembagaan: how many the PKD did not use."
        ),
        "apbdes_perdes_rapat_bpd": FactSpec(
            B, "The Perdes that established the APB Desa of the plan year (apbdes_perdes) was adopted in a Rapat BPD "
            "(the village government with the BPD)."
        ),
        "lkpj_rapat_bpd_jumlah": FactSpec(I, "LKPj Kades of the LKPj year delivered in a Rapat BPD."),
        "lkpj_tercatat": FactSpec(B, "An LKPj Kades delivered in a Rapat BPD is recorded, for any year."),
        "lkpj_tahun_ganda_jumlah": FactSpec(
            I, "Years (the `tahun` an LKPj accounts for) with more than one LKPj delivered in a Rapat BPD."
        ),
        "lkpj_jatuh_tempo": FactSpec(B, "The LKPj year has ended by the as-of date, and no --before is given (the LKPj "
                                  "follows the year's planning forums: a pre-check before a forum does not reach it)."),
        "rpjm_sebelum_integrasi": FactSpec(
            B,
            "The RPJM-Desa was established (its Perdes date, else the rpjm_penetapan stage) before 1 January of "
            "tahun_mulai_integrasi: it predates integration (the integration start stands in for the PTI's issue "
            "date). False when either date is unknown.",
        ),
        "rpjm_peninjauan_tercatat": FactSpec(B, "The stage rpjm_peninjauan (review of the RPJM-Desa) is recorded."),
        "rpjm_siklus_lewat": FactSpec(
            B, "The RPJM-Desa part of the cycle is over: rpjm_penetapan or a later RKP-Desa step is recorded."
        ),
    },
    "kecamatan": {
        "forum_diadakan": FactSpec(B, "The stage musrenbang_kecamatan is recorded."),
        "lokasi_pnpm": FactSpec(B, "The kecamatan is a PNPM-MPd location (lokasi_pnpm, yes unless written otherwise)."),
        "mad_prioritas_tercatat": FactSpec(B, "The stage mad_prioritas (MAD Prioritas) is recorded."),
        "mad_pendanaan_tercatat": FactSpec(B, "The stage mad_pendanaan (MAD Pendanaan) is recorded."),
        "tim_tercatat": FactSpec(B, "A Tim Pelaksana is recorded."),
        "tim_pengarah_camat": FactSpec(B, "A pengarah of the team is the Camat (unsur camat)."),
        "tim_ketua_sekcam": FactSpec(B, "A ketua of the team is the Sekretaris Camat."),
        "tim_sekretaris_kasie_pmd": FactSpec(B, "A sekretaris of the team is the Kasie PMD."),
        "tim_anggota_setrawan": FactSpec(B, "The members include a Setrawan Kecamatan."),
        "tim_anggota_fasilitator": FactSpec(B, "The members include a Fasilitator Kecamatan."),
        "delegasi_jumlah": FactSpec(I, "Distinct people in the delegation to the Musrenbang Kabupaten."),
        "delegasi_camat": FactSpec(B, "The delegation includes the Camat."),
        "delegasi_bkad": FactSpec(B, "The delegation includes a BKAD officer."),
        "delegasi_setrawan": FactSpec(B, "The delegation includes a Setrawan Kecamatan."),
        "delegasi_tokoh_jumlah": FactSpec(I, "Tokoh masyarakat in the delegation."),
        "delegasi_lain_jumlah": FactSpec(
            I, "Delegates who are none of Camat, BKAD officer, Setrawan Kecamatan, tokoh masyarakat (unsur lainnya)."
        ),
        "keluaran_kurang_jumlah": FactSpec(
            I, "Of RKP Kecamatan, PNPM priority ranking, DURKP Kecamatan, delegation list and Berita Acara: how many are missing."
        ),
        "spc_lengkap": FactSpec(B, "A Surat Penetapan Camat with number and date is recorded."),
        "spc_tercatat": FactSpec(B, "The stage spc is recorded."),
        "forum_skpd_tercatat": FactSpec(B, "The stage forum_skpd is recorded."),
        "rkp_kecamatan_disahkan": FactSpec(B, "The RKP Kecamatan is finalised and ratified by the Camat."),
        "kirim_bappeda": FactSpec(B, "The RKP Kecamatan was sent to Bappeda."),
        "kirim_skpd": FactSpec(B, "The proposals were sent to each SKPD."),
        "dprd_hadir_jumlah": FactSpec(I, "DPRD members recorded as attending."),
        "audit_lengkap": FactSpec(B, "The user asked for a complete-cycle audit (--complete)."),
    },
    "desa_anggota": {
        "forum_diadakan": FactSpec(B, "The kecamatan's musrenbang_kecamatan is recorded."),
        "terdaftar": FactSpec(B, "The village is listed in the kecamatan dossier (desa)."),
        "dossier_ada": FactSpec(B, "A dossier of the village was checked in the same run."),
        "musrenbangdes_sebelum_forum": FactSpec(
            B,
            "The village held its Musrenbangdes on the RKP-Desa (recorded with its Berita Acara: the DU-RKP Desa) "
            "on or before the Musrenbang Kecamatan.",
        ),
        "rkp_bertanggal": FactSpec(B, "The date the village's RKP-Desa was established is known (its SK, else rkp_penetapan)."),
        "rkp_tidak_sesudah_forum": FactSpec(B, "The village's RKP-Desa was established on or before the Musrenbang Kecamatan."),
    },
}

SITUATIONS: dict[str, FactSpec] = {
    "path": FactSpec(
        S,
        "A village's RPJM-Desa path: peninjauan (a review of the RPJM-Desa is recorded), lama (the RPJM-Desa was "
        "established before integration started: rpjm_sebelum_integrasi) or baru (otherwise: a new RPJM-Desa).",
    ),
    "tahun_pertama": FactSpec(
        B,
        "The village's first year of integration: tahun_mulai_integrasi is the year before the plan year (the cycle "
        "of plan year Y runs in Y-1), or a MAD or Musdes Sosialisasi is recorded.",
    ),
    "lokasi_pnpm": FactSpec(B, "The kecamatan is a PNPM-MPd location (lokasi_pnpm)."),
}


def _acting(posts: list) -> bool:
    return all(a.status in ("plt", "pj") for a in posts)


def _rpjm_predates_integration(basics: VillageBasics) -> bool:
    start = basics.dossier.tahun_mulai_integrasi
    return bool(start and basics.rpjm_date and basics.rpjm_date < dt.date(start, 1, 1))


def _without_channel(dossier) -> list:
    """Proposals whose channel is missing or none of the five of PTI II.D.3.e (lower case, trimmed)."""
    return [u for u in dossier.usulan_musrenbangdes if (u.saluran or "").strip().lower() not in SALURAN]


def village_facts(basics: VillageBasics) -> tuple[dict[str, Any], dict[str, Any]]:
    """(facts, display details) of the village for the PTI (FACTS["desa"]); the LKPj is not due under --before."""
    dossier, ctx, stages = basics.dossier, basics.ctx, basics.stages
    kantor, sekdes, kaur = dossier.kantor, basics.sekdes, basics.kaur
    rpjm_perdes = basics.rpjm_document if isinstance(basics.rpjm_document, PeraturanDesa) else None
    rkp_sk = basics.rkp_document if isinstance(basics.rkp_document, KeputusanKepalaDesa) else None
    apb_perdes = basics.apb_document if isinstance(basics.apb_document, PeraturanDesa) else None
    musren = stages.get("musrenbangdes_rkp", (None, None))[1]
    agenda = set(musren.agenda) if musren else set()
    pkd = stages.get("pkd", (None, None))[1]
    tools_missing = [t for t in ALAT_KAJI if not pkd or t not in pkd.alat_kaji]
    lkpj_year = musren.tanggal.year if musren else dossier.tahun_rencana - 1
    lkpj_bpd = [r for r in dossier.lkpj if r.forum == "rapat_bpd"]
    per_year = Counter(r.tahun for r in lkpj_bpd)
    facts = {
        "peserta_pnpm": bool(dossier.peserta_pnpm),
        "kantor_ada": bool(kantor and kantor.ada),
        "kantor_layak": bool(kantor and kantor.ada and kantor.layak),
        "sekdes_pelaksana_tugas": bool(sekdes) and _acting(list(sekdes)),
        "kaur_pelaksana_tugas_jumlah": sum(1 for posts in kaur.values() if _acting(posts)),
        "rpjm_perdes_ada": rpjm_perdes is not None,
        "rpjm_perdes_rapat_bpd": bool(rpjm_perdes and rpjm_perdes.forum == "rapat_bpd"),
        "rkp_sk_ada": rkp_sk is not None,
        "rkp_sk_lengkap": bool(rkp_sk and rkp_sk.nomor and rkp_sk.tanggal),
        "agenda_evaluasi_rkp_lalu": "evaluasi_rkp_tahun_lalu" in agenda,
        "agenda_tinjau_usulan": "tinjau_usulan_belum_terealisasi" in agenda,
        "usulan_jumlah": len(dossier.usulan_musrenbangdes),
        "usulan_tanpa_saluran_jumlah": len(_without_channel(dossier)),
        "mkp_diadakan": "mkp" in stages,
        "musdes_perencanaan_diadakan": "musdes_perencanaan" in stages,
        "pkd_diadakan": pkd is not None,
        "pkd_oleh_kpmd": bool(pkd and "kpmd" in pkd.fasilitator),
        "pkd_oleh_lpmd": bool(pkd and "lpmd" in pkd.fasilitator),
        "pkd_alat_kaji_kurang_jumlah": len(tools_missing),
        "apbdes_perdes_rapat_bpd": bool(apb_perdes and apb_perdes.forum == "rapat_bpd"),
        "lkpj_rapat_bpd_jumlah": per_year[lkpj_year],
        "lkpj_tercatat": bool(lkpj_bpd),
        "lkpj_tahun_ganda_jumlah": sum(1 for count in per_year.values() if count > 1),
        "lkpj_jatuh_tempo": ctx.before is None and ctx.as_of > dt.date(lkpj_year, 12, 31),
        "rpjm_sebelum_integrasi": _rpjm_predates_integration(basics),
        "rpjm_peninjauan_tercatat": "rpjm_peninjauan" in stages,
        "rpjm_siklus_lewat": any(code in stages for code in RPJM_DONE_WHEN),
    }
    details = {
        "kaur_pelaksana_tugas": [posts[0].nama for posts in kaur.values() if _acting(posts)],
        "alat_kaji_kurang": tools_missing,
        "usulan_tanpa_saluran": [Named(u.kegiatan, (u.saluran,)) for u in _without_channel(dossier)],
        "tahun_mulai_integrasi": dossier.tahun_mulai_integrasi,
        "lkpj_tahun": lkpj_year,
        "lkpj_tanggal": [r.tanggal for r in lkpj_bpd if r.tahun == lkpj_year],
        "lkpj_ganda": [f"{year} ({count}x)" for year, count in sorted(per_year.items()) if count > 1],
    }
    return facts, details


def village_situation(basics: VillageBasics) -> dict[str, Any]:
    """Which sequences of the PTI's stage order count for this village (rules/pti/stages.yaml).

    path: `peninjauan` when a review of the RPJM-Desa is recorded; `lama` when the RPJM-Desa was
    established before integration started (its review is an integration duty); `baru` otherwise.
    """
    dossier, stages = basics.dossier, basics.stages
    if "rpjm_peninjauan" in stages:
        path = "peninjauan"
    elif _rpjm_predates_integration(basics):
        path = "lama"
    else:
        path = "baru"
    first_year = dossier.tahun_mulai_integrasi == dossier.tahun_rencana - 1 or any(
        code in stages for code in ("mad_sosialisasi", "musdes_sosialisasi")
    )
    return {"path": path, "tahun_pertama": first_year}


def kecamatan_facts(basics: KecamatanBasics) -> tuple[dict[str, Any], dict[str, Any]]:
    """(facts, display details) of the Musrenbang Kecamatan (FACTS["kecamatan"]): its team, delegation,
    outputs, instruments and deliveries; the pack's stages (`basics.known`) name the missing MAD forums."""
    dossier, ctx, stages, known = basics.dossier, basics.ctx, basics.stages, basics.known
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
    return facts, details


def kecamatan_situation(basics: KecamatanBasics) -> dict[str, Any]:
    """Which sequences of the stage order count for this kecamatan: the MAD forums in a PNPM-MPd location."""
    return {"lokasi_pnpm": basics.dossier.lokasi_pnpm}


def member_facts(basics: MemberBasics) -> tuple[dict[str, Any], dict[str, Any]]:
    """(facts, no details) of one village of a kecamatan (FACTS["desa_anggota"]): listed, checked, and its
    Musrenbangdes and RKP-Desa dated no later than the Musrenbang Kecamatan (MRK-04, MRK-09)."""
    summary, forum = basics.summary, basics.forum
    rkp = summary.rkp_tanggal if summary else None
    held = summary.musrenbangdes_tanggal if summary else None
    facts = {
        "forum_diadakan": forum is not None,
        "terdaftar": basics.listed,
        "dossier_ada": summary is not None,
        "musrenbangdes_sebelum_forum": bool(held and forum and held <= forum),
        "rkp_bertanggal": rkp is not None,
        "rkp_tidak_sesudah_forum": bool(rkp and forum and rkp <= forum),
    }
    return facts, {}


BUILDERS = {"desa": village_facts, "kecamatan": kecamatan_facts, "desa_anggota": member_facts}
SITUATION_BUILDERS = {"desa": village_situation, "kecamatan": kecamatan_situation}
