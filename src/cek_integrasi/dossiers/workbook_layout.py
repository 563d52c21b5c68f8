"""The layout of a dossier workbook, declared once: which sheet holds which part of the dossier,
its Indonesian headers, the type of every column and the choices of its drop-down lists (the labels
of the model's choices). workbook_writing.py writes it, workbook_reading.py reads it back.
"""

from __future__ import annotations

import typing
from dataclasses import dataclass
from typing import Literal

from .. import i18n
from . import model

LIST_SEPARATOR = ";"
LISTS = "Pilihan"  # the hidden sheet holding the drop-down lists



@dataclass(frozen=True)
class Column:
    """One column of a table sheet (or one row of a record sheet)."""

    header: str
    field: str  # path inside the item (table) or the dossier (record): "nama", "kantor.ada"
    kind: Literal["text", "int", "money", "date", "bool", "list", "choice", "choices"] = "text"
    choices: tuple[str, ...] = ()  # codes; the workbook shows their labels
    later: bool = False  # added after the first templates (UU 6/2014 fields): a workbook without it reads it as empty
    ask: str = ""  # catalogue key of what the workbook asks for explicitly here: a fact often left out that a rule reads


@dataclass(frozen=True)
class Sheet:
    """A sheet: a record (one value per row) or a table (one item per row) of the list at `target`."""

    name: str
    columns: tuple[Column, ...]
    target: str = ""  # the list a table fills ("aparatur"); "" for the record sheet
    parent: tuple[str, str] | None = None  # (list of parents, column holding the parent's id)
    note: str = ""
    scalar: bool = False  # the list holds plain texts (one column), not records
    later: bool = False  # added after the first templates: a workbook without this sheet reads it as empty


    @property
    def is_table(self) -> bool:
        return bool(self.target)


def _choices(owner: type, name: str) -> tuple[str, ...]:
    """The choices a model field allows (its Literal values), so the lists never drift from the model."""
    annotation = owner.model_fields[name].annotation
    for candidate in [annotation, *typing.get_args(annotation)]:
        if typing.get_origin(candidate) is list:
            candidate = typing.get_args(candidate)[0]
        if typing.get_origin(candidate) is Literal:
            return tuple(typing.get_args(candidate))
    raise TypeError(f"{owner.__name__}.{name} has no choices")


YES_NO = ("ya", "tidak")
M = model
# Funding sources and fields offered in the drop-down lists: the PTI's channels and those of the
# uu-desa pack (rules/uu-desa/est.yaml, EST-06); each pack's rule judges the value written.
SUMBER_DANA = tuple(dict.fromkeys(M.SALURAN + (
    "dana_desa", "add", "pades", "bagi_hasil_pajak_retribusi", "bantuan_keuangan", "hibah", "swadaya", "apbd", "lainnya",
)))
BIDANG = ("penyelenggaraan_pemerintahan", "pelaksanaan_pembangunan", "pembinaan_kemasyarakatan", "pemberdayaan_masyarakat")


# The PTI sets the RKP-Desa by an SK Kepala Desa, UU 6/2014 by a Perdes: one row for either, each pack's rule judges it.
RKP_INSTRUMENT = "RKP-Desa ditetapkan dengan (id SK atau Perdes)"


def _berita_acara_sheets(ba_model: type) -> tuple[Sheet, Sheet]:
    """The Berita Acara and their signatories (each signatory row names its Berita Acara's id)."""
    return (
        Sheet("Berita Acara", (
            Column("Id", "id"), Column("Forum", "forum", "choice", _choices(ba_model, "forum")), Column("Tanggal", "tanggal", "date"),
        ), target="berita_acara"),
        Sheet("Penandatangan", (
            Column("Id Berita Acara", "berita_acara"), Column("Nama", "nama"),
            Column("Peran", "peran", "choice", _choices(M.Penandatangan, "peran")), Column("Tanda tangan", "tanda_tangan", "bool"),
        ), target="penandatangan", parent=("berita_acara", "berita_acara")),
    )


