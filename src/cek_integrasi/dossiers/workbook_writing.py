"""Writing a dossier workbook: an empty template to fill (drop-down lists of labels kept on a hidden
sheet, Excel's own message for a value not in the list, date and money formats), a dossier
written back as a workbook (`convert`), or the cells typed in the service's form (service/dossier_form.py)."""

from __future__ import annotations

import datetime as dt
import io
from dataclasses import dataclass
from typing import Any

from openpyxl import Workbook
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.worksheet.datavalidation import DataValidation

from .. import i18n
from ..outputs import looks_like_formula
from ..xlsx_layout import lay_out, stripped_cell_value
from .workbook_layout import (
    GUIDE,
    INSTRUCTIONS,
    KIND_CELL,
    LIST_SEPARATOR,
    LISTS,
    YES_NO,
    Column,
    Sheet,
    asked,
    label_of,
    sheets_for,
)

HEADER_FILL = PatternFill("solid", fgColor="DDEBF7")
LIST_FILL = PatternFill("solid", fgColor="FFF2CC")  # cells with a drop-down list
DATE_FORMAT = "dd/mm/yyyy"
MONEY_FORMAT = '"Rp "#,##0'
BOLD = Font(name="Calibri", bold=True)  # named: unnamed bold prints in a serif face in LibreOffice
MAX_ROWS = 200  # rows of a table sheet that get drop-down lists in the template

@dataclass(frozen=True)
class Filled:
    """What one sheet holds: the columns written (a record sheet: its rows) and the cells, a row per
    item of a table, one row of a value per column for a record sheet. A cell is a value as
    `_to_cell` gives it, or a text as typed (the service's form), which the reader reads like a cell typed in Excel."""

    sheet: Sheet
    columns: tuple[Column, ...]
    rows: list[list[Any]]


def write_workbook(
    kind: str, stages: dict[str, dict[str, str]], data: dict | None = None, omit: tuple[str, ...] = ()
) -> bytes:
    """The workbook of a dossier kind: empty (a template) or holding `data` (plain dossier data).

    `stages` are the pack's stage codes of this kind with their labels ({"pkd": {"id": ..., "en": ...}});
    `omit` the record rows a template of the pack leaves out (pack.yaml `template_omits`; a row that
    `data` fills is always written).
    """
    return write_filled(kind, stages, filled(kind, stages, data, omit))


def filled(kind: str, stages: dict[str, dict[str, str]], data: dict | None = None, omit: tuple[str, ...] = ()) -> list[Filled]:
    """Each sheet's cells for `data` (None: empty), codes as their labels, dates as dates (write_workbook's arguments)."""
    data = data or {}
    sheets = []
    for sheet in sheets_for(kind, tuple(stages)):
        if sheet.is_table:
            rows = [[_to_cell(item.get(c.field), c, stages) for c in sheet.columns] for item in _items(data, sheet)]
            sheets.append(Filled(sheet, sheet.columns, rows))
        else:
            columns = tuple(c for c in sheet.columns if c.field not in omit or _get(data, c.field) is not None)
            sheets.append(Filled(sheet, columns, [[_to_cell(_get(data, c.field), c, stages) for c in columns]]))
    return sheets


def write_filled(kind: str, stages: dict[str, dict[str, str]], sheets: list[Filled]) -> bytes:
    """The workbook of a dossier kind holding these sheets' cells (`filled`), with the template's lists and formats."""
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
    for line in asked(kind):
        guide.append([line])
    guide.append([])
    guide.append([KIND_CELL, kind])
    lay_out(guide, header_row=None)  # the long instructions wrap
    lists = _Lists(book, stages)
    for sheet in sheets:
        ws = book.create_sheet(sheet.sheet.name)
        if sheet.sheet.is_table:
            _write_table(ws, sheet, lists)
            lay_out(ws, filter_rows=max(MAX_ROWS, ws.max_row - 1))
        else:
            _write_record(ws, sheet, lists)
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
        return [label_of(code, self.stages) for code in column.choices]

    def formula(self, column: Column) -> str:
        labels = tuple(self.labels(column))
        if labels not in self.ranges:
            col = len(self.ranges) + 1
            for row, text in enumerate(labels, start=1):
                self.sheet.cell(row=row, column=col, value=text)
            letter = self.sheet.cell(row=1, column=col).column_letter
            self.ranges[labels] = f"{LISTS}!${letter}$1:${letter}${len(labels)}"
        return self.ranges[labels]


def _write_record(ws, sheet: Filled, lists: _Lists) -> None:
    ws.append(["Kolom", "Nilai"])
    for cell in ws[1]:
        cell.font, cell.fill = BOLD, HEADER_FILL
    for row, (column, value) in enumerate(zip(sheet.columns, sheet.rows[0]), start=2):
        ws.cell(row=row, column=1, value=column.header).font = BOLD
        cell = ws.cell(row=row, column=2, value=stripped_cell_value(value))
        _as_text(cell)
        _format(ws, cell.coordinate, column, lists)
    ws.column_dimensions["A"].width = 42
    ws.column_dimensions["B"].width = 40


def _write_table(ws, sheet: Filled, lists: _Lists) -> None:
    ws.append([c.header for c in sheet.columns])
    for cell in ws[1]:
        cell.font, cell.fill = BOLD, HEADER_FILL
        cell.alignment = Alignment(wrap_text=True)
    ws.freeze_panes = "A2"
    for row in sheet.rows:
        ws.append([stripped_cell_value(value) for value in row])
        for cell in ws[ws.max_row]:
            _as_text(cell)
    for index, column in enumerate(sheet.columns, start=1):
        letter = ws.cell(row=1, column=index).column_letter
        wide = column.kind in ("choice", "choices") and any(len(label) > 20 for label in lists.labels(column))
        ws.column_dimensions[letter].width = 40 if wide else max(14, min(40, len(column.header) + 4))
        _format(ws, f"{letter}2:{letter}{MAX_ROWS + 1}", column, lists)


def _format(ws, cells: str, column: Column, lists: _Lists) -> None:
    """Drop-down lists (marked yellow) for choices and yes/no, a prompt for several choices and for
    what the column asks for explicitly (`Column.ask`), formats for dates and money."""
    validation = None
    ask = f"{i18n.text(column.ask)} " if column.ask else ""
    if column.kind in ("bool", "choice"):
        validation = DataValidation(
            type="list", formula1=lists.formula(column), allow_blank=True,
            showErrorMessage=True, errorStyle="warning", errorTitle="Bukan pilihan",
            error=f"Pilih salah satu isi daftar untuk kolom {column.header}.",
            showInputMessage=bool(ask), promptTitle=column.header[:32] if ask else None, prompt=ask.strip()[:255] or None,
        )
    elif column.kind == "choices":
        listed = "; ".join(lists.labels(column))
        validation = DataValidation(
            allow_blank=True, showInputMessage=True, promptTitle=column.header[:32],
            prompt=f"{ask}Satu atau lebih, dipisah ';': {listed}"[:255],
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
    if looks_like_formula(cell.value):
        cell.data_type = "s"


def _to_cell(value: Any, column: Column, stage_labels: dict[str, dict[str, str]]) -> Any:
    """A dossier value as a cell (codes as their labels; written without the characters a workbook cannot hold)."""
    if value is None:
        return None
    if column.kind == "bool":
        return "ya" if value else "tidak"
    if column.kind == "choice":
        return label_of(value, stage_labels)
    if column.kind == "choices":
        return f"{LIST_SEPARATOR} ".join(label_of(v, stage_labels) for v in value) or None
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


