"""Named facts: the vocabulary rule conditions are written in, and what they are computed on.

Each *subject* (a village, a kecamatan, one Berita Acara, one held forum, one step of the cycle,
one RKP activity, one Tim Penyusun, one village of a kecamatan) becomes one engine fact carrying
the named facts of its kind. Counting distinct people and comparing dates happen in Python,
exactly, because the engine must not do cross-fact comparisons (see ENGINEERING notes); every
such fact is declared in CATALOGUE with its meaning, and docs/facts.md is generated from it.
The builders are in subjects.py, desa_facts.py and kecamatan_facts.py.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

RESERVED = ("id", "sid")  # the engine's own fields: a rule may not test them


@dataclass(frozen=True)
class FactSpec:
    """Type and meaning of one named fact."""

    type: type
    meaning: str


@dataclass
class Subject:
    """One thing rules are evaluated on: its kind, a key, its place in the dossier, its facts.

    `details` carries display values for messages (names, dates, labels); the engine never sees them.
    """

    kind: str
    key: str
    path: str
    facts: dict[str, Any]
    details: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class Context:
    """What the user asked for, as it enters the facts."""

    as_of: dt.date
    complete: bool = False
    before: str | None = None


@dataclass(frozen=True)
class VillageSummary:
    """What a kecamatan check needs to know of a village dossier checked in the same run."""

    kode: str
    nama: str
    file: str
    rkp_tanggal: dt.date | None


B, I, S = bool, int, str
CATALOGUE: dict[str, dict[str, FactSpec]] = {
    "desa": {
        "peserta_pnpm": FactSpec(B, "The village takes part in PNPM Mandiri Perdesaan."),
        "kantor_ada": FactSpec(B, "A village government office/secretariat exists."),
        "kantor_layak": FactSpec(B, "The office exists and is recorded as adequate (layak)."),
        "sekdes_terisi": FactSpec(B, "A Sekretaris Desa post is held (definitive or acting Plt/Pj)."),
        "sekdes_pelaksana_tugas": FactSpec(B, "The Sekretaris Desa holding the post is only acting (Plt/Pj)."),
        "kaur_terisi_jumlah": FactSpec(
            I,
            "Distinct people holding a post whose name starts with 'Kaur': vacant posts are not counted, "
            "a person holding two Kaur posts counts once, and the person who is Sekdes is not counted.",
        ),
        "kaur_pelaksana_tugas_jumlah": FactSpec(I, "Of the Kaur counted above, how many hold every post only as Plt/Pj."),
        "bpd_terbentuk": FactSpec(B, "The BPD has been formed."),
        "rpjm_ada": FactSpec(B, "An RPJM-Desa is recorded (rpjm_desa)."),
        "rpjm_perdes_ada": FactSpec(B, "The RPJM-Desa names the Perdes that established it."),
        "rpjm_perdes_lengkap": FactSpec(B, "That Perdes has both a number and a date."),
        "rpjm_perdes_rapat_bpd": FactSpec(B, "That Perdes was adopted in a Rapat BPD."),
        "rpjm_tahun_cakupan": FactSpec(I, "Years covered by the RPJM-Desa, both ends included (2011-2015 = 5); 0 if none."),
        "rpjm_penetapan_tercatat": FactSpec(B, "The stage rpjm_penetapan is recorded."),
        "rkp_ada": FactSpec(B, "An RKP-Desa is recorded (rkp_desa)."),
        "rkp_sk_ada": FactSpec(B, "The RKP-Desa names the SK Kepala Desa that established it."),
        "rkp_sk_lengkap": FactSpec(B, "That SK has both a number and a date."),
        "rkp_penetapan_tercatat": FactSpec(B, "The stage rkp_penetapan is recorded."),
        "rkp_dalam_periode_rpjm": FactSpec(B, "The RKP-Desa year lies inside the RPJM-Desa period (both recorded)."),
        "musrenbangdes_rkp_diadakan": FactSpec(B, "The stage musrenbangdes_rkp is recorded."),
        "agenda_evaluasi_rkp_lalu": FactSpec(B, "Its agenda includes evaluasi_rkp_tahun_lalu."),
        "agenda_rancangan_rkp": FactSpec(B, "Its agenda includes pembahasan_rancangan_rkp."),
        "agenda_tinjau_usulan": FactSpec(B, "Its agenda includes tinjau_usulan_belum_terealisasi."),
        "usulan_jumlah": FactSpec(I, "Proposals recorded as outcomes of that Musrenbangdes."),
        "usulan_tanpa_saluran_jumlah": FactSpec(I, "Of those, how many have no funding channel."),
        "mkp_diadakan": FactSpec(B, "The stage mkp (Musyawarah Khusus Perempuan) is recorded."),
        "musdes_perencanaan_diadakan": FactSpec(B, "The stage musdes_perencanaan is recorded."),
        "pkd_diadakan": FactSpec(B, "The stage pkd is recorded."),
        "pkd_oleh_kpmd": FactSpec(B, "KPMD is among the PKD facilitators."),
        "pkd_oleh_lpmd": FactSpec(B, "LPMD is among the PKD facilitators."),
        "pkd_alat_kaji_kurang_jumlah": FactSpec(
            I, "Of peta_sosial_desa, kalender_musim, bagan_kelembagaan: how many the PKD did not use."
        ),
        "apbdes_ada": FactSpec(B, "An APB Desa for the plan year is recorded."),
        "apbdes_jatuh_tempo": FactSpec(B, "The plan year has begun by the as-of date (the APB Desa is due)."),
        "apbdes_dan_rkp_bertanggal": FactSpec(
            B, "Both the APB Desa of the plan year and the RKP-Desa have an establishment date."
        ),
        "apbdes_tidak_sebelum_rkp": FactSpec(B, "The APB Desa is dated on or after the RKP-Desa."),
        "lkpj_rapat_bpd_jumlah": FactSpec(I, "LKPj Kades of the LKPj year delivered in a Rapat BPD."),
        "lkpj_jatuh_tempo": FactSpec(B, "The LKPj year has ended by the as-of date."),
        "audit_lengkap": FactSpec(B, "The user asked for a complete-cycle audit (--complete)."),
        "rpjm_sebelum_integrasi": FactSpec(
            B, "The RPJM-Desa starts before tahun_mulai_integrasi (it predates integration and must be reviewed)."
        ),
        "rpjm_peninjauan_tercatat": FactSpec(B, "The stage rpjm_peninjauan (review of the RPJM-Desa) is recorded."),
        "rpjm_siklus_lewat": FactSpec(
            B, "The RPJM-Desa part of the cycle is over: rpjm_penetapan or a later RKP-Desa step is recorded."
        ),
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
    },
    "forum": {
        "kode": FactSpec(S, "Stage code of a recorded stage."),
        "berita_acara_ada": FactSpec(B, "A Berita Acara for this forum is recorded."),
    },
    "kegiatan": {
        "jumlah": FactSpec(I, "Amount of the RKP-Desa activity in Rupiah; 0 when not written."),
        "sumber_dana": FactSpec(S, "Funding source as written, lower case; empty when not written."),
    },
    "tim_penyusun": {
        "rencana": FactSpec(S, "Which plan the team drafts: rpjm_desa or rkp_desa."),
        "sk_kades_ada": FactSpec(B, "The team names the SK Kepala Desa that formed it."),
        "sk_perihal_sesuai": FactSpec(B, "That SK is about forming this plan's Tim Penyusun."),
    },
    "tahap": {
        "kode": FactSpec(S, "Stage code of a step of the cycle that applies to this dossier (rules/<pack>/stages.yaml)."),
        "tercatat": FactSpec(B, "The step is recorded in tahapan (its first entry counts)."),
        "urutan_benar": FactSpec(
            B, "The step is not dated before any recorded step that must precede it (true when not recorded)."
        ),
        "tidak_melewati_tanggal_periksa": FactSpec(B, "The step is not dated after the as-of date (true when not recorded)."),
        "sesudahnya_tercatat": FactSpec(B, "A step that must come after this one is recorded."),
        "diwajibkan": FactSpec(
            B, "The user asked for it: it must precede the forum named by --before, or --complete was given."
        ),
        "dalam_cakupan": FactSpec(B, "Without --before every step; with --before only the steps that must precede that forum."),
    },
    "kecamatan": {
        "forum_diadakan": FactSpec(B, "The stage musrenbang_kecamatan is recorded."),
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
        "rkp_sebelum_forum": FactSpec(
            B, "The village's RKP-Desa (its DU-RKP) was established on or before the Musrenbang Kecamatan."
        ),
    },
}


def person(name: str | None) -> str:
    """Identity of a person by name: case and spacing do not matter."""
    return " ".join((name or "").casefold().split())
