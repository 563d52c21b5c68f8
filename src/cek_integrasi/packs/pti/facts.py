"""Facts of the PTI bundle (rules/pti): what only the PTI's rules read, added to the vocabulary.

Of a village: PNPM-MPd participation and the office (ELG), the acting Sekdes and Kaur (GOV), the
PTI's instruments (the RPJM-Desa's Perdes, the RKP-Desa's SK Kepala Desa, the APB Desa's Perdes
agreed with the BPD), the Musrenbangdes agenda and proposals (MRD), the PKD, the LKPj and the
RPJM-Desa's place in integration, and the situations of its stage order (path, first year). Of
both dossier kinds: who signed each Berita Acara (BA), who facilitated each held forum, the steps
recorded with their document's date (STG-07), the establishing documents in order with their
steps (EST-11), the RKP-Desa activities in the RPJM-Desa, the Tim Penyusun's SK. Of a kecamatan
dossier: its Musrenbang Kecamatan (MRK) and the villages it gathers. Every subject the PTI pack
judges carries them (vocabulary.py); the other packs do not test them, and their subjects are not given them.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from dataclasses import replace
from typing import Any

from ...dossiers.model import SALURAN, DesaDossier, KeputusanKepalaDesa, PeraturanDesa
from ..desa_facts import kepala_desa
from ..desa_facts import officials as officials_of
from ..facts import (
    ActivityBasics, BeritaAcaraBasics, DoubtfulName, FactSpec, ForumBasics, InstrumentBasics, KecamatanBasics, MemberBasics,
    Named, StepBasics, TeamBasics, VillageBasics, person, same_text,
)
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
        "rkp_sk_lengkap": FactSpec(
            B, "The RKP-Desa names the document that established it, that document is an SK Kepala Desa, and it has "
            "both a number and a date."
        ),
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
    "berita_acara": {
        "forum": FactSpec(S, "Stage code of the forum the Berita Acara records."),
        "kades_menandatangani": FactSpec(B, "Someone listed as kepala_desa signed."),
        "camat_menandatangani": FactSpec(B, "Someone listed as camat signed."),
        "pimpinan_menandatangani": FactSpec(
            B, "Someone listed as pimpinan_musyawarah signed who is not the Kepala Desa/Camat who signed."
        ),
        "wakil_masyarakat_jumlah": FactSpec(
            I,
            "Distinct people listed as wakil_masyarakat who signed and are neither the Kepala Desa "
            "(signing or on record) nor a signing Pimpinan Musyawarah.",
        ),
        "wakil_utusan_desa_jumlah": FactSpec(
            I, "Distinct people listed as wakil_utusan_desa who signed and are neither the Camat nor a signing Pimpinan."
        ),
        "pejabat_menandatangani": FactSpec(
            B, "The head the forum needs (kepala_desa for a Musrenbangdes, camat for the Musrenbang Kecamatan) signed."
        ),
        "pejabat_tercatat": FactSpec(B, "The dossier names that head on record (apparatus Kepala Desa, pejabat.camat)."),
        "pejabat_sesuai_catatan": FactSpec(B, "Every signing head of that role is the one on record."),
        "forum_diadakan": FactSpec(B, "The forum's stage is recorded with a date."),
        "tanggal_ada": FactSpec(B, "The Berita Acara is dated."),
        "tanggal_sesuai_forum": FactSpec(B, "The Berita Acara date equals the forum's date."),
        "wakil_perangkat_jumlah": FactSpec(
            I, "Of the wakil_masyarakat counted, how many hold a post on the apparatus record (Sekdes, Kaur, ...)."
        ),
        "nama_meragukan_jumlah": FactSpec(
            I,
            "Signatories who signed whose name holds an invisible or control character (zero-width space, ...), "
            "a letter of another script that looks like a Latin letter (a Cyrillic A), an unusual Latin letter "
            "that looks like a plain one (a dotless i), or letters of more than one script. Accents, NFD and "
            "full-width letters are not doubtful. (Names are compared as one person "
            "whatever their Unicode form, invisible characters, look-alike letters, case and spacing.)",
        ),
    },
    "forum": {
        "berita_acara_ada": FactSpec(B, "A Berita Acara for this forum is recorded."),
        "fasilitator_kpmd": FactSpec(B, "KPMD is among the forum's facilitators."),
        "fasilitator_pemerintah_desa": FactSpec(B, "The village government (pemerintah_desa) is among its facilitators."),
        "fasilitator_setrawan_kecamatan": FactSpec(B, "The Setrawan Kecamatan is among its facilitators."),
        "fasilitator_bkad": FactSpec(B, "BKAD is among its facilitators."),
    },
    "kegiatan": {
        "rpjm_kegiatan_tercatat": FactSpec(B, "The RPJM-Desa's activity table is recorded (rpjm_desa.kegiatan not empty)."),
        "dalam_rpjm": FactSpec(
            B, "The activity's name is in that table (compared ignoring case, spacing and punctuation)."
        ),
    },
    "tim_penyusun": {
        "rencana": FactSpec(S, "Which plan the team drafts: rpjm_desa or rkp_desa."),
        "sk_kades_ada": FactSpec(B, "The team names the SK Kepala Desa that formed it."),
        "sk_perihal_sesuai": FactSpec(B, "That SK is about forming this plan's Tim Penyusun."),
    },
    "tahap": {
        "dokumen_bertanggal": FactSpec(
            B,
            "The step is recorded by a dated document of the dossier: rpjm_penetapan (the RPJM-Desa's Perdes), "
            "rkp_penetapan (the RKP-Desa's SK), apbdes_penetapan (the APB Desa of the plan year), the two "
            "tim_penyusun steps (the SK forming the team), spc (the Surat Penetapan Camat).",
        ),
        "tanggal_sesuai_dokumen": FactSpec(B, "The step is recorded with the date of that document."),
    },
    "instrumen": {
        "bertanggal": FactSpec(B, "The document and the step it is checked against are both dated."),
        "urutan_benar": FactSpec(
            B,
            "The document is in order with that step: an RPJM-Desa Perdes, an RKP-Desa SK or an SPC not dated before "
            "the forum whose Berita Acara it follows; an SK forming a Tim Penyusun not dated after the draft the "
            "team made. Same day is in order.",
        ),
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


def berita_acara_facts(basics: BeritaAcaraBasics) -> tuple[dict[str, Any], dict[str, Any]]:
    """Who really signed a Berita Acara, each person counted once: the head, then the Pimpinan, then the wakil (BA).

    The head the forum needs is the Kepala Desa of a village dossier, the Camat of a kecamatan's,
    compared with the one on record; the other posts on record (person -> post) count for BA-13.
    """
    dossier, ba, stages = basics.dossier, basics.ba, basics.stages
    if isinstance(dossier, DesaDossier):
        head_role, heads_named, officials = "kepala_desa", kepala_desa(dossier), officials_of(dossier)
    else:
        head_role, heads_named, officials = "camat", [dossier.pejabat.camat] if dossier.pejabat.camat else [], {}
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
    return facts, details


def forum_facts(basics: ForumBasics) -> tuple[dict[str, Any], dict[str, Any]]:
    """(facts, details) of a held forum for the PTI: its Berita Acara, who facilitated it."""
    by = set(basics.record.fasilitator)
    facts = {
        "berita_acara_ada": any(ba.forum == basics.code for ba in basics.dossier.berita_acara),
        "fasilitator_kpmd": "kpmd" in by,
        "fasilitator_pemerintah_desa": "pemerintah_desa" in by,
        "fasilitator_setrawan_kecamatan": "setrawan_kecamatan" in by,
        "fasilitator_bkad": "bkad" in by,
    }
    return facts, {"fasilitator": basics.record.fasilitator}


def step_facts(basics: StepBasics) -> tuple[dict[str, Any], dict[str, Any]]:
    """(facts, details) of a step of the cycle for the PTI: recorded with the date of the document that records it (STG-07)."""
    record, document, date = basics.record, basics.document, basics.document_date
    facts = {"dokumen_bertanggal": date is not None, "tanggal_sesuai_dokumen": bool(record and record.tanggal == date)}
    return facts, {"dokumen": replace(document, date=None) if document else None, "tanggal_dokumen": date}


def instrument_facts(basics: InstrumentBasics) -> tuple[dict[str, Any], dict[str, Any]]:
    """(facts, no details) of an establishing document dated against its step (EST-11): in order when either date
    is unknown, else not before the step (or not after it); the same day is in order."""
    date, reference = basics.date, basics.reference
    if date is None or reference is None:
        in_order = True
    else:
        in_order = date >= reference if basics.not_before else date <= reference
    return {"bertanggal": date is not None and reference is not None, "urutan_benar": in_order}, {}


def activity_facts(basics: ActivityBasics) -> tuple[dict[str, Any], dict[str, Any]]:
    """(facts, no details) of an RKP-Desa activity for the PTI: whether it is in the RPJM-Desa's activity table."""
    table = basics.rpjm_table
    return {"rpjm_kegiatan_tercatat": bool(table), "dalam_rpjm": same_text(basics.activity.nama) in table}, {}


