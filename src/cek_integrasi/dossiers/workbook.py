"""Dossiers as spreadsheet workbooks: an empty template to fill, and a filled one read as a dossier.

The layout is declared once (SHEETS): which sheet holds which part of the dossier, its Indonesian
headers, and the type of every column. The same declaration writes the template (drop-down lists of
the labels of the model's choices, kept on a hidden sheet, with Excel's own message for a value not
in the list; date-formatted cells), reads a filled workbook into the same plain data a YAML file
gives (so the same model, schema and rules apply; a label or a code is read as the code, a date
typed as text is read day first), remembers the sheet, row and column of every value for messages,
and writes a dossier back as a workbook (`convert`).
"""

from __future__ import annotations

import datetime as dt
import io
import re
import typing
import warnings
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal

from openpyxl import Workbook, load_workbook
from openpyxl.cell.cell import ERROR_CODES
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.worksheet.datavalidation import DataValidation

from .. import i18n
from . import model
from ..errors import InputError
from ..escaping import cell_stripped
from ..outputs import FORMULA_STARTS
from .reading import MAX_ITEMS, MAX_TEXT, Document, Place, check_limits, join
from ..xlsx_layout import lay_out

LIST_SEPARATOR = ";"
HEADER_FILL = PatternFill("solid", fgColor="DDEBF7")
LIST_FILL = PatternFill("solid", fgColor="FFF2CC")  # cells with a drop-down list
LISTS = "Pilihan"  # the hidden sheet holding the drop-down lists
DATE_FORMAT = "dd/mm/yyyy"
MONEY_FORMAT = '"Rp "#,##0'
BOLD = Font(name="Calibri", bold=True)  # named: unnamed bold prints in a serif face in LibreOffice
MAX_ROWS = 200  # rows of a table sheet that get drop-down lists in the template
MAX_INFLATED = 50 * 1024 * 1024  # bytes of a workbook's archive once inflated (a real dossier: under 2 MB)
MAX_ENTRIES = 200  # files in a workbook's archive (a dossier template has about 40)
MAX_SHEETS = 50  # sheet names listed in a message


