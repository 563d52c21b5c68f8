"""The village dossier: what a desa records about its integration, as a pydantic model.

Field names are Indonesian because facilitators write these files. The JSON Schema in
schemas/dossier.schema.json is generated from these classes (see `schemas.py`).
"""

from __future__ import annotations

import datetime as dt
import re
from typing import Annotated, Any, Literal

from pydantic import (
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    ValidationInfo,
    WithJsonSchema,
    field_validator,
    model_validator,
)
from pydantic_core import PydanticCustomError

KODE_DESA = re.compile(r"^\d{2}\.\d{2}\.\d{2}\.\d{4}$", re.ASCII)  # ASCII: full-width digits are not a code
KODE_DIGITS = re.compile(r"^\d{10}$", re.ASCII)
KODE_KECAMATAN = re.compile(r"^\d{2}\.\d{2}\.\d{2}$", re.ASCII)
TAHUN_MASUK_AKAL = (1990, 2100)  # years a date of this planning cycle can have (as Tahun)
JUMLAH_TERBESAR = 10**15  # Rupiah: far above any village budget, far below what the rules engine holds (2^63)
TEKS_TERPANJANG = 500  # characters of a name, id or other text (the service's store keeps as many)



def _parse_tanggal(value: object) -> object:
    """Accept only a real calendar date written YYYY-MM-DD (or a date object)."""
    if isinstance(value, dt.date) and not isinstance(value, dt.datetime):
        return _plausible(value)
    if isinstance(value, str) and re.fullmatch(r"\d{4}-\d{2}-\d{2}", value.strip(), re.ASCII):
        try:
            date = dt.date.fromisoformat(value.strip())
        except ValueError:
            raise PydanticCustomError("tanggal_mustahil", "tanggal '{input}' tidak ada di kalender", {"input": value})
        return _plausible(date)
    raise PydanticCustomError("tanggal_format", "tanggal harus ditulis TTTT-BB-HH", {"input": str(value)})


def _plausible(value: dt.date) -> dt.date:
    """A date whose year this planning can have (year 0001 is a typo of 2011, not a date to order)."""
    low, high = TAHUN_MASUK_AKAL
    if not low <= value.year <= high:
        raise PydanticCustomError(
            "tanggal_tahun", "tahun {tahun} pada tanggal '{input}' tidak masuk akal",
            {"input": value.isoformat(), "tahun": value.year, "min": low, "max": high},
        )
    return value


def _parse_ya_tidak(value: object) -> object:
    """Accept ya/tidak besides true/false, as facilitators write them."""
    if isinstance(value, str) and value.strip().lower() in ("ya", "tidak"):
        return value.strip().lower() == "ya"
    return value


def _empty_list(**field: Any) -> Any:
    """A list that is empty unless written, made fresh for each dossier: a literal `[]` default
    is deep-copied by pydantic on every validation (a tenth of the validation time)."""
    return Field(default_factory=list, json_schema_extra={"default": []}, **field)


Teks = Annotated[str, Field(min_length=1, max_length=TEKS_TERPANJANG)]
Tahun = Annotated[int, Field(ge=1990, le=2100)]
Tanggal = Annotated[dt.date, BeforeValidator(_parse_tanggal)]
YaTidak = Annotated[
    bool,
    BeforeValidator(_parse_ya_tidak),
    WithJsonSchema({"anyOf": [{"type": "boolean"}, {"enum": ["ya", "tidak", "Ya", "Tidak", "YA", "TIDAK"]}]}),
]


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True, defer_build=True)


class Kantor(_Strict):
    """Village government office or secretariat (PTI III.B.1)."""

    ada: YaTidak = Field(description="Kantor/sekretariat pemerintah desa ada.")
    layak: YaTidak = Field(False, description="Kantor dinilai layak (dianggap layak, PTI III.B.1).")


def unnamed_holder(jabatan: str) -> str:
    """The stand-in name of a post's holder whose name is not known (a roster gives only how many
    Kaur posts are filled): one person per post, never shown as a name."""
    return f"({jabatan})"


