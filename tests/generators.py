"""Hypothesis strategies for valid but messy village and kecamatan dossiers.

Small pools of names make people collide across roles and posts (some written with a look-alike
Cyrillic letter, a zero-width space or full-width letters); dates are drawn in and out of
order and around the as-of date; documents are often missing or incomplete; every reference
points at a document that exists, so every generated dossier is valid input.
"""

from __future__ import annotations

import datetime as dt

from hypothesis import strategies as st

NAMES = ["Andi Baso", "andi  BASO", "Sitti Aminah", "Baharuddin", "Hasnawati", "Muh. Ridwan", "Rahmatia", "Jumaring"]
NAMES += ["Andi Bas\u043e", "Sitti\u200b Aminah", "\uff28\uff41\uff53\uff4e\uff41\uff57\uff41\uff54\uff49"]  # the same people, forged (issue 13.5)
POSTS = ["Kepala Desa", "Sekretaris Desa", "Kaur Pemerintahan", "Kaur Umum", "Kaur Keuangan", "Kaur Tata Usaha dan Umum", "Kepala Dusun I"]
FACILITATORS = ["kpmd", "lpmd", "pemerintah_desa", "setrawan", "setrawan_kecamatan", "bkad", "fasilitator_kecamatan", "lainnya"]
ACTIVITIES = ["Jalan desa", "jalan  DESA.", "Posyandu", "Irigasi"]
DESA_STAGES = [
    "mad_sosialisasi", "musdes_sosialisasi", "pkd", "rpjm_peninjauan", "rpjm_tim_penyusun", "rpjm_rancangan",
    "musrenbangdes_rpjm", "rpjm_penetapan", "rkp_tim_penyusun", "rkp_rancangan", "musdes_perencanaan", "mkp",
    "musrenbangdes_rkp", "rkp_penetapan", "apbdes_penetapan",
]
KECAMATAN_STAGES = ["penetapan_jadwal", "mad_prioritas", "mad_pendanaan", "musrenbang_kecamatan", "spc", "forum_skpd", "musrenbang_kabupaten"]
ALL_STAGES = DESA_STAGES + KECAMATAN_STAGES

dates = st.dates(min_value=dt.date(2011, 6, 1), max_value=dt.date(2013, 6, 30))
maybe = lambda strategy: st.none() | strategy  # noqa: E731
names = st.sampled_from(NAMES)


def _stage(codes: list[str]):
    return st.fixed_dictionaries(
        {"kode": st.sampled_from(codes), "tanggal": dates},
        optional={
            "fasilitator": st.lists(st.sampled_from(FACILITATORS), max_size=3),
            "alat_kaji": st.lists(st.sampled_from(["peta_sosial_desa", "kalender_musim", "bagan_kelembagaan", "lainnya"]), max_size=4),
            "agenda": st.lists(st.sampled_from(["evaluasi_rkp_tahun_lalu", "pembahasan_rancangan_rkp", "tinjau_usulan_belum_terealisasi", "lainnya"]), max_size=3),
        },
    )


def _signatories(roles: list[str]):
    return st.lists(
        st.fixed_dictionaries({"nama": names, "peran": st.sampled_from(roles), "tanda_tangan": st.booleans()}), max_size=7
    )


