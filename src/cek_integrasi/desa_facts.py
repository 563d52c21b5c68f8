"""Facts of a village dossier: the village itself, its RKP activities and its Tim Penyusun."""

from __future__ import annotations

import datetime as dt
from typing import Any

from .facts import Context, Subject, person
from .model import DesaDossier
from .stages import Recorded, stage_date

ALAT_KAJI = ("peta_sosial_desa", "kalender_musim", "bagan_kelembagaan")
RPJM_DONE_WHEN = ("rpjm_penetapan", "rkp_tim_penyusun", "rkp_rancangan", "musrenbangdes_rkp", "rkp_penetapan")


def situation(dossier: DesaDossier, stages: Recorded) -> dict[str, Any]:
    """Which sequences of the stage order count for this village (see rules/<pack>/stages.yaml)."""
    review = _rpjm_predates_integration(dossier) or "rpjm_peninjauan" in stages
    first_year = dossier.tahun_mulai_integrasi == dossier.tahun_rencana - 1 or any(
        code in stages for code in ("mad_sosialisasi", "musdes_sosialisasi")
    )
    return {"path": "peninjauan" if review else "baru", "tahun_pertama": first_year, "peserta_pnpm": dossier.peserta_pnpm}


def _rpjm_predates_integration(dossier: DesaDossier) -> bool:
    start = dossier.tahun_mulai_integrasi
    return bool(dossier.rpjm_desa and start and dossier.rpjm_desa.tahun_awal < start)


def kepala_desa(dossier: DesaDossier) -> list[str]:
    """Names of the Kepala Desa on record."""
    return [a.nama for a in _holders(dossier, lambda j: j == "kepala desa")]


def others(dossier: DesaDossier, stages: Recorded) -> list[Subject]:
    """RKP-Desa activities and Tim Penyusun."""
    out = []
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
    return out + _tim_penyusun(dossier, stages)


def rkp_established(dossier: DesaDossier, stages: Recorded) -> dt.date | None:
    """Date the RKP-Desa was established: its SK's date, else the rkp_penetapan stage."""
    sks = {k.id: k for k in dossier.keputusan_kepala_desa}
    rkp = dossier.rkp_desa
    sk = sks.get(rkp.ditetapkan_dengan) if rkp and rkp.ditetapkan_dengan else None
    return (sk.tanggal if sk else None) or stage_date(stages, "rkp_penetapan")


def _holders(dossier: DesaDossier, predicate) -> list:
    return [a for a in dossier.aparatur if predicate(a.jabatan.casefold()) and a.status != "kosong"]


def village(dossier: DesaDossier, ctx: Context, stages: Recorded) -> Subject:
    """The village as a whole: eligibility, plans, instruments, forums, yearly duties."""
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

    rkp_date = rkp_established(dossier, stages)
    apb = next((a for a in dossier.apb_desa if a.tahun == dossier.tahun_rencana), None)
    apb_date = None
    if apb:
        apb_date = apb.tanggal_penetapan or (perdes[apb.ditetapkan_dengan].tanggal if apb.ditetapkan_dengan else None)
        apb_date = apb_date or stage_date(stages, "apbdes_penetapan")
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
        "rpjm_sebelum_integrasi": _rpjm_predates_integration(dossier),
        "rpjm_peninjauan_tercatat": "rpjm_peninjauan" in stages,
        "rpjm_siklus_lewat": any(code in stages for code in RPJM_DONE_WHEN),
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


def _tim_penyusun(dossier: DesaDossier, stages: Recorded) -> list[Subject]:
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