class Aparat(_Strict):
    """One post of the village apparatus and who holds it."""

    jabatan: Teks = Field(description="Nama jabatan: 'Kepala Desa', 'Sekretaris Desa', 'Kaur ...'.")
    nama: Teks | None = Field(None, description="Nama pemegang jabatan; kosongkan bila jabatan kosong.")
    status: Literal["definitif", "plt", "pj", "kosong"] = Field(
        description="definitif; plt/pj (pelaksana tugas/penjabat); kosong (tidak ada pemegang)."
    )

    @model_validator(mode="after")
    def _name_matches_status(self) -> "Aparat":
        if self.status != "kosong" and not self.nama:
            raise PydanticCustomError("nama_wajib", "jabatan yang terisi harus mencantumkan nama pemegangnya")
        return self


class Bpd(_Strict):
    """Badan Permusyawaratan Desa."""

    terbentuk: YaTidak = Field(description="BPD sudah terbentuk (PTI III.B.3).")
    ketua: Teks | None = None


class Tahap(_Strict):
    """A planning step or forum that took place, with its date."""

    kode: Teks = Field(description="Kode tahap, mis. pkd, musrenbangdes_rkp (lihat `cek-integrasi stages`).")
    tanggal: Tanggal
    fasilitator: list[
        Literal[
            "kpmd", "lpmd", "pemerintah_desa", "setrawan", "setrawan_kecamatan", "bkad", "fasilitator_kecamatan", "lainnya"
        ]
    ] = _empty_list(description="Who facilitated: kpmd, lpmd, pemerintah_desa (the Kepala Desa or village government), "
                    "setrawan (unspecified), setrawan_kecamatan, bkad, fasilitator_kecamatan, lainnya.")
    alat_kaji: list[Literal["peta_sosial_desa", "kalender_musim", "bagan_kelembagaan", "lainnya"]] = _empty_list()
    agenda: list[
        Literal[
            "evaluasi_rkp_tahun_lalu",
            "pembahasan_rancangan_rkp",
            "tinjau_usulan_belum_terealisasi",
            "pembahasan_rancangan_rpjm",
            "lainnya",
        ]
    ] = _empty_list()
    peserta: list[Literal["pemerintah_desa", "bpd", "unsur_masyarakat"]] = _empty_list(
        description="Who took part (UU 6/2014 regime): pemerintah_desa, bpd, unsur_masyarakat (elements of the community)."
    )

    @field_validator("kode")
    @classmethod
    def _known_stage(cls, value: str, info: ValidationInfo) -> str:
        known = (info.context or {}).get("stages")
        if known is not None and value not in known:
            raise PydanticCustomError(
                "tahap_tidak_dikenal",
                "kode tahap '{kode}' tidak dikenal; pilihan: {pilihan}",
                {"kode": value, "pilihan": ", ".join(sorted(known))},
            )
        return value


class Penandatangan(_Strict):
    """A person listed on a Berita Acara, in one role, who signed or did not."""

    nama: Teks
    peran: Literal[
        "kepala_desa", "camat", "pimpinan_musyawarah", "wakil_masyarakat", "wakil_utusan_desa", "lainnya"
    ]
    tanda_tangan: YaTidak = Field(description="Benar-benar menandatangani (bukan hanya tercantum).")


class BeritaAcara(_Strict):
    """Berita Acara of a forum with its signatories."""

    id: Teks
    forum: Literal["musrenbangdes_rpjm", "musrenbangdes_rkp"]
    tanggal: Tanggal | None = None
    penandatangan: list[Penandatangan] = _empty_list()


class PeraturanDesa(_Strict):
    """A Peraturan Desa (Perdes)."""

    id: Teks
    nomor: Teks | None = None
    tanggal: Tanggal | None = None
    perihal: Literal["rpjm_desa", "rkp_desa", "tim_penyusun_rpjm_desa", "tim_penyusun_rkp_desa", "apb_desa", "lainnya"] = Field(
        description="Yang ditetapkan Perdes ini; rencana atau tim yang ditetapkan dengan dokumen yang keliru dicatat apa adanya (aturan EST menilainya)."
    )
    forum: Literal["rapat_bpd", "lainnya"] | None = Field(None, description="Forum yang mengesahkan Perdes.")