@st.composite
def desa_dossiers(draw):
    perdes_ids = [f"perdes-{i}" for i in range(draw(st.integers(0, 2)))]
    sk_ids = [f"sk-{i}" for i in range(draw(st.integers(0, 3)))]
    refs = lambda ids: st.none() | st.sampled_from(ids) if ids else st.none()  # noqa: E731
    any_doc = refs(perdes_ids + sk_ids)  # a plan may name any document: the rules judge its kind
    plan_year = draw(st.integers(2012, 2014))
    data = {
        "jenis": "desa",
        "kode": f"73.02.05.2{draw(st.integers(0, 999)):03d}",
        "nama": "Desa Uji",
        "kecamatan": "Rilau Ale",
        "kabupaten": "Bulukumba",
        "peserta_pnpm": draw(st.booleans()),
        "tahun_rencana": plan_year,
        "tahun_mulai_integrasi": draw(maybe(st.integers(2010, 2014))),
        "kantor": {"ada": draw(st.booleans()), "layak": draw(st.booleans())},
        "aparatur": draw(st.lists(st.fixed_dictionaries({
            "jabatan": st.sampled_from(POSTS), "nama": names, "status": st.sampled_from(["definitif", "plt", "pj", "kosong"])
        }), max_size=7)),
        "bpd": {"terbentuk": draw(st.booleans())},
        "tahapan": draw(st.lists(_stage(DESA_STAGES), max_size=16)),
        "berita_acara": [
            {"id": f"ba-{i}", "forum": draw(st.sampled_from(["musrenbangdes_rpjm", "musrenbangdes_rkp"])),
             "tanggal": draw(maybe(dates)),
             "penandatangan": draw(_signatories(["kepala_desa", "pimpinan_musyawarah", "wakil_masyarakat", "lainnya"]))}
            for i in range(draw(st.integers(0, 3)))
        ],
        "peraturan_desa": [
            {"id": pid, "nomor": draw(maybe(st.just("01/2012"))), "tanggal": draw(maybe(dates)),
             "perihal": draw(st.sampled_from(["rpjm_desa", "apb_desa", "lainnya"])),
             "forum": draw(maybe(st.sampled_from(["rapat_bpd", "lainnya"])))}
            for pid in perdes_ids
        ],
        "keputusan_kepala_desa": [
            {"id": sid, "nomor": draw(maybe(st.just("141/2012"))), "tanggal": draw(maybe(dates)),
             "perihal": draw(st.sampled_from(["rkp_desa", "tim_penyusun_rpjm_desa", "tim_penyusun_rkp_desa", "lainnya"]))}
            for sid in sk_ids
        ],
        "tim_penyusun": draw(st.lists(st.fixed_dictionaries(
            {"rencana": st.sampled_from(["rpjm_desa", "rkp_desa"]), "dibentuk_dengan": any_doc}), max_size=2)),
        "usulan_musrenbangdes": draw(st.lists(st.fixed_dictionaries(
            {"kegiatan": st.just("Jalan"), "saluran": maybe(st.sampled_from(["blm_pnpm", "apbd", " ADD", "swadaya", "lainnya", "apbn"]))}), max_size=3)),
        "apb_desa": draw(st.lists(st.fixed_dictionaries({
            "tahun": st.integers(plan_year - 1, plan_year), "tanggal_penetapan": maybe(dates), "ditetapkan_dengan": any_doc
        }), max_size=2)),
        "lkpj": draw(st.lists(st.fixed_dictionaries({
            "tahun": st.integers(plan_year - 2, plan_year), "tanggal": dates, "forum": st.sampled_from(["rapat_bpd", "lainnya"])
        }), max_size=3)),
    }
    if draw(st.booleans()):
        start = draw(st.integers(2008, 2013))
        data["rpjm_desa"] = {
            "tahun_awal": start, "tahun_akhir": start + draw(st.integers(3, 6)), "ditetapkan_dengan": draw(any_doc),
            "kegiatan": draw(st.lists(st.sampled_from(ACTIVITIES), max_size=2)),
        }
    if draw(st.booleans()):
        data["rkp_desa"] = {
            "tahun": draw(st.integers(plan_year - 1, plan_year + 4)),
            "ditetapkan_dengan": draw(any_doc),
            "kegiatan": draw(st.lists(st.fixed_dictionaries({
                "nama": st.sampled_from(ACTIVITIES), "jumlah": maybe(st.sampled_from([0, 1, 1500000])),
                "sumber_dana": maybe(st.sampled_from(["blm_pnpm", "apbd", " ADD ", "swadaya", "lainnya", "apbn"])),
            }), max_size=3)),
        }
    return data


