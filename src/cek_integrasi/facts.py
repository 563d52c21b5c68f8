"""Named facts derived from a dossier: the vocabulary rule conditions are written in.

Each *subject* (the village, one Berita Acara, one held forum, one RKP activity, one Tim
Penyusun) becomes one engine fact carrying the named facts of its kind. Counting distinct
people and comparing dates happen here, exactly, because the engine must not do cross-fact
comparisons (see ENGINEERING notes); every such fact is declared in CATALOGUE with its
meaning, and docs/facts.md is generated from it.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from .model import BeritaAcara, DesaDossier

RESERVED = ("id", "sid", "cek_subject")


@dataclass(frozen=True)
class FactSpec:
    """Type and meaning of one named fact."""

    type: type
    meaning: str


@dataclass
class Subject:
    """One thing rules are evaluated on: its kind, a key, its place in the dossier, its facts."""

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
        "kades_tercatat": FactSpec(B, "The apparatus record names a Kepala Desa."),
        "kades_sesuai_catatan": FactSpec(B, "Every signing kepala_desa is the Kepala Desa on record."),
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
}

ALAT_KAJI = ("peta_sosial_desa", "kalender_musim", "bagan_kelembagaan")


def person(name: str | None) -> str:
    """Identity of a person by name: case and spacing do not matter."""
    return " ".join((name or "").casefold().split())


def subjects_of(dossier: DesaDossier, ctx: Context) -> list[Subject]:
    """Every subject of a village dossier, the village first."""
    stages = {}
    for i, stage in enumerate(dossier.tahapan):
        stages.setdefault(stage.kode, (i, stage))
    out = [_desa(dossier, ctx, stages)]
    out += [_berita_acara(dossier, i, ba, stages) for i, ba in enumerate(dossier.berita_acara)]
    out += [
        Subject("forum", f"forum:{code}", f"tahapan[{i}]", {"kode": code, "berita_acara_ada": _has_ba(dossier, code)})
        for code, (i, _) in stages.items()
    ]
    if dossier.rkp_desa:
        for i, act in enumerate(dossier.rkp_desa.kegiatan):
            out.append(
                Subject(
                    "kegiatan",
                    f"kegiatan:{i}",
                    f"rkp_desa.kegiatan[{i}]",
                    {"jumlah": act.jumlah or 0, "sumber_dana": (act.sumber_dana or "").strip().lower()},
                    {"nama": act.nama},
                )
            )
    out += _tim_penyusun(dossier, stages)
    return out


def _has_ba(dossier: DesaDossier, forum: str) -> bool:
    return any(ba.forum == forum for ba in dossier.berita_acara)


def _holders(dossier: DesaDossier, predicate) -> list:
    return [a for a in dossier.aparatur if predicate(a.jabatan.casefold()) and a.status != "kosong"]


def _desa(dossier: DesaDossier, ctx: Context, stages: dict) -> Subject:
    sekdes = _holders(dossier, lambda j: j.startswith(("sekretaris desa", "sekdes")))
    sekdes_people = {person(a.nama) for a in sekdes}
    kaur: dict[str, list] = {}
    for a in _holders(dossier, lambda j: j.startswith("kaur")):
        if person(a.nama) not in sekdes_people:
            kaur.setdefault(person(a.nama), []).append(a)
    kaur_acting = sum(1 for posts in kaur.values() if all(a.status in ("plt", "pj") for a in posts))

    rpjm, rkp = dossier.rpjm_desa, dossier.rkp_desa
    perdes = {p.id: p for p in dossier.peraturan_desa}
    sks = {k.id: k for k in dossier.keputusan_kepala_desa}
    rpjm_perdes = perdes.get(rpjm.ditetapkan_dengan) if rpjm and rpjm.ditetapkan_dengan else None
    rkp_sk = sks.get(rkp.ditetapkan_dengan) if rkp and rkp.ditetapkan_dengan else None

    musren = stages.get("musrenbangdes_rkp", (None, None))[1]
    agenda = set(musren.agenda) if musren else set()
    pkd = stages.get("pkd", (None, None))[1]
    tools_missing = [t for t in ALAT_KAJI if not pkd or t not in pkd.alat_kaji]

    rkp_date = (rkp_sk.tanggal if rkp_sk else None) or _stage_date(stages, "rkp_penetapan")
    apb = next((a for a in dossier.apb_desa if a.tahun == dossier.tahun_rencana), None)
    apb_date = None
    if apb:
        apb_date = apb.tanggal_penetapan or (perdes[apb.ditetapkan_dengan].tanggal if apb.ditetapkan_dengan else None)
        apb_date = apb_date or _stage_date(stages, "apbdes_penetapan")
    lkpj_year = musren.tanggal.year if musren else dossier.tahun_rencana - 1
    lkpj_bpd = [r for r in dossier.lkpj if r.tahun == lkpj_year and r.forum == "rapat_bpd"]

    facts = {
        "peserta_pnpm": dossier.peserta_pnpm,
        "kantor_ada": dossier.kantor.ada,
        "kantor_layak": dossier.kantor.ada and dossier.kantor.layak,
        "sekdes_terisi": bool(sekdes),
        "sekdes_pelaksana_tugas": bool(sekdes) and all(a.status in ("plt", "pj") for a in sekdes),
        "kaur_terisi_jumlah": len(kaur),
        "kaur_pelaksana_tugas_jumlah": kaur_acting,
        "bpd_terbentuk": dossier.bpd.terbentuk,
        "rpjm_ada": rpjm is not None,
        "rpjm_perdes_ada": rpjm_perdes is not None,
        "rpjm_perdes_lengkap": bool(rpjm_perdes and rpjm_perdes.nomor and rpjm_perdes.tanggal),
        "rpjm_perdes_rapat_bpd": bool(rpjm_perdes and rpjm_perdes.forum == "rapat_bpd"),
        "rpjm_tahun_cakupan": rpjm.tahun_akhir - rpjm.tahun_awal + 1 if rpjm else 0,
        "rpjm_penetapan_tercatat": "rpjm_penetapan" in stages,
        "rkp_ada": rkp is not None,
        "rkp_sk_ada": rkp_sk is not None,
        "rkp_sk_lengkap": bool(rkp_sk and rkp_sk.nomor and rkp_sk.tanggal),
        "rkp_penetapan_tercatat": "rkp_penetapan" in stages,
        "rkp_dalam_periode_rpjm": bool(rpjm and rkp and rpjm.tahun_awal <= rkp.tahun <= rpjm.tahun_akhir),
        "musrenbangdes_rkp_diadakan": musren is not None,
        "agenda_evaluasi_rkp_lalu": "evaluasi_rkp_tahun_lalu" in agenda,
        "agenda_rancangan_rkp": "pembahasan_rancangan_rkp" in agenda,
        "agenda_tinjau_usulan": "tinjau_usulan_belum_terealisasi" in agenda,
        "usulan_jumlah": len(dossier.usulan_musrenbangdes),
        "usulan_tanpa_saluran_jumlah": sum(1 for u in dossier.usulan_musrenbangdes if not u.saluran),
        "mkp_diadakan": "mkp" in stages,
        "musdes_perencanaan_diadakan": "musdes_perencanaan" in stages,
        "pkd_diadakan": pkd is not None,
        "pkd_oleh_kpmd": bool(pkd and "kpmd" in pkd.fasilitator),
        "pkd_oleh_lpmd": bool(pkd and "lpmd" in pkd.fasilitator),
        "pkd_alat_kaji_kurang_jumlah": len(tools_missing),
        "apbdes_ada": apb is not None,
        "apbdes_jatuh_tempo": ctx.as_of >= dt.date(dossier.tahun_rencana, 1, 1),
        "apbdes_dan_rkp_bertanggal": bool(apb_date and rkp_date),
        "apbdes_tidak_sebelum_rkp": bool(apb_date and rkp_date and apb_date >= rkp_date),
        "lkpj_rapat_bpd_jumlah": len(lkpj_bpd),
        "lkpj_jatuh_tempo": ctx.as_of > dt.date(lkpj_year, 12, 31),
        "audit_lengkap": ctx.complete,
    }
    details = {
        "kaur_daftar": [f"{posts[0].nama} ({', '.join(a.jabatan for a in posts)})" for posts in kaur.values()],
        "kaur_pelaksana_tugas": [
            posts[0].nama for posts in kaur.values() if all(a.status in ("plt", "pj") for a in posts)
        ],
        "sekdes_nama": [a.nama for a in sekdes],
        "rpjm_periode": f"{rpjm.tahun_awal}-{rpjm.tahun_akhir}" if rpjm else None,
        "rkp_tahun": rkp.tahun if rkp else None,
        "alat_kaji_kurang": tools_missing,
        "usulan_tanpa_saluran": [u.kegiatan for u in dossier.usulan_musrenbangdes if not u.saluran],
        "tahun_rencana": dossier.tahun_rencana,
        "apbdes_tanggal": apb_date,
        "rkp_tanggal": rkp_date,
        "lkpj_tahun": lkpj_year,
        "lkpj_tanggal": [r.tanggal for r in lkpj_bpd],
    }
    return Subject("desa", "desa", "", facts, details)


def _stage_date(stages: dict, code: str) -> dt.date | None:
    found = stages.get(code)
    return found[1].tanggal if found else None


def _berita_acara(dossier: DesaDossier, index: int, ba: BeritaAcara, stages: dict) -> Subject:
    signed = [p for p in ba.penandatangan if p.tanda_tangan]
    by_role = lambda role: {person(p.nama) for p in signed if p.peran == role}  # noqa: E731
    heads = by_role("kepala_desa") | by_role("camat")
    pimpinan = by_role("pimpinan_musyawarah") - heads
    kades_record = {person(a.nama) for a in _holders(dossier, lambda j: j == "kepala desa")}
    taken = heads | pimpinan | kades_record
    wakil_masyarakat = by_role("wakil_masyarakat") - taken
    wakil_utusan = by_role("wakil_utusan_desa") - heads - pimpinan
    stage = stages.get(ba.forum, (None, None))[1]
    facts = {
        "forum": ba.forum,
        "kades_menandatangani": bool(by_role("kepala_desa")),
        "camat_menandatangani": bool(by_role("camat")),
        "pimpinan_menandatangani": bool(pimpinan),
        "wakil_masyarakat_jumlah": len(wakil_masyarakat),
        "wakil_utusan_desa_jumlah": len(wakil_utusan),
        "kades_tercatat": bool(kades_record),
        "kades_sesuai_catatan": bool(kades_record) and by_role("kepala_desa") <= kades_record,
        "forum_diadakan": stage is not None,
        "tanggal_ada": ba.tanggal is not None,
        "tanggal_sesuai_forum": bool(stage and ba.tanggal == stage.tanggal),
    }
    names = {person(p.nama): p.nama for p in signed}
    details = {
        "ba_id": ba.id,
        "penandatangan": [f"{p.nama} ({p.peran})" for p in signed],
        "tidak_menandatangani": [f"{p.nama} ({p.peran})" for p in ba.penandatangan if not p.tanda_tangan],
        "wakil_daftar": sorted(names[k] for k in wakil_masyarakat | wakil_utusan),
        "kades_penandatangan": sorted(names[k] for k in by_role("kepala_desa")),
        "kades_catatan": [a.nama for a in _holders(dossier, lambda j: j == "kepala desa")],
        "tanggal": ba.tanggal,
        "tanggal_forum": stage.tanggal if stage else None,
    }
    return Subject("berita_acara", f"ba:{ba.id}", f"berita_acara[{index}]", facts, details)


def _tim_penyusun(dossier: DesaDossier, stages: dict) -> list[Subject]:
    sks = {k.id: k for k in dossier.keputusan_kepala_desa}
    out = []
    for plan in ("rpjm_desa", "rkp_desa"):
        found = [(i, t) for i, t in enumerate(dossier.tim_penyusun) if t.rencana == plan]
        stage_code = plan.replace("_desa", "") + "_tim_penyusun"
        if found:
            i, tim = found[0]
            sk = sks.get(tim.dibentuk_dengan) if tim.dibentuk_dengan else None
            path = f"tim_penyusun[{i}]"
        elif stage_code in stages:
            sk, path = None, f"tahapan[{stages[stage_code][0]}]"
        else:
            continue
        facts = {
            "rencana": plan,
            "sk_kades_ada": sk is not None,
            "sk_perihal_sesuai": bool(sk and sk.perihal == f"tim_penyusun_{plan}"),
        }
        out.append(Subject("tim_penyusun", f"tim:{plan}", path, facts, {"sk": sk.id if sk else None}))
    return out