class KeputusanKepalaDesa(_Strict):
    """A Surat Keputusan (SK) Kepala Desa."""

    id: Teks
    nomor: Teks | None = None
    tanggal: Tanggal | None = None
    perihal: Literal["rpjm_desa", "rkp_desa", "tim_penyusun_rpjm_desa", "tim_penyusun_rkp_desa", "apb_desa", "lainnya"] = Field(
        description="Yang ditetapkan SK ini; rencana yang ditetapkan dengan dokumen yang keliru dicatat apa adanya (aturan EST menilainya)."
    )


class TimPenyusun(_Strict):
    """Tim Penyusun of a plan and the decision that formed it."""

    rencana: Literal["rpjm_desa", "rkp_desa"]
    dibentuk_dengan: Teks | None = Field(None, description="id dokumen (SK Kepala Desa) yang membentuk tim.")
    anggota: list[Teks] = _empty_list()


class RpjmDesa(_Strict):
    """The 5-year village plan."""

    tahun_awal: Tahun
    tahun_akhir: Tahun
    ditetapkan_dengan: Teks | None = Field(
        None, description="id dokumen yang menetapkan RPJM-Desa (seharusnya Perdes; SK Kepala Desa dicatat apa adanya)."
    )
    kegiatan: list[Teks] = _empty_list(
        description="Tabel rencana kegiatan RPJM-Desa (nama kegiatan), bila dicatat; RKP-Desa dipetik darinya."
    )


class Kegiatan(_Strict):
    """One activity of the RKP-Desa."""

    nama: Teks
    jumlah: int | None = Field(None, ge=0, le=JUMLAH_TERBESAR, description="Besar dana (Rupiah).")
    sumber_dana: Teks | None = Field(
        None, description="Sumber dana; daftar pilihan menurut paket aturan (PTI: blm_pnpm, apbd, add, swadaya, lainnya)."
    )
    bidang: Teks | None = Field(
        None,
        description="Bidang kegiatan (paket uu-desa): penyelenggaraan_pemerintahan, pelaksanaan_pembangunan, "
        "pembinaan_kemasyarakatan, pemberdayaan_masyarakat.",
    )


class RkpDesa(_Strict):
    """The yearly village work plan."""

    tahun: Tahun
    ditetapkan_dengan: Teks | None = Field(
        None, description="id dokumen yang menetapkan RKP-Desa (PTI: SK Kepala Desa; uu-desa: Perdes; yang lain dicatat apa adanya)."
    )
    kegiatan: list[Kegiatan] = _empty_list()
    memuat_evaluasi_tahun_lalu: YaTidak = Field(
        False, description="Dokumen RKP Desa memuat evaluasi pelaksanaan RKP Desa tahun sebelumnya (paket uu-desa)."
    )


SALURAN = ("blm_pnpm", "apbd", "add", "swadaya", "lainnya")
"""The funding channels of Musrenbangdes outcomes and RKP-Desa activities (PTI II.D.3.e)."""


class Usulan(_Strict):
    """A proposal coming out of the Musrenbangdes on the RKP-Desa, with its funding channel."""

    kegiatan: Teks
    saluran: Teks | None = Field(None, description="blm_pnpm, apbd, add, swadaya atau lainnya (MRD-03 menilai).")


class ApbDesa(_Strict):
    """The village budget of one year."""

    tahun: Tahun
    tanggal_penetapan: Tanggal | None = None
    ditetapkan_dengan: Teks | None = Field(
        None, description="id dokumen yang menetapkan APB Desa (seharusnya Perdes; SK Kepala Desa dicatat apa adanya)."
    )


class Lkpj(_Strict):
    """A Laporan Keterangan Pertanggungjawaban Kepala Desa."""

    tahun: Tahun = Field(description="Tahun yang dipertanggungjawabkan (LKPj tahun 2012, walau disampaikan awal 2013).")
    tanggal: Tanggal
    forum: Literal["rapat_bpd", "lainnya"]