@st.composite
def kecamatan_dossiers(draw):
    village_codes = [f"73.02.05.2{i:03d}" for i in draw(st.sets(st.integers(0, 9), max_size=5))]
    data = {
        "jenis": "kecamatan",
        "kode": "73.02.05",
        "nama": "Rilau Ale",
        "kabupaten": "Bulukumba",
        "tahun_rencana": 2013,
        "lokasi_pnpm": draw(st.booleans()),
        "pejabat": {"camat": draw(maybe(names)), "sekretaris_camat": draw(maybe(names)), "kasie_pmd": draw(maybe(names))},
        "desa": [{"kode": c, "nama": f"Desa {c[-3:]}"} for c in village_codes],
        "tahapan": draw(st.lists(_stage(KECAMATAN_STAGES), max_size=6)),
        "tim_pelaksana": draw(st.lists(st.fixed_dictionaries({
            "nama": names, "peran": st.sampled_from(["pengarah", "ketua", "sekretaris", "anggota"]),
            "unsur": st.sampled_from(["camat", "sekretaris_camat", "kasie_pmd", "setrawan_kecamatan", "fasilitator_kecamatan", "lainnya"]),
        }), max_size=6)),
        "delegasi": draw(st.lists(st.fixed_dictionaries({
            "nama": names, "unsur": st.sampled_from(["camat", "bkad", "setrawan_kecamatan", "tokoh_masyarakat", "lainnya"])
        }), max_size=8)),
        "keluaran": {k: draw(st.booleans()) for k in ("rkp_kecamatan", "prioritas_pnpm", "durkp_kecamatan", "daftar_delegasi")},
        "berita_acara": [
            {"id": f"ba-{i}", "forum": "musrenbang_kecamatan", "tanggal": draw(maybe(dates)),
             "penandatangan": draw(_signatories(["camat", "pimpinan_musyawarah", "wakil_utusan_desa", "wakil_masyarakat"]))}
            for i in range(draw(st.integers(0, 2)))
        ],
        "pengiriman": {"rkp_ke_bappeda": draw(maybe(dates)), "usulan_ke_skpd": draw(maybe(dates))},
        "anggota_dprd_hadir": draw(st.lists(names, max_size=2)),
    }
    if draw(st.booleans()):
        data["surat_penetapan_camat"] = {"nomor": draw(maybe(st.just("050/1"))), "tanggal": draw(maybe(dates))}
    if draw(st.booleans()):
        data["rkp_kecamatan"] = {"difinalisasi": draw(st.booleans()), "disahkan_camat": draw(st.booleans())}
    return data


@st.composite
def village_batches(draw):
    """Village dossiers 'checked in the same run' of a kecamatan: code -> (RKP-Desa date,
    Musrenbangdes-with-Berita-Acara date), either may be None."""
    codes = [f"73.02.05.2{i:03d}" for i in draw(st.sets(st.integers(0, 9), max_size=5))]
    codes += ["73.02.06.2001"] if draw(st.booleans()) else []
    return {c: (draw(maybe(dates)), draw(maybe(dates))) for c in codes}


contexts = st.fixed_dictionaries({
    "as_of": st.dates(min_value=dt.date(2011, 1, 1), max_value=dt.date(2014, 12, 31)),
    "complete": st.booleans(),
    "before": st.none() | st.sampled_from(ALL_STAGES),
})


UU_STAGES = [
    "musdes_rpjm", "rpjm_rancangan", "musrenbangdes_rpjm", "rpjm_penetapan", "musdes_rkp", "rkp_rancangan",
    "musrenbangdes_rkp", "rkp_penetapan", "apbdes_penetapan",
]
UU_POSTS = POSTS + ["Kasi Pemerintahan", "Kasi Kesejahteraan", "Kepala Seksi Pelayanan", "Kasi Pembangunan", "Kaur Perencanaan"]
UU_NAMES = NAMES + ["Darwis", "Hasniah", "Rusdi", "Ilham"]
UU_SOURCES = ["dana_desa", " ADD ", "pades", "bagi_hasil_pajak_retribusi", "bantuan_keuangan", "hibah", "swadaya", "apbd", "lainnya", "blm_pnpm"]
UU_FIELDS = ["penyelenggaraan_pemerintahan", "Pelaksanaan_Pembangunan", "pembinaan_kemasyarakatan", "pemberdayaan_masyarakat", "infrastruktur"]
uu_dates = st.dates(min_value=dt.date(2015, 6, 1), max_value=dt.date(2019, 6, 30))


