"""Synthetic village dossiers of the UU 6/2014 regime (rules/uu-desa), for `cek-integrasi generate
--year 2016` or later: a compliant planning cycle (Musdes by June, RKP Desa by Perdes by the end of
September, APB Desa by 31 December, the Kepala Desa's reports by 31 March), then realistic faults.
"""

from __future__ import annotations

import datetime as dt
import random

from ..generating import Generator, apparatus, people

SOURCES = ["dana_desa", "add", "pades", "bantuan_keuangan", "swadaya"]
FIELDS = ["penyelenggaraan_pemerintahan", "pelaksanaan_pembangunan", "pembinaan_kemasyarakatan", "pemberdayaan_masyarakat"]
ACTIVITIES = ["Rabat beton jalan dusun", "Honor kader posyandu", "Pelatihan BUM Desa", "Penyusunan profil desa", "Embung desa"]


def village(rng: random.Random, kode: str, nama: str, kecamatan: str, kabupaten: str, year: int) -> dict:
    """A complete, compliant UU 6/2014 village dossier for plan year `year` (cycle in year-1)."""
    kades, sekdes, k1, k2, k3, s1, s2, s3, bpd = people(rng, 9)
    cycle = year - 1
    day = lambda month, first, last: dt.date(cycle, month, rng.randint(first, last))  # noqa: E731
    rpjm_start = cycle - rng.randint(0, 4)
    inaugurated = dt.date(rpjm_start - 1, 12, rng.randint(1, 20))
    rpjm_date = inaugurated + dt.timedelta(days=rng.randint(30, 80))
    musdes, draft, musren, rkp, apb = day(6, 1, 25), day(7, 5, 25), day(8, 5, 28), day(9, 10, 29), day(12, 5, 28)
    everyone = ["pemerintah_desa", "bpd", "unsur_masyarakat"]
    return {
        "jenis": "desa", "kode": kode, "nama": nama, "kecamatan": kecamatan, "kabupaten": kabupaten,
        "tahun_rencana": year,
        "kepala_desa_pelantikan": inaugurated,
        "aparatur": apparatus(
            ("Kepala Desa", kades), ("Sekretaris Desa", sekdes), ("Kaur Tata Usaha dan Umum", k1), ("Kaur Keuangan", k2),
            ("Kaur Perencanaan", k3), ("Kasi Pemerintahan", s1), ("Kasi Kesejahteraan", s2), ("Kasi Pelayanan", s3),
        ),
        "bpd": {"terbentuk": True, "ketua": bpd},
        "tahapan": [
            {"kode": "rpjm_penetapan", "tanggal": rpjm_date},
            {"kode": "musdes_rkp", "tanggal": musdes, "peserta": everyone},
            {"kode": "rkp_rancangan", "tanggal": draft},
            {"kode": "musrenbangdes_rkp", "tanggal": musren, "peserta": everyone,
             "agenda": ["evaluasi_rkp_tahun_lalu", "pembahasan_rancangan_rkp"]},
            {"kode": "rkp_penetapan", "tanggal": rkp},
            {"kode": "apbdes_penetapan", "tanggal": apb},
        ],
        "peraturan_desa": [
            {"id": "perdes-rpjm", "nomor": f"01 Tahun {rpjm_date.year}", "tanggal": rpjm_date, "perihal": "rpjm_desa", "forum": "rapat_bpd"},
            {"id": "perdes-rkp", "nomor": f"05 Tahun {cycle}", "tanggal": rkp, "perihal": "rkp_desa", "forum": "rapat_bpd"},
            {"id": "perdes-apb", "nomor": f"08 Tahun {cycle}", "tanggal": apb, "perihal": "apb_desa", "forum": "rapat_bpd"},
        ],
        "rpjm_desa": {"tahun_awal": rpjm_start, "tahun_akhir": rpjm_start + 5, "ditetapkan_dengan": "perdes-rpjm"},
        "rkp_desa": {
            "tahun": year, "ditetapkan_dengan": "perdes-rkp", "memuat_evaluasi_tahun_lalu": True,
            "kegiatan": [
                {"nama": name, "jumlah": rng.randint(3, 250) * 1_000_000, "sumber_dana": rng.choice(SOURCES), "bidang": rng.choice(FIELDS)}
                for name in rng.sample(ACTIVITIES, 3)
            ],
        },
        "apb_desa": [{"tahun": year, "tanggal_penetapan": apb, "ditetapkan_dengan": "perdes-apb"}],
        "laporan_kepala_desa": [
            {"jenis": "lkppd", "tahun": year - 2, "tanggal": dt.date(cycle, 3, rng.randint(1, 28)), "kepada": "bpd"},
            {"jenis": "lppd", "tahun": year - 2, "tanggal": dt.date(cycle, 3, rng.randint(1, 28)), "kepada": "bupati_walikota_melalui_camat"},
        ],
    }


def _late_rkp(rng, d):
    late = dt.date(d["tahun_rencana"] - 1, 10, rng.randint(2, 30))
    d["peraturan_desa"][1]["tanggal"] = d["tahapan"][4]["tanggal"] = late


def _rkp_by_sk(rng, d):
    d.setdefault("keputusan_kepala_desa", []).append(
        {"id": "sk-rkp", "nomor": "141/09", "tanggal": d["tahapan"][4]["tanggal"], "perihal": "rkp_desa"}
    )
    d["rkp_desa"]["ditetapkan_dengan"] = "sk-rkp"


def _late_musdes(rng, d):
    d["tahapan"][1]["tanggal"] = dt.date(d["tahun_rencana"] - 1, 7, rng.randint(1, 4))


def _no_bpd_at_musrenbangdes(rng, d):
    d["tahapan"][3]["peserta"] = ["pemerintah_desa", "unsur_masyarakat"]


def _pnpm_source(rng, d):
    d["rkp_desa"]["kegiatan"][rng.randrange(3)]["sumber_dana"] = "blm_pnpm"


def _no_lppd(rng, d):
    d["laporan_kepala_desa"] = d["laporan_kepala_desa"][:1]


def _late_apb(rng, d):
    late = dt.date(d["tahun_rencana"], 1, rng.randint(3, 31))
    d["apb_desa"][0]["tanggal_penetapan"] = d["peraturan_desa"][2]["tanggal"] = d["tahapan"][5]["tanggal"] = late


def _five_year_rpjm(rng, d):
    d["rpjm_desa"]["tahun_akhir"] -= 1


def _vacant_sekdes(rng, d):
    d["aparatur"][1]["status"] = "kosong"


FAULTS = (
    _late_rkp, _rkp_by_sk, _late_musdes, _no_bpd_at_musrenbangdes, _pnpm_source, _no_lppd, _late_apb,
    _five_year_rpjm, _vacant_sekdes,
)

GENERATOR = Generator(village, FAULTS)  # no kecamatan dossier: the pack judges villages only