class LaporanKepalaDesa(_Strict):
    """A yearly report of the Kepala Desa under UU 6/2014 Pasal 27: the LPPD (to the Bupati/Walikota
    through the Camat) or the LKPPD (in writing, to the BPD)."""

    jenis: Literal["lppd", "lkppd"]
    tahun: Tahun = Field(description="Tahun anggaran yang dilaporkan.")
    tanggal: Tanggal = Field(description="Tanggal laporan disampaikan.")
    kepada: Literal["bupati_walikota_melalui_camat", "bpd", "lainnya"]


class DesaDossier(_Strict):
    """Everything the checker needs to know about one village."""

    model_config = ConfigDict(title="Dossier desa cek-integrasi")

    jenis: Literal["desa"] = Field(description="Jenis dossier: 'desa'.")
    kode: str = Field(
        description="Kode wilayah Kemendagri PP.KK.CC.DDDD, bagian terakhir diawali 2 (desa).",
        json_schema_extra={"pattern": r"^(\d{2}\.\d{2}\.\d{2}\.2\d{3}|\d{6}2\d{3})$"},
    )
    nama: Teks
    kecamatan: Teks
    kabupaten: Teks
    peserta_pnpm: YaTidak | None = Field(
        None, description="Desa peserta PNPM Mandiri Perdesaan (wajib untuk paket pti: pack.yaml `dossier`)."
    )
    tahun_rencana: Tahun = Field(description="Tahun anggaran yang direncanakan (tahun RKP-Desa).")
    tahun_mulai_integrasi: Tahun | None = None
    kantor: Kantor | None = Field(None, description="Kantor desa (wajib untuk paket pti: pack.yaml `dossier`).")
    kepala_desa_pelantikan: Tanggal | None = Field(
        None, description="Tanggal pelantikan Kepala Desa yang menjabat (paket uu-desa: RPJM Desa dalam 3 bulan sesudahnya)."
    )
    aparatur: list[Aparat] = _empty_list()
    bpd: Bpd
    tahapan: list[Tahap] = _empty_list()
    berita_acara: list[BeritaAcara] = _empty_list()
    peraturan_desa: list[PeraturanDesa] = _empty_list()
    keputusan_kepala_desa: list[KeputusanKepalaDesa] = _empty_list()
    tim_penyusun: list[TimPenyusun] = _empty_list()
    rpjm_desa: RpjmDesa | None = None
    rkp_desa: RkpDesa | None = None
    usulan_musrenbangdes: list[Usulan] = _empty_list()
    apb_desa: list[ApbDesa] = _empty_list()
    lkpj: list[Lkpj] = _empty_list()
    laporan_kepala_desa: list[LaporanKepalaDesa] = _empty_list(
        description="LPPD dan LKPPD Kepala Desa (paket uu-desa; UU 6/2014 Pasal 27)."
    )

    @field_validator("kode", mode="before")
    @classmethod
    def _kode_desa(cls, value: object) -> object:
        return kode_desa_before(value)

    @model_validator(mode="after")
    def _references_resolve(self) -> "DesaDossier":
        _check_unique_ids(self, ("berita_acara", "peraturan_desa", "keputusan_kepala_desa"))
        instruments = {p.id for p in self.peraturan_desa} | {k.id for k in self.keputusan_kepala_desa}
        refs = [("rpjm_desa.ditetapkan_dengan", self.rpjm_desa and self.rpjm_desa.ditetapkan_dengan)]
        refs.append(("rkp_desa.ditetapkan_dengan", self.rkp_desa and self.rkp_desa.ditetapkan_dengan))
        refs += [(f"tim_penyusun[{i}].dibentuk_dengan", t.dibentuk_dengan) for i, t in enumerate(self.tim_penyusun)]
        refs += [(f"apb_desa[{i}].ditetapkan_dengan", a.ditetapkan_dengan) for i, a in enumerate(self.apb_desa)]
        for where, ref in refs:
            if ref and ref not in instruments:
                raise PydanticCustomError(
                    "rujukan_tidak_ada",
                    "Perdes atau SK Kepala Desa dengan id '{ref}' tidak ada di dossier",
                    {"lokasi": where, "ref": ref},
                )
        if self.rpjm_desa and self.rpjm_desa.tahun_akhir < self.rpjm_desa.tahun_awal:
            raise PydanticCustomError(
                "periode_terbalik", "tahun_akhir lebih awal dari tahun_awal", {"lokasi": "rpjm_desa.tahun_akhir"}
            )
        return self