def desa_sheets(stages: tuple[str, ...]) -> tuple[Sheet, ...]:
    return (
        Sheet("Desa", (
            Column("Kode desa (PP.KK.CC.DDDD)", "kode"), Column("Nama desa", "nama"), Column("Kecamatan", "kecamatan"),
            Column("Kabupaten", "kabupaten"), Column("Peserta PNPM-MPd", "peserta_pnpm", "bool"),
            Column("Tahun rencana", "tahun_rencana", "int"), Column("Tahun mulai integrasi", "tahun_mulai_integrasi", "int"),
            Column("Kantor desa ada", "kantor.ada", "bool"), Column("Kantor desa layak", "kantor.layak", "bool"),
            Column("BPD terbentuk", "bpd.terbentuk", "bool"), Column("Ketua BPD", "bpd.ketua"),
            Column("RPJM-Desa tahun awal", "rpjm_desa.tahun_awal", "int"), Column("RPJM-Desa tahun akhir", "rpjm_desa.tahun_akhir", "int"),
            Column("RPJM-Desa ditetapkan dengan (id Perdes)", "rpjm_desa.ditetapkan_dengan"),
            Column("RKP-Desa tahun", "rkp_desa.tahun", "int"),
            Column(RKP_INSTRUMENT, "rkp_desa.ditetapkan_dengan"),
            Column("RKP Desa memuat evaluasi tahun lalu (UU 6/2014)", "rkp_desa.memuat_evaluasi_tahun_lalu", "bool", later=True),
            Column("Tanggal pelantikan Kepala Desa (UU 6/2014)", "kepala_desa_pelantikan", "date", later=True),
        ), note="Satu nilai per baris, di kolom B."),
        Sheet("Aparatur", (
            Column("Jabatan", "jabatan"), Column("Nama", "nama"), Column("Status", "status", "choice", _choices(M.Aparat, "status")),
        ), target="aparatur", note="Satu jabatan per baris; 'Kaur ...' untuk setiap Kepala Urusan."),
        Sheet("Tahapan", (
            Column("Tahap", "kode", "choice", stages), Column("Tanggal", "tanggal", "date"),
            Column("Fasilitator", "fasilitator", "choices", _choices(M.Tahap, "fasilitator")),
            Column("Alat kaji", "alat_kaji", "choices", _choices(M.Tahap, "alat_kaji")),
            Column("Agenda", "agenda", "choices", _choices(M.Tahap, "agenda")),
            Column("Peserta", "peserta", "choices", _choices(M.Tahap, "peserta"), later=True, ask="workbook.ask_peserta"),
        ), target="tahapan", note="Tahap yang sudah dilaksanakan; beberapa pilihan dipisah ';'."),
        *_berita_acara_sheets(M.BeritaAcara),
        Sheet("Perdes", (
            Column("Id", "id"), Column("Nomor", "nomor"), Column("Tanggal", "tanggal", "date"),
            Column("Perihal", "perihal", "choice", _choices(M.PeraturanDesa, "perihal")),
            Column("Forum", "forum", "choice", _choices(M.PeraturanDesa, "forum"), ask="workbook.ask_forum_perdes"),
        ), target="peraturan_desa"),
        Sheet("SK Kepala Desa", (
            Column("Id", "id"), Column("Nomor", "nomor"), Column("Tanggal", "tanggal", "date"),
            Column("Perihal", "perihal", "choice", _choices(M.KeputusanKepalaDesa, "perihal")),
        ), target="keputusan_kepala_desa"),
        Sheet("Tim Penyusun", (
            Column("Rencana", "rencana", "choice", _choices(M.TimPenyusun, "rencana")),
            Column("Dibentuk dengan (id SK)", "dibentuk_dengan"), Column("Anggota", "anggota", "list"),
        ), target="tim_penyusun"),
        Sheet("Kegiatan RPJM", (Column("Kegiatan RPJM-Desa", "nama"),), target="rpjm_desa.kegiatan", scalar=True,
              note="Tabel rencana kegiatan RPJM-Desa, satu kegiatan per baris (bila dicatat)."),
        Sheet("Kegiatan RKP", (
            Column("Kegiatan", "nama"), Column("Jumlah (Rp)", "jumlah", "money"), Column("Sumber dana", "sumber_dana", "choice", SUMBER_DANA),
            Column("Bidang (UU 6/2014)", "bidang", "choice", BIDANG, later=True),
        ), target="rkp_desa.kegiatan"),
        Sheet("Usulan", (
            Column("Kegiatan", "kegiatan"), Column("Saluran dana", "saluran", "choice", M.SALURAN),
        ), target="usulan_musrenbangdes", note="Hasil Musrenbangdes RKP-Desa."),
        Sheet("APB Desa", (
            Column("Tahun", "tahun", "int"), Column("Tanggal penetapan", "tanggal_penetapan", "date"), Column("Ditetapkan dengan (id Perdes)", "ditetapkan_dengan"),
        ), target="apb_desa"),
        Sheet("LKPj", (
            Column("Tahun", "tahun", "int"), Column("Tanggal", "tanggal", "date"), Column("Forum", "forum", "choice", _choices(M.Lkpj, "forum")),
        ), target="lkpj"),
        Sheet("Laporan Kepala Desa", (
            Column("Jenis", "jenis", "choice", _choices(M.LaporanKepalaDesa, "jenis")), Column("Tahun anggaran", "tahun", "int"),
            Column("Tanggal disampaikan", "tanggal", "date"),
            Column("Kepada", "kepada", "choice", _choices(M.LaporanKepalaDesa, "kepada")),
        ), target="laporan_kepala_desa", note="UU 6/2014: LPPD (kepada Bupati/Walikota melalui Camat) dan LKPPD (kepada BPD).",
            later=True),
    )


