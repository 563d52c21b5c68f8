"""Named facts: the vocabulary rule conditions are written in, and what they are computed on.

Each *subject* (a village, a kecamatan, one Berita Acara, one held forum, one step of the cycle,
one RKP activity, one Tim Penyusun, one Perdes, one village of a kecamatan) becomes one engine
fact carrying the named facts of its kind. Counting distinct people and comparing dates happen in Python,
exactly, because the engine must not do cross-fact comparisons (see ENGINEERING notes); every
such fact is declared with its meaning, and docs/facts.md is generated from the declarations.
CATALOGUE holds every subject kind and the shared facts, those more than one pack reads (or the
evaluation itself needs), built in subjects.py, desa_facts.py and kecamatan_facts.py; the facts a
bundle adds (its module's FACTS and BUILDERS, bundles.py) join them in vocabulary.py, built on what
the shared builder of their kind gives them (the *Basics* below).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any, NamedTuple

from ..names import Oddity, identity, oddities, visible

RESERVED = ("id", "sid")  # the engine's own fields: a rule may not test them
VERDICT_FACT = "status_integrasi"
"""The fact of a dossier's own subject that carries its verdict (the PTI's ELG-00) once the first phase decided it."""


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
    situation: dict[str, Any] = field(default_factory=dict)  # a dossier's own subject: what the `when` of a stage sequence tests


@dataclass(frozen=True)
class Context:
    """What the user asked for, as it enters the facts."""

    as_of: dt.date
    complete: bool = False
    before: str | None = None


class VillageBasics(NamedTuple):
    """What a bundle's builder of its own village facts is given: the dossier, the request, the
    recorded stages, and what the shared village facts (desa_facts.py) worked out: the documents
    that established the RPJM Desa, the RKP Desa and the APB Desa of the plan year and their dates,
    the holders of the Sekdes and Kaur posts (person -> posts), and `due(step)`: whether a
    --before check reaches that step."""

    dossier: Any  # DesaDossier
    ctx: Context
    stages: Any  # stages.Recorded
    rpjm_date: dt.date | None
    rpjm_document: Any
    rkp_date: dt.date | None
    rkp_document: Any
    apb_date: dt.date | None
    apb_document: Any
    sekdes: tuple[Any, ...]
    kaur: dict[str, list]
    due: Callable[[str], bool]


class KecamatanBasics(NamedTuple):
    """What a bundle's builder of its own kecamatan facts is given: the dossier, the request, the
    recorded stages and the pack's stages (code -> Stage, whose labels name missing steps)."""

    dossier: Any  # KecamatanDossier
    ctx: Context
    stages: Any  # stages.Recorded
    known: Mapping[str, Any]


class MemberBasics(NamedTuple):
    """What a bundle's builder of the facts of one village of a kecamatan (`desa_anggota`) is given:
    whether the kecamatan dossier lists it, its summary when its dossier is in the same run, and the
    date of the kecamatan's Musrenbang Kecamatan."""

    listed: bool
    summary: "VillageSummary | None"
    forum: dt.date | None


class BeritaAcaraBasics(NamedTuple):
    """What a bundle's builder of the facts of one Berita Acara is given: the dossier, its place in
    berita_acara, the Berita Acara and the recorded stages."""

    dossier: Any  # Dossier
    index: int
    ba: Any  # BeritaAcara
    stages: Any  # stages.Recorded


class ForumBasics(NamedTuple):
    """What a bundle's builder of the facts of one recorded stage (`forum`) is given: the dossier, the
    stage code and its earliest-dated entry."""

    dossier: Any  # Dossier
    code: str
    record: Any  # Tahap


class StepBasics(NamedTuple):
    """What a bundle's builder of the facts of one step of the cycle (`tahap`) is given: its entry (None: not
    recorded) and the dated document of the dossier that records it, with its date (none: (None, None))."""

    record: Any  # Tahap | None
    document: DocumentRef | None
    document_date: dt.date | None


class InstrumentBasics(NamedTuple):
    """What a bundle's builder of the facts of one establishing document (`instrumen`) is given: which
    document, its date, the date of the step it is checked against, and whether it must not come
    before that step (else: not after it)."""

    kind: str
    date: dt.date | None
    reference: dt.date | None
    not_before: bool