def kode_desa_before(value: object) -> object:
    """A desa code as written (text, or the number a spreadsheet or unquoted YAML makes of 10 digits), checked."""
    if isinstance(value, int) and not isinstance(value, bool):
        value = str(value)
    return check_kode_desa(value) if isinstance(value, str) else value  # other types: the str check names them


def kode_kecamatan_of(kode: str) -> str:
    """The kecamatan code (PP.KK.CC) of a desa code, or of a kecamatan's own."""
    return kode if kode.count(".") == 2 else kode.rsplit(".", 1)[0]


def check_kode_desa(value: str) -> str:
    """A Kemendagri desa code PP.KK.CC.2DDD (a kelurahan, 1DDD, is out of scope), normalised.

    Ten digits without dots (7302052004, as spreadsheets and some registers keep it) are accepted
    and become 73.02.05.2004.
    """
    value = value.strip()
    if KODE_DIGITS.match(value):
        value = f"{value[:2]}.{value[2:4]}.{value[4:6]}.{value[6:]}"
    if not KODE_DESA.match(value):
        raise PydanticCustomError(
            "kode_wilayah", "kode wilayah '{kode}' harus berbentuk PP.KK.CC.DDDD, mis. 73.02.05.2004", {"kode": value}
        )
    if value[9] != "2":
        raise PydanticCustomError(
            "kode_bukan_desa",
            "kode '{kode}' bukan kode desa: bagian terakhir harus diawali 2 (1 = kelurahan, di luar cakupan)",
            {"kode": value},
        )
    return value


def _check_unique_ids(dossier: BaseModel, sections: tuple[str, ...]) -> None:
    seen: dict[str, str] = {}
    for section in sections:
        for i, doc in enumerate(getattr(dossier, section)):
            if doc.id in seen:
                raise PydanticCustomError(
                    "id_ganda",
                    "id dokumen '{id}' sudah dipakai di {first}",
                    {"id": doc.id, "first": seen[doc.id], "lokasi": f"{section}[{i}].id"},
                )
            seen[doc.id] = f"{section}[{i}]"


class BeritaAcaraKecamatan(BeritaAcara):
    """Berita Acara of the Musrenbang Kecamatan."""

    forum: Literal["musrenbang_kecamatan"]


class PejabatKecamatan(_Strict):
    """Officials of the kecamatan on record."""

    camat: Teks | None = None
    sekretaris_camat: Teks | None = None
    kasie_pmd: Teks | None = Field(None, description="Kepala Seksi PMD (= PJOK PNPM-MPd).")


class AnggotaTimPelaksana(_Strict):
    """A member of the Tim Pelaksana Musrenbang Kecamatan (MRK B.1)."""

    nama: Teks
    peran: Literal["pengarah", "ketua", "sekretaris", "anggota"]
    unsur: Literal[
        "camat",
        "sekretaris_camat",
        "kasie_pmd",
        "setrawan_kecamatan",
        "fasilitator_kecamatan",
        "setrawan_kabupaten",
        "fasilitator_kabupaten",
        "lainnya",
    ]


class Delegasi(_Strict):
    """A member of the kecamatan delegation to the Musrenbang Kabupaten (MRK B.3.6)."""

    nama: Teks
    unsur: Literal["camat", "bkad", "setrawan_kecamatan", "tokoh_masyarakat", "lainnya"]


class KeluaranMusrenbang(_Strict):
    """Outputs of the Musrenbang Kecamatan (MRK A.3); its Berita Acara is recorded under berita_acara."""

    rkp_kecamatan: YaTidak = False
    prioritas_pnpm: YaTidak = Field(False, description="Rangking/prioritas kegiatan yang didanai PNPM-MPd.")
    durkp_kecamatan: YaTidak = False
    daftar_delegasi: YaTidak = False


class SuratPenetapanCamat(_Strict):
    """The Camat's letter establishing the Musrenbang Kecamatan results (PTI II.D.4.e)."""

    nomor: Teks | None = None
    tanggal: Tanggal | None = None