@st.composite
def uu_desa_dossiers(draw):
    """Village dossiers of the UU 6/2014 regime (rules/uu-desa): plan years 2017-2019, dates around
    the deadlines of the planning year (June, September, December, March), no PNPM fields."""
    perdes_ids = [f"perdes-{i}" for i in range(draw(st.integers(0, 3)))]
    sk_ids = [f"sk-{i}" for i in range(draw(st.integers(0, 1)))]
    any_doc = st.none() | st.sampled_from(perdes_ids + sk_ids) if perdes_ids + sk_ids else st.none()
    plan_year = draw(st.integers(2017, 2019))
    stage = st.fixed_dictionaries(
        {"kode": st.sampled_from(UU_STAGES), "tanggal": uu_dates},
        optional={
            "peserta": st.lists(st.sampled_from(["pemerintah_desa", "bpd", "unsur_masyarakat"]), unique=True, min_size=1, max_size=3),
            "agenda": st.lists(st.sampled_from(["evaluasi_rkp_tahun_lalu", "pembahasan_rancangan_rkp", "lainnya"]), max_size=2),
        },
    )
    data = {
        "jenis": "desa",
        "kode": f"73.02.05.2{draw(st.integers(0, 999)):03d}",
        "nama": "Desa Uji",
        "kecamatan": "Rilau Ale",
        "kabupaten": "Bulukumba",
        "tahun_rencana": plan_year,
        "kepala_desa_pelantikan": draw(maybe(uu_dates | st.sampled_from([dt.date(2016, 1, 4), dt.date(2015, 12, 1)]))),
        "aparatur": draw(st.lists(st.fixed_dictionaries({
            "jabatan": st.sampled_from(UU_POSTS), "nama": st.sampled_from(UU_NAMES),
            "status": st.sampled_from(["definitif", "plt", "kosong"])
        }), max_size=14)),
        "bpd": {"terbentuk": draw(st.booleans())},
        "tahapan": draw(st.lists(stage, max_size=11)),
        "peraturan_desa": [
            {"id": pid, "nomor": draw(maybe(st.just("01/2017"))), "tanggal": draw(uu_dates),
             "perihal": draw(st.sampled_from(["rpjm_desa", "rkp_desa", "apb_desa", "lainnya"]))}
            for pid in perdes_ids
        ],
        "keputusan_kepala_desa": [
            {"id": sid, "nomor": "141/2017", "tanggal": draw(maybe(uu_dates)), "perihal": "rkp_desa"} for sid in sk_ids
        ],
        "apb_desa": draw(st.lists(st.fixed_dictionaries({
            "tahun": st.integers(plan_year - 1, plan_year), "tanggal_penetapan": maybe(uu_dates), "ditetapkan_dengan": any_doc
        }), max_size=2)),
        "laporan_kepala_desa": draw(st.lists(st.fixed_dictionaries({
            "jenis": st.sampled_from(["lppd", "lkppd"]), "tahun": st.integers(plan_year - 2, plan_year - 1),
            "tanggal": uu_dates | st.sampled_from([dt.date(plan_year - 1, 3, 31), dt.date(plan_year - 1, 4, 1)]),
            "kepada": st.sampled_from(["bupati_walikota_melalui_camat", "bpd", "lainnya"]),
        }), max_size=4)),
    }
    if draw(st.booleans()):
        start = draw(st.integers(2014, 2018))
        data["rpjm_desa"] = {"tahun_awal": start, "tahun_akhir": start + draw(st.integers(4, 7)), "ditetapkan_dengan": draw(any_doc)}
    if draw(st.booleans()):
        data["rkp_desa"] = {
            "tahun": draw(st.integers(plan_year - 1, plan_year + 1)),
            "ditetapkan_dengan": draw(any_doc),
            "memuat_evaluasi_tahun_lalu": draw(st.booleans()),
            "kegiatan": draw(st.lists(st.fixed_dictionaries({
                "nama": st.sampled_from(ACTIVITIES), "jumlah": st.sampled_from([1500000, 1, 0]) | st.none(),
                "sumber_dana": st.sampled_from(UU_SOURCES) | st.none(), "bidang": st.sampled_from(UU_FIELDS) | st.none(),
            }), max_size=3)),
        }
    return data


uu_contexts = st.fixed_dictionaries({
    "as_of": st.dates(min_value=dt.date(2016, 1, 1), max_value=dt.date(2019, 12, 31)),
    "complete": st.booleans(),
    "before": st.none() | st.sampled_from(UU_STAGES),
})