@dataclass(frozen=True)
class Column:
    """One column of a table sheet (or one row of a record sheet)."""

    header: str
    field: str  # path inside the item (table) or the dossier (record): "nama", "kantor.ada"
    kind: Literal["text", "int", "money", "date", "bool", "list", "choice", "choices"] = "text"
    choices: tuple[str, ...] = ()  # codes; the workbook shows their labels
    later: bool = False  # added after the first templates (UU 6/2014 fields): a workbook without it reads it as empty


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
            Column("RKP-Desa ditetapkan dengan (id SK)", "rkp_desa.ditetapkan_dengan"),
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
            Column("Peserta", "peserta", "choices", _choices(M.Tahap, "peserta"), later=True),
        ), target="tahapan", note="Tahap yang sudah dilaksanakan; beberapa pilihan dipisah ';'."),
        *_berita_acara_sheets(M.BeritaAcara),
        Sheet("Perdes", (
            Column("Id", "id"), Column("Nomor", "nomor"), Column("Tanggal", "tanggal", "date"),
            Column("Perihal", "perihal", "choice", _choices(M.PeraturanDesa, "perihal")),
            Column("Forum", "forum", "choice", _choices(M.PeraturanDesa, "forum")),
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
OLD_HEADERS = {"Kode tahap": "Tahap"}  # headers of earlier templates, still read
GUIDE = "Petunjuk"
KIND_CELL = "jenis"
_MONTHS = {  # month names and abbreviations, Indonesian and English, as people type them
    **{name: i for i, name in enumerate(
        ("januari", "februari", "maret", "april", "mei", "juni", "juli", "agustus", "september", "oktober", "november", "desember"), 1)},
    **{name: i for i, name in enumerate(
        ("january", "february", "march", "april", "may", "june", "july", "august", "september", "october", "november", "december"), 1)},
    **{name: i for i, name in enumerate(
        ("jan", "feb", "mar", "apr", "mei", "jun", "jul", "agu", "sep", "okt", "nov", "des"), 1)},
    "agt": 8, "ags": 8, "aug": 8, "oct": 10, "dec": 12, "may": 5, "sept": 9, "nop": 11, "pebruari": 2, "peb": 2,
}
_NUMERIC_DATE = re.compile(r"^(\d{1,2})\s*([/.-])\s*(\d{1,2})\s*\2\s*(\d{2,4})$")
_WORDED_DATE = re.compile(r"^(\d{1,2})\s+([A-Za-z]+)\.?\s+(\d{2,4})$")
_ISO_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")


def _label(code: str, stage_labels: dict[str, dict[str, str]]) -> str:
    """What the workbook shows for a code: its label (a stage's from the pack, else the catalogue's)."""
    if code in stage_labels:
        return stage_labels[code][i18n.DEFAULT]
    return i18n.label(code)


def _codes_by_label(column: Column, stage_labels: dict[str, dict[str, str]]) -> dict[str, str]:
    """Every way a choice may be written (code, Indonesian or English label, any case) -> its code."""
    codes: dict[str, str] = {}
    for code in column.choices:
        names = [code, *(stage_labels[code].values() if code in stage_labels else (i18n.label(code, lang) for lang in i18n.LANGUAGES))]
        for name in names:
            codes.setdefault(name.strip().casefold(), code)
    return codes


# ---------------------------------------------------------------- writing


def write_workbook(
    kind: str, stages: dict[str, dict[str, str]], data: dict | None = None, omit: tuple[str, ...] = ()
) -> bytes:
    """The workbook of a dossier kind: empty (a template) or holding `data` (plain dossier data).

    `stages` are the pack's stage codes of this kind with their labels ({"pkd": {"id": ..., "en": ...}});
    `omit` the record rows a template of the pack leaves out (pack.yaml `template_omits`; a row that
    `data` fills is always written).
    """
    book = Workbook()
    guide = book.active
    guide.title = GUIDE
    for line in INSTRUCTIONS[kind]:
        guide.append([line])
    guide["A1"].font = Font(name="Calibri", bold=True, size=14)
    guide.append([])
    for sheet in sheets_for(kind, tuple(stages)):
        if sheet.note:
            guide.append([f"{sheet.name}: {sheet.note}"])
    guide.append([])
    guide.append([KIND_CELL, kind])
    lay_out(guide, header_row=None)  # the long instructions wrap
    lists = _Lists(book, stages)
    for sheet in sheets_for(kind, tuple(stages)):
        ws = book.create_sheet(sheet.name)
        if sheet.is_table:
            _write_table(ws, sheet, data, lists)
            lay_out(ws, filter_rows=max(MAX_ROWS, ws.max_row - 1))
        else:
            _write_record(ws, sheet, data, lists, omit)
            lay_out(ws)
    lay_out(lists.sheet, header_row=None)  # hidden, but printed like the others if shown
    book.move_sheet(LISTS, offset=len(book.sheetnames))
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


class _Lists:
    """The hidden sheet of drop-down lists (a list written in the rule itself may hold 255 characters only)."""

    def __init__(self, book, stages: dict[str, dict[str, str]]):
        self.sheet = book.create_sheet(LISTS)
        self.sheet.sheet_state = "hidden"
        self.stages = stages
        self.ranges: dict[tuple[str, ...], str] = {}

    def labels(self, column: Column) -> list[str]:
        if column.kind == "bool":
            return list(YES_NO)
        return [_label(code, self.stages) for code in column.choices]

    def formula(self, column: Column) -> str:
        labels = tuple(self.labels(column))
        if labels not in self.ranges:
            col = len(self.ranges) + 1
            for row, text in enumerate(labels, start=1):
                self.sheet.cell(row=row, column=col, value=text)
            letter = self.sheet.cell(row=1, column=col).column_letter
            self.ranges[labels] = f"{LISTS}!${letter}$1:${letter}${len(labels)}"
        return self.ranges[labels]


def _write_record(ws, sheet: Sheet, data: dict | None, lists: _Lists, omit: tuple[str, ...]) -> None:
    ws.append(["Kolom", "Nilai"])
    for cell in ws[1]:
        cell.font, cell.fill = BOLD, HEADER_FILL
    columns = [c for c in sheet.columns if c.field not in omit or _get(data or {}, c.field) is not None]
    for row, column in enumerate(columns, start=2):
        ws.cell(row=row, column=1, value=column.header).font = BOLD
        cell = ws.cell(row=row, column=2, value=_to_cell(_get(data or {}, column.field), column, lists.stages))
        _as_text(cell)
        _format(ws, cell.coordinate, column, lists)
    ws.column_dimensions["A"].width = 42
    ws.column_dimensions["B"].width = 40


def _write_table(ws, sheet: Sheet, data: dict | None, lists: _Lists) -> None:
    ws.append([c.header for c in sheet.columns])
    for cell in ws[1]:
        cell.font, cell.fill = BOLD, HEADER_FILL
        cell.alignment = Alignment(wrap_text=True)
    ws.freeze_panes = "A2"
    for item in _items(data or {}, sheet):
        ws.append([_to_cell(item.get(c.field), c, lists.stages) for c in sheet.columns])
        for cell in ws[ws.max_row]:
            _as_text(cell)
    for index, column in enumerate(sheet.columns, start=1):
        letter = ws.cell(row=1, column=index).column_letter
        wide = column.kind in ("choice", "choices") and any(len(label) > 20 for label in lists.labels(column))
        ws.column_dimensions[letter].width = 40 if wide else max(14, min(40, len(column.header) + 4))
        _format(ws, f"{letter}2:{letter}{MAX_ROWS + 1}", column, lists)


def _format(ws, cells: str, column: Column, lists: _Lists) -> None:
    """Drop-down lists (marked yellow) for choices and yes/no, a prompt for several choices, formats for dates and money."""
    validation = None
    if column.kind in ("bool", "choice"):
        validation = DataValidation(
            type="list", formula1=lists.formula(column), allow_blank=True,
            showErrorMessage=True, errorStyle="warning", errorTitle="Bukan pilihan",
            error=f"Pilih salah satu isi daftar untuk kolom {column.header}.",
        )
    elif column.kind == "choices":
        listed = "; ".join(lists.labels(column))
        validation = DataValidation(
            allow_blank=True, showInputMessage=True, promptTitle=column.header[:32],
            prompt=f"Satu atau lebih, dipisah ';': {listed}"[:255],
        )
    if validation is not None:
        ws.add_data_validation(validation)
        validation.add(cells)
    for row in ws[cells] if ":" in cells else [[ws[cells]]]:
        for cell in row:
            if column.kind in ("bool", "choice", "choices"):
                cell.fill = LIST_FILL
            elif column.kind == "date":
                cell.number_format = DATE_FORMAT
            elif column.kind == "money":
                cell.number_format = MONEY_FORMAT


def _items(data: dict, sheet: Sheet) -> list[dict]:
    if sheet.parent:
        parents, key = sheet.parent
        return [{**child, key: parent.get("id")} for parent in data.get(parents, []) for child in parent.get(sheet.target, [])]
    items = _get(data, sheet.target) or []
    return [{"nama": item} if isinstance(item, str) else item for item in items]


def _as_text(cell) -> None:
    """A text a spreadsheet would run as a formula (a name starting with =) stays text."""
    if isinstance(cell.value, str) and cell.value.startswith(FORMULA_STARTS):
        cell.data_type = "s"


def _to_cell(value: Any, column: Column, stage_labels: dict[str, dict[str, str]]) -> Any:
    """A dossier value as a cell (codes as their labels): text without the characters a workbook cannot hold."""
    if isinstance(value, str):
        value = cell_stripped(value)
    if value is None:
        return None
    if column.kind == "bool":
        return "ya" if value else "tidak"
    if column.kind == "choice":
        return _label(value, stage_labels)
    if column.kind == "choices":
        return f"{LIST_SEPARATOR} ".join(_label(v, stage_labels) for v in value) or None
    if column.kind == "list":
        return f"{LIST_SEPARATOR} ".join(value) or None
    if column.kind == "date" and isinstance(value, str):
        return dt.date.fromisoformat(value)
    return value


def _get(data: dict, path: str) -> Any:
    for part in path.split("."):
        if not isinstance(data, dict):
            return None
        data = data.get(part)
    return data


# ---------------------------------------------------------------- reading


@dataclass
class _Reader:
    path: Path
    stage_labels: dict[str, dict[str, str]]
    data: dict = field(default_factory=dict)
    places: dict[str, Place] = field(default_factory=dict)
    problems: list[InputError] = field(default_factory=list)  # cells that could not be read (dates)

    def place(self, where: str, place: Place) -> None:
        self.places.setdefault(where, place)


def read_workbook(path: Path, raw: bytes, stage_labels: dict[str, dict[str, str]] | None = None) -> Document:
    """A filled dossier workbook as a Document of plain data, with the sheet/row/column of each value.

    `stage_labels` (the pack's stages and their labels) lets the Tahap column hold labels.
    Read within the limits of every dossier (reading.MAX_*): the archive's entries and inflated size
    are judged from its index before anything is inflated, and only the columns a sheet has and
    the rows a list may hold are read, so a tiny file declaring a cell at XFD1048576 or inflating
    to millions of rows costs no more than a real dossier.
    """
    _check_archive(path, raw)
    try:
        with warnings.catch_warnings():  # openpyxl's own notes (a date cell out of range) are not for the reader
            warnings.simplefilter("ignore")
            book = load_workbook(io.BytesIO(raw), read_only=True, data_only=True)
    except Exception:  # openpyxl raises many kinds for a file that is not a workbook
        raise InputError(path, "", "bukan_xlsx") from None
    try:
        kind = _kind(book)
        if kind is None:
            raise InputError(path, "", "bukan_dossier_xlsx", sheets=", ".join(book.sheetnames[:MAX_SHEETS]))
        reader = _Reader(path, stage_labels or {}, {"jenis": kind})
        for sheet in sheets_for(kind, tuple(stage_labels or ())):
            if sheet.name not in book.sheetnames:
                if sheet.later:
                    continue
                raise InputError(path, "", "sheet_hilang", sheet=sheet.name)
            ws = book[sheet.name]
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")
                if sheet.is_table:
                    _read_table(reader, ws, sheet)
                else:
                    _read_record(reader, ws, sheet)
    finally:
        book.close()
    return Document(path, check_limits(path, reader.data), lines={}, raw=raw, places=reader.places, problems=reader.problems)


def _check_archive(path: Path, raw: bytes) -> None:
    """Refuse a workbook whose archive holds more entries or inflates to more bytes than the limits."""
    try:
        entries = zipfile.ZipFile(io.BytesIO(raw)).infolist()
    except (zipfile.BadZipFile, OSError, ValueError):
        raise InputError(path, "", "bukan_xlsx") from None
    inflated = sum(entry.file_size for entry in entries)  # zipfile never inflates past the declared size
    if len(entries) > MAX_ENTRIES or inflated > MAX_INFLATED:
        raise InputError(path, "", "xlsx_terlalu_besar", mb=round(inflated / 1048576, 1), max_mb=MAX_INFLATED // 1048576,
                         entries=len(entries), max_entries=MAX_ENTRIES)


def _rows(reader: _Reader, ws, sheet: str, width: int, first: int = 1) -> Iterator[tuple[int, tuple]]:
    """(row number, values) of the first `width` columns, up to the most rows a list may hold;
    a value past them is refused (reading stops there, however many rows the sheet declares)."""
    last = MAX_ITEMS + 1  # the header row and MAX_ITEMS items
    for number, row in enumerate(ws.iter_rows(min_row=first, max_row=last + 1, max_col=width, values_only=True), start=first):
        if number > last:
            if any(value is not None for value in row):
                raise InputError(reader.path, Place(sheet, number), "terlalu_banyak_item", max=MAX_ITEMS)
            return
        yield number, row


def _kind(book) -> str | None:
    if GUIDE not in book.sheetnames:
        return None
    for row in book[GUIDE].iter_rows(max_row=100, max_col=2, values_only=True):
        if row and row[0] == KIND_CELL and len(row) > 1 and row[1] in INSTRUCTIONS:
            return row[1]
    return None


def _read_record(reader: _Reader, ws, sheet: Sheet) -> None:
    labels = {c.header: c for c in sheet.columns}
    rows: dict[str, int] = {}
    for row_number, row in _rows(reader, ws, sheet.name, 2, first=2):
        if not row or row[0] is None:
            continue
        column = labels.get(str(row[0]).strip())
        if column is None:
            raise InputError(reader.path, Place(sheet.name, row_number), "baris_tidak_dikenal",
                             label=str(row[0])[:80], sheet=sheet.name)
        rows[column.header] = row_number
        value = _cell(reader, row[1] if len(row) > 1 else None, column, Place(sheet.name, row_number, label=column.header))
        if value is None:
            continue
        target = reader.data
        parts = column.field.split(".")
        for part in parts[:-1]:
            target = target.setdefault(part, {})
        target[parts[-1]] = value
    for column in sheet.columns:  # every row, filled or not (a missing one by its label): "wajib diisi" names it
        place = Place(sheet.name, rows.get(column.header), label=column.header)
        parts = column.field.split(".")
        for i in range(len(parts)):
            reader.place(".".join(parts[: i + 1]), place)


def _read_table(reader: _Reader, ws, sheet: Sheet) -> None:
    rows = _rows(reader, ws, sheet.name, len(sheet.columns))
    header = [OLD_HEADERS.get(str(h).strip(), str(h).strip()) if h is not None else "" for h in next(rows, (1, ()))[1]]
    expected = [c.header for c in sheet.columns]
    while header and not header[-1]:
        header.pop()
    present = len(header) if all(c.later for c in sheet.columns[len(header):]) else len(expected)
    if header[:present] != expected[:present] or header[present:len(expected)]:
        raise InputError(reader.path, Place(sheet.name, 1), "judul_kolom", sheet=sheet.name, expected=" | ".join(expected))
    for row_number, row in rows:
        if all(v is None or (isinstance(v, str) and not v.strip()) for v in row):
            continue
        values = {c.field: _cell(reader, v, c, Place(sheet.name, row_number, column=c.header)) for c, v in zip(sheet.columns, row)}
        item = {k: v for k, v in values.items() if v is not None}
        if sheet.parent:
            _attach(reader, sheet, item, row_number)
            continue
        items = reader.data
        parts = sheet.target.split(".")
        for part in parts[:-1]:
            items = items.setdefault(part, {})
        items = items.setdefault(parts[-1], [])
        reader.place(sheet.target, Place(sheet.name))
        where = join(sheet.target, len(items))
        items.append(item.get("nama") if sheet.scalar else item)
        _place_item(reader, where, sheet, row_number)


def _attach(reader: _Reader, sheet: Sheet, item: dict, row_number: int) -> None:
    parents, key = sheet.parent
    parent_id = item.pop(key, None)
    owners = [i for i, p in enumerate(reader.data.get(parents, [])) if p.get("id") == parent_id]
    if not owners:
        column = next(c for c in sheet.columns if c.field == key)
        parent_sheet = next(s.name for s in sheets_for(reader.data["jenis"], ()) if s.target == parents)
        raise InputError(reader.path, Place(sheet.name, row_number, column=column.header), "induk_tidak_ada",
                         ref=parent_id or "-", parent=parent_sheet)
    children = reader.data[parents][owners[0]].setdefault(sheet.target, [])
    where = join(join(parents, owners[0]), sheet.target)
    reader.place(where, Place(sheet.name))
    where = join(where, len(children))
    children.append(item)
    _place_item(reader, where, sheet, row_number)


def _place_item(reader: _Reader, where: str, sheet: Sheet, row_number: int) -> None:
    reader.place(where, Place(sheet.name, row_number))
    for column in sheet.columns:
        reader.place(join(where, column.field), Place(sheet.name, row_number, column=column.header))


def _cell(reader: _Reader, value: Any, column: Column, place: Place) -> Any:
    """A cell read with `_from_cell`; InputError naming the cell for an error value or a too long text,
    and a date that cannot be read day first kept as a problem of the cell (the others are still read)."""
    if isinstance(value, str) and value.strip() in ERROR_CODES:
        raise InputError(reader.path, place, "sel_galat", nilai=value.strip())
    if isinstance(value, str) and len(value) > MAX_TEXT:
        raise InputError(reader.path, place, "teks_terlalu_panjang", panjang=len(value), max=MAX_TEXT)
    try:
        return _from_cell(value, column, reader.stage_labels)
    except _BadDate as bad:
        reader.problems.append(InputError(reader.path, place, bad.code, input=str(value).strip()))
        return None


class _BadDate(ValueError):
    def __init__(self, code: str):
        super().__init__(code)
        self.code = code


def _from_cell(value: Any, column: Column, stage_labels: dict[str, dict[str, str]]) -> Any:
    """A cell as plain data; the model judges it like a YAML value (typos are reported, not fixed)."""
    if value is None or (isinstance(value, str) and not value.strip()):
        return None
    if isinstance(value, dt.datetime):
        value = value.date()
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    if column.kind in ("list", "choices"):
        parts = [part.strip() for part in str(value).split(LIST_SEPARATOR) if part.strip()]
        if column.kind == "choices":
            codes = _codes_by_label(column, stage_labels)
            return [codes.get(part.casefold(), part) for part in parts]
        return parts
    if column.kind == "choice" and isinstance(value, str):
        return _codes_by_label(column, stage_labels).get(value.strip().casefold(), value.strip())
    if column.kind == "date":  # a date cell was handled above: text is read day first, a bare number is no date
        if isinstance(value, str):
            return date_from_text(value)
        raise _BadDate("tanggal_bentuk")
    if isinstance(value, str):
        value = value.strip()
        if column.kind in ("int", "money"):
            digits = value.removeprefix("Rp").strip().replace(".", "") if column.kind == "money" else value
            if digits.lstrip("-").isdigit():
                return int(digits)
        return value
    if column.kind == "text":
        return str(value)
    return value


def date_from_text(text: str) -> str:
    """A date typed as text, day first (12/02/2013, 12-02-2013, 12 Februari 2013, 12 Feb 2013), as YYYY-MM-DD.

    Text in none of these forms, a date with a two-digit year (ambiguous) and one that is not in
    the calendar raise _BadDate.
    """
    text = text.strip()
    if _ISO_DATE.match(text):
        return text
    numeric, worded = _NUMERIC_DATE.match(text), _WORDED_DATE.match(text)
    if numeric:
        day, month, year = int(numeric[1]), int(numeric[3]), numeric[4]
    elif worded and worded[2].casefold() in _MONTHS:
        day, month, year = int(worded[1]), _MONTHS[worded[2].casefold()], worded[3]
    else:
        raise _BadDate("tanggal_bentuk")
    if len(year) != 4:
        raise _BadDate("tanggal_ambigu")
    try:
        return dt.date(int(year), month, day).isoformat()
    except ValueError:
        raise _BadDate("tanggal_tidak_ada") from None
