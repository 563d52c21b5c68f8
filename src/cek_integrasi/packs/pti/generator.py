"""Synthetic dossiers of the PTI regime (rules/pti), for `cek-integrasi generate` of plan years
2010-2015: a complete, compliant village record of one planning cycle, the faults a real one has
(a vacant or acting post, a missing signature, a skipped or late step, a missing document, an
unfinished cycle, a village outside PNPM-MPd), and the kecamatan dossier of a group of villages.
"""

from __future__ import annotations

import datetime as dt
import random

from ..generating import Generator, apparatus, people

STAGES = [
    ("mad_sosialisasi", 0), ("musdes_sosialisasi", 8), ("pkd", 21), ("rpjm_tim_penyusun", 28), ("rpjm_rancangan", 49),
    ("musrenbangdes_rpjm", 63), ("rpjm_penetapan", 77), ("rkp_tim_penyusun", 84), ("rkp_rancangan", 98),
    ("musdes_perencanaan", 112), ("mkp", 113), ("musrenbangdes_rkp", 126), ("rkp_penetapan", 140), ("apbdes_penetapan", 335),
]


def village(rng: random.Random, kode: str, nama: str, kecamatan: str, kabupaten: str, year: int) -> dict:
    """A complete, compliant village dossier for plan year `year` (cycle in year-1)."""
    start = dt.date(year - 1, 1, 10) + dt.timedelta(days=rng.randint(0, 20))
    kades, sekdes, k1, k2, k3, bpd, w1, w2, w3, w4 = people(rng, 10)
    when = {code: start + dt.timedelta(days=offset + rng.randint(0, 3)) for code, offset in STAGES}
    when["mkp"] = when["musdes_perencanaan"]

    def signatories() -> list[dict]:
        return [
            {"nama": kades, "peran": "kepala_desa", "tanda_tangan": True},
            {"nama": bpd, "peran": "pimpinan_musyawarah", "tanda_tangan": True},
        ] + [{"nama": w, "peran": "wakil_masyarakat", "tanda_tangan": True} for w in (w1, w2, w3)]

    return {
        "jenis": "desa",
        "kode": kode,
        "nama": nama,
        "kecamatan": kecamatan,
        "kabupaten": kabupaten,
        "peserta_pnpm": True,
        "tahun_rencana": year,
        "tahun_mulai_integrasi": year - 1,
        "kantor": {"ada": True, "layak": True},
        "aparatur": apparatus(
            ("Kepala Desa", kades), ("Sekretaris Desa", sekdes), ("Kaur Pemerintahan", k1), ("Kaur Pembangunan", k2),
            ("Kaur Umum", k3),
        ),
        "bpd": {"terbentuk": True, "ketua": bpd},
        "tahapan": [
            {"kode": code, "tanggal": when[code]}
            | ({"fasilitator": ["kpmd", "lpmd"], "alat_kaji": ["peta_sosial_desa", "kalender_musim", "bagan_kelembagaan"]} if code == "pkd" else {})
            | ({"agenda": ["evaluasi_rkp_tahun_lalu", "pembahasan_rancangan_rkp", "tinjau_usulan_belum_terealisasi"]} if code == "musrenbangdes_rkp" else {})
            for code, _ in STAGES
        ],
        "berita_acara": [
            {"id": "ba-rpjm", "forum": "musrenbangdes_rpjm", "tanggal": when["musrenbangdes_rpjm"], "penandatangan": signatories()},
            {"id": "ba-rkp", "forum": "musrenbangdes_rkp", "tanggal": when["musrenbangdes_rkp"], "penandatangan": signatories()},
        ],
        "peraturan_desa": [
            {"id": "perdes-rpjm", "nomor": f"{rng.randint(1, 9):02d}/{year - 1}", "tanggal": when["rpjm_penetapan"], "perihal": "rpjm_desa", "forum": "rapat_bpd"},
            {"id": "perdes-apb", "nomor": f"{rng.randint(10, 19)}/{year - 1}", "tanggal": when["apbdes_penetapan"], "perihal": "apb_desa", "forum": "rapat_bpd"},
        ],
        "keputusan_kepala_desa": [
            {"id": "sk-tim-rpjm", "nomor": f"141/{rng.randint(1, 30)}", "tanggal": when["rpjm_tim_penyusun"], "perihal": "tim_penyusun_rpjm_desa"},
            {"id": "sk-tim-rkp", "nomor": f"141/{rng.randint(31, 60)}", "tanggal": when["rkp_tim_penyusun"], "perihal": "tim_penyusun_rkp_desa"},
            {"id": "sk-rkp", "nomor": f"141/{rng.randint(61, 90)}", "tanggal": when["rkp_penetapan"], "perihal": "rkp_desa"},
        ],
        "tim_penyusun": [
            {"rencana": "rpjm_desa", "dibentuk_dengan": "sk-tim-rpjm", "anggota": [sekdes, k1, w4]},
            {"rencana": "rkp_desa", "dibentuk_dengan": "sk-tim-rkp", "anggota": [sekdes, k2, w4]},
        ],
        "rpjm_desa": {"tahun_awal": year - 1, "tahun_akhir": year + 3, "ditetapkan_dengan": "perdes-rpjm"},
        "rkp_desa": {
            "tahun": year,
            "ditetapkan_dengan": "sk-rkp",
            "kegiatan": [
                {"nama": "Rabat beton jalan dusun", "jumlah": rng.randrange(50, 250) * 1_000_000, "sumber_dana": "blm_pnpm"},
                {"nama": "Pelatihan kader posyandu", "jumlah": rng.randrange(5, 20) * 1_000_000, "sumber_dana": "add"},
                {"nama": "Saluran irigasi tersier", "jumlah": rng.randrange(100, 400) * 1_000_000, "sumber_dana": "apbd"},
            ],
        },
        "usulan_musrenbangdes": [
            {"kegiatan": "Rabat beton jalan dusun", "saluran": "blm_pnpm"},
            {"kegiatan": "Saluran irigasi tersier", "saluran": "apbd"},
            {"kegiatan": "Pelatihan kader posyandu", "saluran": "add"},
        ],
        "apb_desa": [{"tahun": year, "tanggal_penetapan": when["apbdes_penetapan"], "ditetapkan_dengan": "perdes-apb"}],
        "lkpj": [{"tahun": year - 1, "tanggal": dt.date(year - 1, 12, 20), "forum": "rapat_bpd"}],
    }


