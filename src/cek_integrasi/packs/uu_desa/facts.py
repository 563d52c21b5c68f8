"""Facts of the UU 6/2014 bundle (rules/uu-desa): what only its rules read, added to the vocabulary.

Of a village: deadlines of the planning year, the Kepala Desa's yearly reports, the village
apparatus's Kasi posts, and the situation of its stage order (whether the RPJM Desa is drafted);
who took part in a held forum; what each Perdes is about and whether the BPD agreed it; the field
of each RKP Desa activity. Every subject the UU 6/2014 pack judges carries them (vocabulary.py);
the PTI pack does not test them, and its subjects are not given them.
"""

from __future__ import annotations

import calendar
import datetime as dt
from typing import Any

from ..facts import ActivityBasics, FactSpec, ForumBasics, PerdesBasics, VillageBasics, person
from ...dossiers.model import DesaDossier, PeraturanDesa

B, I, S = bool, int, str
FACTS: dict[str, dict[str, FactSpec]] = {
    "desa": {
        "kasi_terisi_jumlah": FactSpec(
            I,
            "Distinct people holding a post whose name starts with 'Kasi' or 'Kepala Seksi': vacant posts are not "
            "counted, a person holding two such posts counts once, and the person who is Sekdes is not counted.",
        ),
        "rkp_perdes_lengkap": FactSpec(
            B, "The RKP Desa names the document that established it, that document is a Perdes, with a number and a date."
        ),
        "rkp_bertanggal": FactSpec(B, "The date the RKP Desa was established is known (its document's date, else rkp_penetapan)."),
        "rkp_tepat_waktu": FactSpec(
            B, "That date is no later than 30 September of the year before the RKP year (the plan year when no RKP is recorded)."
        ),
        "rkp_tenggat_lewat": FactSpec(B, "The as-of date is after that 30 September; never under --before FORUM when rkp_penetapan "
                                         "does not precede the forum (it is not due yet)."),
        "rkp_memuat_evaluasi": FactSpec(B, "The RKP Desa is recorded as containing the evaluation of last year's RKP Desa."),
        "musdes_rkp_diadakan": FactSpec(B, "The stage musdes_rkp (the Musyawarah Desa that prepares the RKP Desa) is recorded."),
        "musdes_rkp_tepat_waktu": FactSpec(B, "It is dated no later than 30 June of the year before the plan year."),
        "musdes_tenggat_lewat": FactSpec(B, "The as-of date is after that 30 June; never under --before FORUM when musdes_rkp does "
                                         "not precede the forum (it is not due yet)."),
        "pelantikan_tercatat": FactSpec(B, "The inauguration date of the Kepala Desa (kepala_desa_pelantikan) is recorded."),
        "rpjm_tiga_bulan_pelantikan": FactSpec(
            B,
            "The RPJM Desa was established (its document's date, else rpjm_penetapan) on or after that inauguration "
            "and no later than 3 months after it (same day of the month; the month's last day when it has none).",
        ),
        "pelantikan_tiga_bulan_lewat": FactSpec(B, "The as-of date is after those 3 months; never under --before FORUM when "
                                                   "rpjm_penetapan does not precede the forum (it is not due yet)."),
        "apbdes_tepat_waktu": FactSpec(
            B, "The APB Desa of the plan year was established no later than 31 December of the year before (date known)."
        ),
        "lppd_tepat_waktu": FactSpec(
            B,
            "An LPPD for the report year (two years before the plan year: the last year ended before the cycle) was "
            "delivered to the Bupati/Walikota through the Camat no later than 31 March of the year after it.",
        ),
        "lppd_tercatat": FactSpec(B, "An LPPD for the report year is recorded, whatever its date or addressee."),
        "lkppd_tepat_waktu": FactSpec(
            B, "An LKPPD for the report year was delivered to the BPD no later than 31 March of the year after it."
        ),
        "lkppd_tercatat": FactSpec(B, "An LKPPD for the report year is recorded, whatever its date or addressee."),
        "laporan_jatuh_tempo": FactSpec(B, "The as-of date is after 31 March of the year after the report year."),
    },
    "forum": {
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
        "bidang": FactSpec(S, "Field (bidang) of the activity as written, lower case; empty when not written."),
    },
}

