"""Reading a filled dossier workbook into the same plain data a YAML file gives (so the same model,
schema and rules apply): a label or a code is read as the code, a date typed as text is read day
first, and the sheet, row and column of every value is remembered for messages. What is read is
bounded before openpyxl reads it (the archive's entries and inflated size, the format's sheets and
columns, the rows of a list)."""

from __future__ import annotations

import datetime as dt
import io
import re
import warnings
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from openpyxl import load_workbook
from openpyxl.cell.cell import ERROR_CODES

from ..errors import InputError
from .reading import MAX_ITEMS, MAX_TEXT, Document, Place, check_limits, join
from .workbook_layout import (
    GUIDE,
    INSTRUCTIONS,
    KIND_CELL,
    LIST_SEPARATOR,
    OLD_HEADERS,
    Column,
    Sheet,
    codes_by_label,
    sheets_for,
)

MAX_INFLATED = 50 * 1024 * 1024  # bytes of a workbook's archive once inflated (a real dossier: under 2 MB)
MAX_ENTRIES = 200  # files in a workbook's archive (a dossier template has about 40)
MAX_SHEETS = 50  # sheet names listed in a message
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
        label = str(row[0]).strip()
        column = labels.get(OLD_HEADERS.get(label, label))
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
            codes = codes_by_label(column, stage_labels)
            return [codes.get(part.casefold(), part) for part in parts]
        return parts
    if column.kind == "choice" and isinstance(value, str):
        return codes_by_label(column, stage_labels).get(value.strip().casefold(), value.strip())
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