def _vacant_kaur(rng, d):
    d["aparatur"][rng.choice([3, 4])]["status"] = "kosong"
    d["aparatur"][2]["status"] = "kosong"


def _acting_sekdes(rng, d):
    d["aparatur"][1]["status"] = rng.choice(["plt", "pj"])


def _unsigned(rng, d):
    d["berita_acara"][rng.randrange(2)]["penandatangan"][rng.randrange(5)]["tanda_tangan"] = False


def _late_step(rng, d):
    i = rng.randrange(3, 12)
    d["tahapan"][i]["tanggal"] = d["tahapan"][i - 2]["tanggal"] - dt.timedelta(days=rng.randint(1, 9))


def _skipped(rng, d):
    del d["tahapan"][rng.choice([2, 4, 8, 10])]


def _no_perdes_number(rng, d):
    d["peraturan_desa"][0]["nomor"] = None


def _unfunded(rng, d):
    d["rkp_desa"]["kegiatan"][rng.randrange(3)][rng.choice(["jumlah", "sumber_dana"])] = None


def _unfinished(rng, d):
    cut = rng.randint(3, 12)
    codes = {s["kode"] for s in d["tahapan"][cut:]}
    d["tahapan"] = d["tahapan"][:cut]
    if "musrenbangdes_rkp" in codes:
        d["berita_acara"] = d["berita_acara"][:1] if "musrenbangdes_rpjm" not in codes else []
        d["usulan_musrenbangdes"] = []
    if "rkp_penetapan" in codes:
        for key in ("rkp_desa", "apb_desa"):
            d.pop(key, None)
        d["keputusan_kepala_desa"] = d["keputusan_kepala_desa"][:2]
        d["peraturan_desa"] = d["peraturan_desa"][:1]
    if "rpjm_penetapan" in codes:
        d.pop("rpjm_desa", None)
        d["peraturan_desa"] = []