SITUATIONS: dict[str, FactSpec] = {
    "rpjm_disusun": FactSpec(
        B, "A village drafts its RPJM Desa in this dossier: musdes_rpjm, rpjm_rancangan or musrenbangdes_rpjm is recorded."
    ),
}
RPJM_DRAFTING = ("musdes_rpjm", "rpjm_rancangan", "musrenbangdes_rpjm")


def add_months(day: dt.date, months: int) -> dt.date:
    """The same day `months` later; the month's last day when it has no such day (30 Nov + 3 = 28/29 Feb)."""
    month = day.month - 1 + months
    year, month = day.year + month // 12, month % 12 + 1
    return dt.date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def _kasi(dossier: DesaDossier) -> dict[str, list]:
    """Person -> the Kasi posts they hold (vacant posts and the Sekdes left out)."""
    def held(prefixes: tuple[str, ...]) -> list:
        return [a for a in dossier.aparatur if a.status != "kosong" and a.jabatan.casefold().startswith(prefixes)]

    sekdes = {person(a.nama) for a in held(("sekretaris desa", "sekdes"))}
    out: dict[str, list] = {}
    for a in held(("kasi", "kepala seksi")):
        if person(a.nama) not in sekdes:
            out.setdefault(person(a.nama), []).append(a)
    return out


def _report(dossier: DesaDossier, kind: str, year: int, to: str, due: dt.date) -> tuple[bool, bool, list[dt.date]]:
    """(recorded at all, delivered to the right addressee by the due date, dates) of one yearly report."""
    found = [r for r in dossier.laporan_kepala_desa if r.jenis == kind and r.tahun == year]
    on_time = any(r.kepada == to and r.tanggal <= due for r in found)
    return bool(found), on_time, [r.tanggal for r in found]


def village_facts(basics: VillageBasics) -> tuple[dict[str, Any], dict[str, Any]]:
    """(facts, display details) of the village for the UU 6/2014 pack (FACTS); a deadline of a step
    a --before check does not reach (`basics.due`) has not passed."""
    dossier, ctx, stages = basics.dossier, basics.ctx, basics.stages
    rpjm_date, rkp_date, apb_date, due = basics.rpjm_date, basics.rkp_date, basics.apb_date, basics.due
    year = dossier.tahun_rencana
    rkp_year = dossier.rkp_desa.tahun if dossier.rkp_desa else year
    rkp_due = dt.date(rkp_year - 1, 9, 30)  # PP 43/2014 Pasal 118(6): "paling lambat akhir bulan September tahun berjalan"
    musdes_due = dt.date(year - 1, 6, 30)  # PP 43/2014 Pasal 114(2) as amended by PP 47/2015: "paling lambat pada bulan Juni"
    musdes = stages.get("musdes_rkp", (None, None))[1]
    inaugurated = dossier.kepala_desa_pelantikan
    rpjm_deadline = add_months(inaugurated, 3) if inaugurated else None
    report_year = year - 2
    report_due = dt.date(report_year + 1, 3, 31)  # PP 43/2014 Pasal 49(1), 51(1): "paling lambat 3 (tiga) bulan"
    lppd = _report(dossier, "lppd", report_year, "bupati_walikota_melalui_camat", report_due)
    lkppd = _report(dossier, "lkppd", report_year, "bpd", report_due)
    kasi = _kasi(dossier)
    perdes = basics.rkp_document if isinstance(basics.rkp_document, PeraturanDesa) else None
    out = {
        "kasi_terisi_jumlah": len(kasi),
        "rkp_perdes_lengkap": bool(perdes and perdes.nomor and perdes.tanggal),
        "rkp_bertanggal": rkp_date is not None,
        "rkp_tepat_waktu": bool(rkp_date and rkp_date <= rkp_due),
        "rkp_tenggat_lewat": due("rkp_penetapan") and ctx.as_of > rkp_due,
        "rkp_memuat_evaluasi": bool(dossier.rkp_desa and dossier.rkp_desa.memuat_evaluasi_tahun_lalu),
        "musdes_rkp_diadakan": musdes is not None,
        "musdes_rkp_tepat_waktu": bool(musdes and musdes.tanggal <= musdes_due),
        "musdes_tenggat_lewat": due("musdes_rkp") and ctx.as_of > musdes_due,
        "pelantikan_tercatat": inaugurated is not None,
        "rpjm_tiga_bulan_pelantikan": bool(inaugurated and rpjm_date and inaugurated <= rpjm_date <= rpjm_deadline),
        "pelantikan_tiga_bulan_lewat": bool(due("rpjm_penetapan") and rpjm_deadline and ctx.as_of > rpjm_deadline),
        "apbdes_tepat_waktu": bool(apb_date and apb_date <= dt.date(year - 1, 12, 31)),
        "lppd_tercatat": lppd[0],
        "lppd_tepat_waktu": lppd[1],
        "lkppd_tercatat": lkppd[0],
        "lkppd_tepat_waktu": lkppd[1],
        "laporan_jatuh_tempo": ctx.as_of > report_due,
    }
    details = {
        "kasi_daftar": [f"{posts[0].nama} ({', '.join(a.jabatan for a in posts)})" for posts in kasi.values()],
        "batas_rkp": rkp_due,
        "batas_musdes": musdes_due,
        "musdes_tanggal": musdes.tanggal if musdes else None,
        "pelantikan": inaugurated,
        "batas_rpjm": rpjm_deadline,
        "laporan_tahun": report_year,
        "batas_laporan": report_due,
        "lppd_tanggal": lppd[2],
        "lkppd_tanggal": lkppd[2],
    }
    return out, details