class ActivityBasics(NamedTuple):
    """What a bundle's builder of the facts of one RKP-Desa activity (`kegiatan`) is given: the activity,
    and the names of the RPJM-Desa's activity table as `same_text` compares them."""

    activity: Any  # Kegiatan
    rpjm_table: frozenset[str]


class TeamBasics(NamedTuple):
    """What a bundle's builder of the facts of the Tim Penyusun of one plan is given: the plan and the
    document that formed the team (None: not named)."""

    plan: str  # rpjm_desa, rkp_desa
    document: Any  # PeraturanDesa | KeputusanKepalaDesa | None


class PerdesBasics(NamedTuple):
    """What a bundle's builder of the facts of one Peraturan Desa is given: the Perdes."""

    perdes: Any  # PeraturanDesa


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
CATALOGUE: dict[str, dict[str, FactSpec]] = {  # every subject kind; a kind without shared facts has only its bundles'
    "desa": {
        "sekdes_terisi": FactSpec(B, "A Sekretaris Desa post is held (definitive or acting Plt/Pj)."),
        "kaur_terisi_jumlah": FactSpec(
            I,
            "Distinct people holding a post whose name starts with 'Kaur': vacant posts are not counted, "
            "a person holding two Kaur posts counts once, and the person who is Sekdes is not counted.",
        ),
        "bpd_terbentuk": FactSpec(B, "The BPD has been formed."),
        "rpjm_ada": FactSpec(B, "An RPJM-Desa is recorded (rpjm_desa)."),
        "rpjm_perdes_lengkap": FactSpec(
            B, "The RPJM-Desa names the document that established it, that document is a Perdes, and it has both a number "
            "and a date."
        ),
        "rpjm_tahun_cakupan": FactSpec(I, "Years covered by the RPJM-Desa, both ends included (2011-2015 = 5); 0 if none."),
        "rpjm_penetapan_tercatat": FactSpec(B, "The stage rpjm_penetapan is recorded."),
        "rkp_ada": FactSpec(B, "An RKP-Desa is recorded (rkp_desa)."),
        "rkp_penetapan_tercatat": FactSpec(B, "The stage rkp_penetapan is recorded."),
        "rkp_instrumen_tercatat": FactSpec(B, "The RKP-Desa names the document that established it (ditetapkan_dengan)."),
        "rkp_dalam_periode_rpjm": FactSpec(B, "The RKP-Desa year lies inside the RPJM-Desa period (both recorded)."),
        "musrenbangdes_rkp_diadakan": FactSpec(B, "The stage musrenbangdes_rkp is recorded."),
        "agenda_rancangan_rkp": FactSpec(B, "Its agenda includes pembahasan_rancangan_rkp."),
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
        "audit_lengkap": FactSpec(B, "The user asked for a complete-cycle audit (--complete)."),
        VERDICT_FACT: FactSpec(
            S,
            "The village's verdict from its pack's verdict rule (the PTI's ELG-00: WAJIB, BELUM_MEMENUHI or "
            "BUKAN_PARTISIPAN), decided by the engine in a first phase from the rules that verdict rule requires; empty "
            "in that first phase, so those rules may not test it, and empty for a pack without a verdict rule (UU 6/2014).",
        ),
    },
    "berita_acara": {},
    "forum": {
        "kode": FactSpec(S, "Stage code of a recorded stage."),
    },
    "perdes": {},
    "kegiatan": {
        "jumlah": FactSpec(I, "Amount of the RKP-Desa activity in Rupiah; 0 when not written."),
        "sumber_dana": FactSpec(S, "Funding source as written, lower case; empty when not written."),
    },
    "tim_penyusun": {},
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
    },
    "instrumen": {},
    "kecamatan": {},
    "desa_anggota": {},
}


SITUATIONS: dict[str, FactSpec] = {
    VERDICT_FACT: FactSpec(S, "The village's verdict (the PTI's ELG-00), as the fact of the same name."),
}
"""What the `when` of a stage sequence may test (rules/<pack>/stages.yaml): the shared situations; a bundle adds
its own (SITUATIONS and SITUATION_BUILDERS of its module, vocabulary.py)."""


def person(name: str | None) -> str:
    """Identity of a person by name: Unicode forms, invisible characters, look-alike letters of
    another script, case and spacing do not matter (names.identity)."""
    return identity(name)


def same_text(text: str | None) -> str:
    """A name compared as a reader compares it: as `person`, and punctuation does not matter either."""
    return " ".join("".join(c if c.isalnum() else " " for c in identity(text)).split())
