"""Named facts: the vocabulary rule conditions are written in, and what they are computed on.

Each *subject* (a village, a kecamatan, one Berita Acara, one held forum, one step of the cycle,
one RKP activity, one Tim Penyusun, one Perdes, one village of a kecamatan) becomes one engine
fact carrying the named facts of its kind. Counting distinct people and comparing dates happen in Python,
exactly, because the engine must not do cross-fact comparisons (see ENGINEERING notes); every
such fact is declared in CATALOGUE with its meaning, and docs/facts.md is generated from it.
The builders are in subjects.py, desa_facts.py and kecamatan_facts.py; the facts a bundle adds
(its module's FACTS, bundles.py) join them in vocabulary.py.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from ..names import Oddity, identity, oddities, visible

RESERVED = ("id", "sid")  # the engine's own fields: a rule may not test them
VERDICT_FACT = "status_integrasi"
"""The fact of a dossier's own subject that carries its verdict (ELG-00) once the first phase decided it."""


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
class VillageBasics:
    """What the shared village facts (desa_facts.py) worked out that a bundle's own village facts
    build on: the dates the RPJM Desa, the RKP Desa and the APB Desa of the plan year were
    established, the RKP's document, and `due(step)`: whether a --before check reaches that step."""

    rpjm_date: dt.date | None
    rkp_date: dt.date | None
    rkp_document: Any
    apb_date: dt.date | None
    due: Callable[[str], bool]


@dataclass(frozen=True)
class VillageSummary:
    """What a kecamatan check needs to know of a village dossier checked in the same run.

    `musrenbangdes_tanggal` is the date of its Musrenbangdes on the RKP-Desa when that forum is
    recorded with its Berita Acara (the forum that yields the DU-RKP Desa); `rkp_tanggal` the date
    its RKP-Desa was established.
    """

    kode: str
    nama: str
    file: str
    rkp_tanggal: dt.date | None
    musrenbangdes_tanggal: dt.date | None = None


@dataclass(frozen=True)
class DocumentRef:
    """An establishing document as a reader names it: its kind, number and date."""

    kind: str  # perdes, sk_kepala_desa, spc
    number: str | None
    date: dt.date | None

    def shown(self, lang: str) -> str:
        from .. import i18n  # the catalogues are read only when a message is written

        parts = [i18n.text(f"document.{self.kind}", lang)]
        if self.number:
            parts.append(i18n.text("document.number", lang, number=self.number))
        if self.date:
            parts.append(i18n.text("document.dated", lang, date=i18n.show(self.date, lang)))
        return " ".join(parts)


@dataclass(frozen=True)
class DoubtfulName:
    """A signer's name as written, with what makes it doubtful (BA-14), shown in the reader's language."""

    name: str
    role: str
    odd: tuple[Oddity, ...]

    @classmethod
    def of(cls, name: str, role: str) -> "DoubtfulName | None":
        odd = oddities(name)
        return cls(name, role, odd) if odd else None

    def shown(self, lang: str) -> str:
        from .. import i18n  # the catalogues are read only when a message is written

        reasons = "; ".join(i18n.text(f"names.{o.kind}", lang, char=o.shown()) for o in self.odd)
        return i18n.text("names.doubtful", lang, name=visible(self.name), role=i18n.label(self.role, lang), reasons=reasons)


