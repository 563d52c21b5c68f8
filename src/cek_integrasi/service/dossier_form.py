"""A berkas as a web form: every sheet of its workbook (dossiers/workbook_layout.py) as a part of the
form, with the workbook's labels, drop-down lists and date forms; a record sheet one field per row,
a table sheet one row of fields per item.

A form is filled from a stored version the way `convert` writes a workbook (workbook_writing.filled),
and what is typed is written back as a workbook with the same writer, cell by cell as typed, so that
the reader that reads an uploaded workbook reads it and `submissions.submit` checks and stores it:
one way in for an upload and a form, with the same messages. A message names a place of that
workbook (sheet, row, column); the form knows the place of every field and shows it there.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass, field

from werkzeug.datastructures import MultiDict

from .. import i18n
from ..dossiers.reading import MAX_ITEMS, Place
from ..dossiers.workbook_layout import LIST_SEPARATOR, YES_NO, Column, Sheet, label_of, sheets_for
from ..dossiers.workbook_writing import Filled, filled, write_filled
from ..evaluation.results import InputProblem

SPARE_ROWS = 2  # empty rows under every table, to add items without asking for more
ADDED_ROWS = 5  # rows the button of a table adds
DATE_SHOWN = "%d/%m/%Y"  # how a stored date is shown in its field: day first, as the workbook's date cells


@dataclass
class Cell:
    """One field of the form: the workbook's cell it becomes, as typed (several choices: the labels ticked)."""

    name: str  # the input's name and id: "s3-r0-c1" (sheet, row, column), "s0-c4" on a record sheet
    column: Column
    value: str | list[str]
    options: list[tuple[str, str]]  # (what the workbook gets, what the user reads) of a drop-down or the ticks
    readonly: bool = False
    place: Place | None = None  # its cell of the workbook last written (None: not written, an empty row)
    messages: list[str] = field(default_factory=list)

    @property
    def unknown(self) -> list[str]:
        """What was typed that no option offers (kept, so that its message shows it)."""
        offered = {value for value, _ in self.options}
        values = self.value if isinstance(self.value, list) else [self.value]
        return [value for value in values if value and value not in offered]

    @property
    def typed(self) -> str | None:
        """The cell's text for the workbook: several choices joined as a workbook writes them, None when empty."""
        text = f"{LIST_SEPARATOR} ".join(self.value) if isinstance(self.value, list) else self.value.strip()
        return text or None


@dataclass
class Row:
    number: int  # as the form shows it, from 1
    cells: list[Cell]
    place: Place | None = None
    messages: list[str] = field(default_factory=list)

    @property
    def empty(self) -> bool:
        return all(cell.typed is None for cell in self.cells)


@dataclass
class Part:
    """A sheet of the workbook as a part of the form; a record sheet has one row, a field per column."""

    index: int
    sheet: Sheet
    columns: tuple[Column, ...]
    rows: list[Row]
    messages: list[str] = field(default_factory=list)

    @property
    def anchor(self) -> str:
        return f"s{self.index}"

    @property
    def has_messages(self) -> bool:
        return bool(self.messages) or any(row.messages or any(cell.messages for cell in row.cells) for row in self.rows)

    def written(self) -> list[Row]:
        """The rows the workbook gets: a table's rows that hold something (an empty row is no item)."""
        return [row for row in self.rows if not row.empty] if self.sheet.is_table else self.rows


@dataclass
class Problem:
    """A message of the check, with the field (or row, or part) it belongs to and that place in the form's words."""

    message: str
    anchor: str | None  # the id of the field, row or part in the page
    where: str