def village_situation(basics: VillageBasics) -> dict[str, Any]:
    """Which sequences of the UU 6/2014 stage order count for this village (rules/uu-desa/stages.yaml)."""
    return {"rpjm_disusun": any(code in basics.stages for code in RPJM_DRAFTING)}


def forum_facts(basics: ForumBasics) -> tuple[dict[str, Any], dict[str, Any]]:
    """(facts, details) of a held forum for the UU 6/2014 pack: who took part in it (peserta)."""
    present = set(basics.record.peserta)
    facts = {
        "peserta_pemerintah_desa": "pemerintah_desa" in present,
        "peserta_bpd": "bpd" in present,
        "peserta_unsur_masyarakat": "unsur_masyarakat" in present,
    }
    return facts, {"peserta": basics.record.peserta}


def perdes_facts(basics: PerdesBasics) -> tuple[dict[str, Any], dict[str, Any]]:
    """(facts, no details) of a Peraturan Desa: what it is about and whether it was agreed with the BPD (its forum)."""
    return {"perihal": basics.perdes.perihal, "forum_rapat_bpd": basics.perdes.forum == "rapat_bpd"}, {}


def activity_facts(basics: ActivityBasics) -> tuple[dict[str, Any], dict[str, Any]]:
    """(facts, no details) of an RKP Desa activity for the UU 6/2014 pack: its field (bidang)."""
    return {"bidang": (basics.activity.bidang or "").strip().lower()}, {}


BUILDERS = {"desa": village_facts, "forum": forum_facts, "perdes": perdes_facts, "kegiatan": activity_facts}
SITUATION_BUILDERS = {"desa": village_situation}
DETAILS = {  # the display values its builders give, for messages (vocabulary.py)
    "desa": frozenset({"batas_laporan", "batas_musdes", "batas_rkp", "batas_rpjm", "kasi_daftar", "laporan_tahun", "lkppd_tanggal",
                       "lppd_tanggal", "musdes_tanggal", "pelantikan"}),
    "forum": frozenset({"peserta"}),
}