@dataclass(frozen=True)
class Named:
    """A person or item with the codes of their role, as a reader names them: 'Muh. Arif (Pimpinan Musyawarah)'."""

    name: str
    codes: tuple[str | None, ...]

    def shown(self, lang: str) -> str:
        from .. import i18n

        roles = ": ".join(i18n.label(code, lang) if code else "-" for code in self.codes)
        return f"{self.name} ({roles})"


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
        "rpjm_perdes_ada": FactSpec(
            B, "The RPJM-Desa names the document that established it, and that document is a Perdes (not an SK)."
        ),
        "rpjm_perdes_lengkap": FactSpec(B, "That Perdes has both a number and a date."),
        "rpjm_perdes_rapat_bpd": FactSpec(B, "That Perdes was adopted in a Rapat BPD."),
        "rpjm_tahun_cakupan": FactSpec(I, "Years covered by the RPJM-Desa, both ends included (2011-2015 = 5); 0 if none."),
        "rpjm_penetapan_tercatat": FactSpec(B, "The stage rpjm_penetapan is recorded."),
        "rkp_ada": FactSpec(B, "An RKP-Desa is recorded (rkp_desa)."),
        "rkp_sk_ada": FactSpec(
            B, "The RKP-Desa names the document that established it, and that document is an SK Kepala Desa."
        ),
        "rkp_sk_lengkap": FactSpec(B, "That SK has both a number and a date."),
        "rkp_penetapan_tercatat": FactSpec(B, "The stage rkp_penetapan is recorded."),
        "rkp_instrumen_tercatat": FactSpec(B, "The RKP-Desa names the document that established it (ditetapkan_dengan)."),
        "rkp_dalam_periode_rpjm": FactSpec(B, "The RKP-Desa year lies inside the RPJM-Desa period (both recorded)."),
        "musrenbangdes_rkp_diadakan": FactSpec(B, "The stage musrenbangdes_rkp is recorded."),
        "agenda_evaluasi_rkp_lalu": FactSpec(B, "Its agenda includes evaluasi_rkp_tahun_lalu."),
        "agenda_rancangan_rkp": FactSpec(B, "Its agenda includes pembahasan_rancangan_rkp."),
        "agenda_tinjau_usulan": FactSpec(B, "Its agenda includes tinjau_usulan_belum_terealisasi."),
        "usulan_jumlah": FactSpec(I, "Proposals recorded as outcomes of that Musrenbangdes."),
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
        "apbdes_ada": FactSpec(B, "An APB Desa for the plan year is recorded."),
        "apbdes_jatuh_tempo": FactSpec(B, "The plan year has begun by the as-of date (the APB Desa is due). Never under --before FORUM when "
                                    "apbdes_penetapan does not precede the forum (it is not due yet)."),
        "apbdes_dan_rkp_bertanggal": FactSpec(
            B, "Both the APB Desa of the plan year and the RKP-Desa have an establishment date."
        ),
        "apbdes_tidak_sebelum_rkp": FactSpec(B, "The APB Desa is dated on or after the RKP-Desa."),
        "apbdes_perdes": FactSpec(
            B, "The APB Desa of the plan year names the document that established it, and that document is a Perdes."
        ),
        "apbdes_perdes_rapat_bpd": FactSpec(B, "That Perdes was adopted in a Rapat BPD (the village government with the BPD)."),
        "lkpj_rapat_bpd_jumlah": FactSpec(I, "LKPj Kades of the LKPj year delivered in a Rapat BPD."),
        "lkpj_tercatat": FactSpec(B, "An LKPj Kades delivered in a Rapat BPD is recorded, for any year."),
        "lkpj_tahun_ganda_jumlah": FactSpec(
            I, "Years (the `tahun` an LKPj accounts for) with more than one LKPj delivered in a Rapat BPD."
        ),
        "lkpj_jatuh_tempo": FactSpec(B, "The LKPj year has ended by the as-of date, and no --before is given (the LKPj "
                                  "follows the year's planning forums: a pre-check before a forum does not reach it)."),
        "audit_lengkap": FactSpec(B, "The user asked for a complete-cycle audit (--complete)."),
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
        VERDICT_FACT: FactSpec(
            S,
            "The village's verdict from ELG-00 (WAJIB, BELUM_MEMENUHI or BUKAN_PARTISIPAN), decided by the engine "
            "in a first phase from the rules ELG-00 requires; empty in that first phase, so those rules may not test it.",
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
        "kode": FactSpec(S, "Stage code of a recorded stage."),
        "berita_acara_ada": FactSpec(B, "A Berita Acara for this forum is recorded."),
        "fasilitator_kpmd": FactSpec(B, "KPMD is among the forum's facilitators."),
        "fasilitator_pemerintah_desa": FactSpec(B, "The village government (pemerintah_desa) is among its facilitators."),
        "fasilitator_setrawan_kecamatan": FactSpec(B, "The Setrawan Kecamatan is among its facilitators."),
        "fasilitator_bkad": FactSpec(B, "BKAD is among its facilitators."),
        "peserta_pemerintah_desa": FactSpec(B, "The village government (pemerintah_desa) is among its participants (peserta)."),
        "peserta_bpd": FactSpec(B, "The BPD is among its participants."),
        "peserta_unsur_masyarakat": FactSpec(B, "Elements of the community (unsur_masyarakat) are among its participants."),
    },
    "perdes": {
        "perihal": FactSpec(S, "What a Peraturan Desa of peraturan_desa is about: rpjm_desa, rkp_desa, apb_desa or lainnya."),
        "forum_rapat_bpd": FactSpec(
            B, "Its forum is recorded as rapat_bpd: discussed and agreed with the BPD (false when lainnya or not recorded)."
        ),
    },
    "kegiatan": {
        "jumlah": FactSpec(I, "Amount of the RKP-Desa activity in Rupiah; 0 when not written."),
        "sumber_dana": FactSpec(S, "Funding source as written, lower case; empty when not written."),
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
        "kode": FactSpec(S, "Stage code of a step of the cycle that applies to this dossier (rules/<pack>/stages.yaml)."),
        "tercatat": FactSpec(B, "The step is recorded in tahapan (its earliest-dated entry counts)."),
        "urutan_benar": FactSpec(
            B, "The step is not dated before any recorded step that must precede it (true when not recorded)."
        ),
        "tidak_melewati_tanggal_periksa": FactSpec(B, "No entry of the step is dated after the as-of date (true when not recorded)."),
        "sesudahnya_tercatat": FactSpec(B, "A step that must come after this one is recorded."),
        "diwajibkan": FactSpec(
            B, "The user asked for it: it must precede the forum named by --before, or --complete was given."
        ),
        "dalam_cakupan": FactSpec(B, "Without --before every step; with --before only the steps that must precede that forum."),
        "dokumen_bertanggal": FactSpec(
            B,
            "The step is recorded by a dated document of the dossier: rpjm_penetapan (the RPJM-Desa's Perdes), "
            "rkp_penetapan (the RKP-Desa's SK), apbdes_penetapan (the APB Desa of the plan year), the two "
            "tim_penyusun steps (the SK forming the team), spc (the Surat Penetapan Camat).",
        ),
        "tanggal_sesuai_dokumen": FactSpec(B, "The step is recorded with the date of that document."),
    },
    "instrumen": {
        "jenis": FactSpec(
            S, "Which establishing document: rpjm_desa, rkp_desa, tim_penyusun_rpjm_desa, tim_penyusun_rkp_desa or spc."
        ),
        "bertanggal": FactSpec(B, "The document and the step it is checked against are both dated."),
        "urutan_benar": FactSpec(
            B,
            "The document is in order with that step: an RPJM-Desa Perdes, an RKP-Desa SK or an SPC not dated before "
            "the forum whose Berita Acara it follows; an SK forming a Tim Penyusun not dated after the draft the "
            "team made. Same day is in order.",
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

CATALOGUE["kegiatan"]["bidang"] = FactSpec(S, "Field (bidang) of the activity as written, lower case; empty when not written.")


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
    VERDICT_FACT: FactSpec(S, "The village's verdict (ELG-00), as the fact of the same name."),
    "lokasi_pnpm": FactSpec(B, "The kecamatan is a PNPM-MPd location (lokasi_pnpm)."),
    "rpjm_disusun": FactSpec(
        B, "A village drafts its RPJM Desa in this dossier: musdes_rpjm, rpjm_rancangan or musrenbangdes_rpjm is recorded."
    ),
}
"""What the `when` of a stage sequence may test (rules/<pack>/stages.yaml)."""


def person(name: str | None) -> str:
    """Identity of a person by name: Unicode forms, invisible characters, look-alike letters of
    another script, case and spacing do not matter (names.identity)."""
    return identity(name)


def same_text(text: str | None) -> str:
    """A name compared as a reader compares it: as `person`, and punctuation does not matter either."""
    return " ".join("".join(c if c.isalnum() else " " for c in identity(text)).split())