@dataclass
class DossierForm:
    kind: str
    stages: dict[str, dict[str, str]]  # the pack's steps of this kind with their labels
    parts: list[Part]
    lang: str
    problems: list[Problem] = field(default_factory=list)

    @classmethod
    def of_dossier(cls, kind: str, stages: dict[str, dict[str, str]], data: dict | None, omit: tuple[str, ...], lang: str) -> DossierForm:
        """The form of a berkas's plain data (None: an empty form), written as `convert` writes it."""
        form = cls(kind, stages, [], lang)
        for index, sheet in enumerate(filled(kind, stages, data, omit)):
            part = Part(index, sheet.sheet, sheet.columns, [])
            for values in sheet.rows:
                form._add_row(part, [_shown(value, column) for value, column in zip(values, sheet.columns)])
            form.parts.append(part)
            form.add_rows(index, SPARE_ROWS if sheet.sheet.is_table else 0)
        return form

    @classmethod
    def of_posted(cls, kind: str, stages: dict[str, dict[str, str]], posted: MultiDict, omit: tuple[str, ...], lang: str) -> DossierForm:
        """The form as posted (a werkzeug MultiDict): a table's rows up to the most a sheet may hold, those ticked
        for removal left out; a record sheet's fields that the pack's template leaves out only when posted."""
        form = cls(kind, stages, [], lang)
        for index, sheet in enumerate(sheets_for(kind, tuple(stages))):
            part = Part(index, sheet, sheet.columns, [])
            if sheet.is_table:
                count = min(max(posted.get(f"{part.anchor}-rows", 0, type=int), 0), MAX_ITEMS + 1)
                for r in range(count):
                    names = [f"{part.anchor}-r{r}-c{j}" for j in range(len(sheet.columns))]
                    if f"{part.anchor}-r{r}-hapus" not in posted and any(name in posted for name in names):  # a row not posted is none
                        form._add_row(part, [_posted(posted, name, c) for name, c in zip(names, sheet.columns)])
            else:
                picked = [(j, c) for j, c in enumerate(sheet.columns) if c.field not in omit or f"{part.anchor}-c{j}" in posted]
                part.columns = tuple(c for _, c in picked)
                form._add_row(part, [_posted(posted, f"{part.anchor}-c{j}", c) for j, c in picked])
            form.parts.append(part)
        return form

    def _add_row(self, part: Part, values: list[str | list[str]]) -> None:
        r = len(part.rows)
        columns = part.sheet.columns
        cells = [Cell(f"{part.anchor}-r{r}-c{columns.index(c)}" if part.sheet.is_table else f"{part.anchor}-c{columns.index(c)}",
                      c, value, self._options(c)) for c, value in zip(part.columns, values)]
        part.rows.append(Row(r + 1, cells))

    def add_rows(self, index: int, count: int = ADDED_ROWS) -> None:
        """Empty rows at the end of a table (the button under it, and the spare rows of every table)."""
        part = self.parts[index]
        for _ in range(count):
            self._add_row(part, [[] if c.kind == "choices" else "" for c in part.columns])

    def _options(self, column: Column) -> list[tuple[str, str]]:
        if column.kind == "bool":
            return [(value, i18n.text(f"value.{'yes' if value == 'ya' else 'no'}", self.lang)) for value in YES_NO]
        return [(label_of(code, self.stages), self._label(code)) for code in column.choices]

    def _label(self, code: str) -> str:
        if code in self.stages:
            return self.stages[code].get(self.lang) or self.stages[code][i18n.DEFAULT]
        return i18n.label(code, self.lang)

    def record_cell(self, field_path: str) -> tuple[Part, Row, Cell]:
        """The field of the record sheet (Desa, Kecamatan) holding `field_path` ("kode"), with its part and row."""
        part = self.parts[0]
        return part, part.rows[0], next(cell for cell in part.rows[0].cells if cell.column.field == field_path)

    def written(self) -> list[list[list[str | None]]]:
        """What the workbook gets, sheet by sheet: the texts of the rows written (the same for the same facts)."""
        return [[[cell.typed for cell in row.cells] for row in part.written()] for part in self.parts]

    def workbook(self) -> bytes:
        """The workbook of what is typed, written as a template with these cells; each field knows its cell."""
        sheets = []
        for part in self.parts:
            for row in part.rows:
                row.place = None
                for cell in row.cells:
                    cell.place = None
            rows = part.written()
            for number, row in enumerate(rows, start=2):  # row 1: the headers
                if part.sheet.is_table:
                    row.place = Place(part.sheet.name, number)
                    for cell in row.cells:
                        cell.place = Place(part.sheet.name, number, column=cell.column.header)
                else:  # a record sheet: its one row of the form is a row of the sheet per field
                    for offset, cell in enumerate(row.cells):
                        cell.place = Place(part.sheet.name, number + offset, label=cell.column.header)
            sheets.append(Filled(part.sheet, part.columns, [[cell.typed for cell in row.cells] for row in rows]))
        return write_filled(self.kind, self.stages, sheets)

    def show_problems(self, problems: Iterable[InputProblem], messages: Iterable[str] = ()) -> None:
        """Each problem of the workbook last written beside its field (or row, or part), `messages` of no place above."""
        targets: dict[str, tuple[Part, Row | None, Cell | None]] = {}  # a place as a message shows it -> where in the form
        for part in self.parts:
            targets[Place(part.sheet.name).shown(self.lang)] = (part, None, None)
            for row in part.rows:
                if row.place is not None:
                    targets[row.place.shown(self.lang)] = (part, row, None)
                for cell in row.cells:
                    if cell.place is not None:
                        targets[cell.place.shown(self.lang)] = (part, row, cell)
        for problem in problems:
            if problem.place in targets:
                self.note(*targets[problem.place], problem.message)
            else:
                self.problems.append(Problem(problem.message, None, problem.place))
        self.problems += [Problem(message, None, "") for message in messages]

    def note(self, part: Part, row: Row | None, cell: Cell | None, message: str) -> None:
        """A message beside a field (or a row, or a part), and in the list above the form naming it in the form's words."""
        if cell is not None:
            anchor = cell.name
            where = (i18n.text("form.where_cell", self.lang, sheet=part.sheet.name, row=row.number, column=cell.column.header)
                     if part.sheet.is_table else i18n.text("form.where_field", self.lang, sheet=part.sheet.name, label=cell.column.header))
        elif row is not None:
            anchor, where = f"{part.anchor}-r{row.number - 1}", i18n.text("form.where_row", self.lang, sheet=part.sheet.name, row=row.number)
        else:
            anchor, where = part.anchor, part.sheet.name
        (cell or row or part).messages.append(message)
        self.problems.append(Problem(message, anchor, where))


def _shown(value, column: Column) -> str | list[str]:
    """A cell as its field shows it: a date day first, several choices as the labels ticked."""
    if column.kind == "choices":
        return [part.strip() for part in str(value or "").split(LIST_SEPARATOR) if part.strip()]
    if value is None:
        return ""
    if isinstance(value, dt.date):
        return value.strftime(DATE_SHOWN)
    return str(value)


def _posted(posted: MultiDict, name: str, column: Column) -> str | list[str]:
    if column.kind == "choices":
        return [value.strip() for value in posted.getlist(name) if value.strip()]
    return posted.get(name, "")