class RkpKecamatan(_Strict):
    """The RKP Kecamatan after the forum (MRK C.1)."""

    difinalisasi: YaTidak = False
    disahkan_camat: YaTidak = False
    tanggal_pengesahan: Tanggal | None = None


class Pengiriman(_Strict):
    """Deliveries after the forum (MRK C.2-4)."""

    rkp_ke_bappeda: Tanggal | None = Field(None, description="Tanggal RKP Kecamatan dikirim ke Bappeda.")
    usulan_ke_skpd: Tanggal | None = Field(None, description="Tanggal dokumen usulan dikirim ke setiap SKPD.")


class DesaKecamatan(_Strict):
    """A village of the kecamatan."""

    kode: str
    nama: Teks

    @field_validator("kode", mode="before")
    @classmethod
    def _kode(cls, value: object) -> object:
        return kode_desa_before(value)


class KecamatanDossier(_Strict):
    """The Musrenbang Kecamatan of one kecamatan and the villages it gathers."""

    model_config = ConfigDict(title="Dossier kecamatan cek-integrasi")

    jenis: Literal["kecamatan"] = Field(description="Jenis dossier: 'kecamatan'.")
    kode: str = Field(
        description="Kode wilayah Kemendagri kecamatan PP.KK.CC.",
        json_schema_extra={"pattern": r"^\d{2}\.\d{2}\.\d{2}$"},
    )
    nama: Teks
    kabupaten: Teks
    tahun_rencana: Tahun = Field(description="Tahun anggaran yang direncanakan.")
    lokasi_pnpm: YaTidak = Field(
        True, description="Kecamatan lokasi PNPM-MPd (ada desa peserta): MAD Prioritas dan MAD Pendanaan masuk prosesnya."
    )
    pejabat: PejabatKecamatan = PejabatKecamatan()
    desa: list[DesaKecamatan] = _empty_list(description="Desa di kecamatan ini.")
    tahapan: list[Tahap] = _empty_list()
    tim_pelaksana: list[AnggotaTimPelaksana] = _empty_list()
    delegasi: list[Delegasi] = _empty_list()
    keluaran: KeluaranMusrenbang = KeluaranMusrenbang()
    berita_acara: list[BeritaAcaraKecamatan] = _empty_list()
    surat_penetapan_camat: SuratPenetapanCamat | None = None
    rkp_kecamatan: RkpKecamatan | None = None
    pengiriman: Pengiriman = Pengiriman()
    anggota_dprd_hadir: list[Teks] = _empty_list(description="Anggota DPRD yang hadir (PTI V.A.3).")

    @field_validator("kode")
    @classmethod
    def _kode_kecamatan(cls, value: str) -> str:
        if not KODE_KECAMATAN.match(value):
            raise PydanticCustomError(
                "kode_kecamatan", "kode kecamatan '{kode}' harus berbentuk PP.KK.CC, mis. 73.02.05", {"kode": value}
            )
        return value

    @model_validator(mode="after")
    def _villages_belong(self) -> "KecamatanDossier":
        _check_unique_ids(self, ("berita_acara",))
        seen: set[str] = set()
        for i, desa in enumerate(self.desa):
            where = f"desa[{i}].kode"
            if not desa.kode.startswith(self.kode + "."):
                raise PydanticCustomError(
                    "desa_lain_kecamatan",
                    "kode {kode} bukan desa di kecamatan {kecamatan}",
                    {"kode": desa.kode, "kecamatan": self.kode, "lokasi": where},
                )
            if desa.kode in seen:
                raise PydanticCustomError("desa_ganda", "kode {kode} tercantum dua kali", {"kode": desa.kode, "lokasi": where})
            seen.add(desa.kode)
        return self


Dossier = DesaDossier | KecamatanDossier


def build_validators() -> None:
    """Build the dossier models' validators now, not at the first dossier validated: what a worker does as it starts
    (a process that neither validates a dossier nor starts a worker never builds them)."""
    for model in (DesaDossier, KecamatanDossier):
        model.model_rebuild()