def kecamatan_sheets(stages: tuple[str, ...]) -> tuple[Sheet, ...]:
    return (
        Sheet("Kecamatan", (
            Column("Kode kecamatan (PP.KK.CC)", "kode"), Column("Nama kecamatan", "nama"), Column("Kabupaten", "kabupaten"),
            Column("Tahun rencana", "tahun_rencana", "int"), Column("Lokasi PNPM-MPd", "lokasi_pnpm", "bool"),
            Column("Camat", "pejabat.camat"),
            Column("Sekretaris Camat", "pejabat.sekretaris_camat"), Column("Kasie PMD", "pejabat.kasie_pmd"),
            Column("Keluaran: RKP Kecamatan", "keluaran.rkp_kecamatan", "bool"), Column("Keluaran: prioritas PNPM", "keluaran.prioritas_pnpm", "bool"),
            Column("Keluaran: DURKP Kecamatan", "keluaran.durkp_kecamatan", "bool"), Column("Keluaran: daftar delegasi", "keluaran.daftar_delegasi", "bool"),
            Column("SPC nomor", "surat_penetapan_camat.nomor"), Column("SPC tanggal", "surat_penetapan_camat.tanggal", "date"),
            Column("RKP Kecamatan difinalisasi", "rkp_kecamatan.difinalisasi", "bool"), Column("RKP Kecamatan disahkan Camat", "rkp_kecamatan.disahkan_camat", "bool"),
            Column("RKP Kecamatan tanggal pengesahan", "rkp_kecamatan.tanggal_pengesahan", "date"),
            Column("RKP Kecamatan dikirim ke Bappeda", "pengiriman.rkp_ke_bappeda", "date"), Column("Usulan dikirim ke SKPD", "pengiriman.usulan_ke_skpd", "date"),
        ), note="Satu nilai per baris, di kolom B."),
        Sheet("Desa", (Column("Kode desa", "kode"), Column("Nama desa", "nama")), target="desa"),
        Sheet("Tahapan", (
            Column("Tahap", "kode", "choice", stages), Column("Tanggal", "tanggal", "date"),
            Column("Fasilitator", "fasilitator", "choices", _choices(M.Tahap, "fasilitator")),
        ), target="tahapan", note="Tahap yang sudah dilaksanakan; beberapa pilihan dipisah ';'."),
        Sheet("Tim Pelaksana", (
            Column("Nama", "nama"), Column("Peran", "peran", "choice", _choices(M.AnggotaTimPelaksana, "peran")),
            Column("Unsur", "unsur", "choice", _choices(M.AnggotaTimPelaksana, "unsur")),
        ), target="tim_pelaksana"),
        Sheet("Delegasi", (Column("Nama", "nama"), Column("Unsur", "unsur", "choice", _choices(M.Delegasi, "unsur"))), target="delegasi"),
        *_berita_acara_sheets(M.BeritaAcaraKecamatan),
        Sheet("DPRD", (Column("Anggota DPRD yang hadir", "nama"),), target="anggota_dprd_hadir", scalar=True),
    )