def team_facts(basics: TeamBasics) -> tuple[dict[str, Any], dict[str, Any]]:
    """(facts, no details) of the Tim Penyusun of a plan: formed by an SK Kepala Desa about forming it."""
    sk = basics.document if isinstance(basics.document, KeputusanKepalaDesa) else None
    facts = {
        "rencana": basics.plan,
        "sk_kades_ada": sk is not None,
        "sk_perihal_sesuai": bool(sk and sk.perihal == f"tim_penyusun_{basics.plan}"),
    }
    return facts, {}


BUILDERS = {
    "desa": village_facts, "kecamatan": kecamatan_facts, "desa_anggota": member_facts, "berita_acara": berita_acara_facts,
    "forum": forum_facts, "tahap": step_facts, "instrumen": instrument_facts, "kegiatan": activity_facts,
    "tim_penyusun": team_facts,
}
SITUATION_BUILDERS = {"desa": village_situation, "kecamatan": kecamatan_situation}
DETAILS = {  # the display values its builders give, for messages (vocabulary.py)
    "desa": frozenset({"alat_kaji_kurang", "kaur_pelaksana_tugas", "lkpj_ganda", "lkpj_tahun", "lkpj_tanggal", "tahun_mulai_integrasi",
                       "usulan_tanpa_saluran"}),
    "kecamatan": frozenset({"delegasi_daftar", "keluaran_kurang", "mad_kurang", "tanggal_forum", "tim_daftar"}),
    "berita_acara": frozenset({"ba_id", "nama_meragukan", "pejabat_catatan", "pejabat_penandatangan", "penandatangan", "tanggal",
                               "tanggal_forum", "wakil_daftar", "wakil_perangkat"}),
    "forum": frozenset({"fasilitator"}),
    "tahap": frozenset({"dokumen", "tanggal_dokumen"}),
}