def _outside_pnpm(rng, d):
    d["peserta_pnpm"] = False


def _no_office(rng, d):
    d["kantor"]["layak"] = False


def _no_lkpj(rng, d):
    d["lkpj"] = []


FAULTS = (
    _vacant_kaur, _acting_sekdes, _unsigned, _late_step, _skipped, _no_perdes_number, _unfunded,
    _unfinished, _outside_pnpm, _no_office, _no_lkpj,
)


def kecamatan(rng: random.Random, kode: str, nama: str, kabupaten: str, year: int, villages: list[dict]) -> dict:
    """The kecamatan dossier of a group of villages, held after their RKP-Desa."""
    ready = [v["tahapan"][-1]["tanggal"] for v in villages if v["tahapan"]]
    forum = dt.date(year - 1, 6, 25) + dt.timedelta(days=rng.randint(0, 10))
    camat, sekcam, kasie, setrawan, fk, bkad, t1, t2, u1, u2, u3 = people(rng, 11)
    return {
        "jenis": "kecamatan",
        "kode": kode,
        "nama": nama,
        "kabupaten": kabupaten,
        "tahun_rencana": year,
        "pejabat": {"camat": camat, "sekretaris_camat": sekcam, "kasie_pmd": kasie},
        "desa": [{"kode": v["kode"], "nama": v["nama"]} for v in villages],
        "tahapan": [
            {"kode": "penetapan_jadwal", "tanggal": forum - dt.timedelta(days=14)},
            {"kode": "musrenbang_kecamatan", "tanggal": forum if not ready else max(forum, min(ready))},
            {"kode": "spc", "tanggal": forum + dt.timedelta(days=30)},
            {"kode": "forum_skpd", "tanggal": forum + dt.timedelta(days=50)},
            {"kode": "musrenbang_kabupaten", "tanggal": forum + dt.timedelta(days=70)},
        ],
        "tim_pelaksana": [
            {"nama": camat, "peran": "pengarah", "unsur": "camat"},
            {"nama": sekcam, "peran": "ketua", "unsur": "sekretaris_camat"},
            {"nama": kasie, "peran": "sekretaris", "unsur": "kasie_pmd"},
            {"nama": setrawan, "peran": "anggota", "unsur": "setrawan_kecamatan"},
            {"nama": fk, "peran": "anggota", "unsur": "fasilitator_kecamatan"},
        ],
        "delegasi": [
            {"nama": camat, "unsur": "camat"}, {"nama": bkad, "unsur": "bkad"}, {"nama": setrawan, "unsur": "setrawan_kecamatan"},
            {"nama": t1, "unsur": "tokoh_masyarakat"}, {"nama": t2, "unsur": "tokoh_masyarakat"}, {"nama": u1, "unsur": "lainnya"},
        ],
        "keluaran": {"rkp_kecamatan": True, "prioritas_pnpm": True, "durkp_kecamatan": True, "daftar_delegasi": True},
        "berita_acara": [{
            "id": "ba-musrenbang-kecamatan", "forum": "musrenbang_kecamatan", "tanggal": forum if not ready else max(forum, min(ready)),
            "penandatangan": [
                {"nama": camat, "peran": "camat", "tanda_tangan": True},
                {"nama": bkad, "peran": "pimpinan_musyawarah", "tanda_tangan": True},
            ] + [{"nama": u, "peran": "wakil_utusan_desa", "tanda_tangan": True} for u in (u1, u2, u3)],
        }],
        "surat_penetapan_camat": {"nomor": f"050/{rng.randint(1, 99)}", "tanggal": forum + dt.timedelta(days=30)},
        "rkp_kecamatan": {"difinalisasi": True, "disahkan_camat": True, "tanggal_pengesahan": forum + dt.timedelta(days=20)},
        "pengiriman": {"rkp_ke_bappeda": forum + dt.timedelta(days=25), "usulan_ke_skpd": forum + dt.timedelta(days=28)},
        "anggota_dprd_hadir": [t1] if rng.random() < 0.6 else [],
    }


GENERATOR = Generator(village, FAULTS, last=(_unfinished,), kecamatan=kecamatan)