def sheets_for(kind: str, stages: tuple[str, ...]) -> tuple[Sheet, ...]:
    return desa_sheets(stages) if kind == "desa" else kecamatan_sheets(stages)


def asked(kind: str, lang: str = i18n.DEFAULT) -> list[str]:
    """What a workbook of this kind asks for explicitly, one line per column: 'Sheet Perdes, kolom Forum: ...'."""
    return [
        i18n.text("workbook.ask_line", lang, sheet=sheet.name, column=column.header, ask=i18n.text(column.ask, lang))
        for sheet in sheets_for(kind, ()) for column in sheet.columns if column.ask
    ]


DATES = "Tanggal: tulis sebagai tanggal, hari dulu: 12/02/2013, 12-02-2013, 12 Februari 2013, 12 Feb 2013 atau 2013-02-12."
INSTRUCTIONS = {
    "desa": [
        "Berkas Desa cek-integrasi",
        "Isi setiap sheet: satu nilai per baris di sheet Desa (kolom B); satu baris per item di sheet lainnya.",
        "Sel berwarna kuning punya daftar pilihan: pilih dari daftar (Excel memperingatkan bila isinya bukan pilihan).",
        DATES,
        "Ya/tidak: pilih 'ya' atau 'tidak'. Beberapa pilihan dalam satu sel dipisah dengan ';'.",
        "Jumlah uang ditulis sebagai angka (mis. 120000000); tampil sebagai Rp 120.000.000.",
        "Penandatangan: tulis id Berita Acara yang ditandatanganinya di kolom pertama.",
        "Periksa dengan: cek-integrasi check FILE.xlsx   (lihat docs/dossier.md untuk arti setiap kolom)",
    ],
    "kecamatan": [
        "Berkas Kecamatan cek-integrasi",
        "Isi setiap sheet: satu nilai per baris di sheet Kecamatan (kolom B); satu baris per item di sheet lainnya.",
        "Sel berwarna kuning punya daftar pilihan: pilih dari daftar (Excel memperingatkan bila isinya bukan pilihan).",
        DATES,
        "Periksa bersama berkas desanya: cek-integrasi check FOLDER   (lihat docs/dossier.md)",
    ],
}
OLD_HEADERS = {"Kode tahap": "Tahap", "RKP-Desa ditetapkan dengan (id SK)": RKP_INSTRUMENT}  # headers and rows of earlier templates, still read
GUIDE = "Petunjuk"
KIND_CELL = "jenis"


def label_of(code: str, stage_labels: dict[str, dict[str, str]]) -> str:
    """What the workbook shows for a code: its label (a stage's from the pack, else the catalogue's)."""
    if code in stage_labels:
        return stage_labels[code][i18n.DEFAULT]
    return i18n.label(code)


def codes_by_label(column: Column, stage_labels: dict[str, dict[str, str]]) -> dict[str, str]:
    """Every way a choice may be written (code, Indonesian or English label, any case) -> its code."""
    codes: dict[str, str] = {}
    for code in column.choices:
        names = [code, *(stage_labels[code].values() if code in stage_labels else (i18n.label(code, lang) for lang in i18n.LANGUAGES))]
        for name in names:
            codes.setdefault(name.strip().casefold(), code)
    return codes

