"""Spreadsheets that print: the layout every XLSX we write shares, and streaming sheets for the reports.

A sheet prints on A4, one page wide (landscape when its columns are wide), with its table's header
row repeated on every page and a page number in the footer; the header row is frozen and filtered;
column widths follow the content (capped, long text wrapped); verdict and severity cells are
coloured like the HTML reports. Reports are written with openpyxl's write-only (streaming) mode:
a `SheetPlan` keeps a sheet's rows until it is written, because a streaming sheet needs its column
widths before its first row. Text that a spreadsheet would take for a formula stays plain text, and
the characters a workbook cannot hold (C0 controls but tab and line breaks) are written as
<U+XXXX> in reports (`safe_cell_value`), or left out where the workbook is the dossier itself
(`stripped_cell_value`, for `convert`: a name without them is the same person, facts.person).
"""

from __future__ import annotations

import datetime as dt
import io
from collections.abc import Iterable
from copy import copy
from dataclasses import dataclass, field

from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.properties import PageSetupProperties
from openpyxl.worksheet.worksheet import Worksheet

from .escaping import shown
from .outputs import looks_like_formula

def safe_cell_value(value: object) -> object:
    """A value a workbook can hold, characters it cannot written as <U+XXXX> (reports)."""
    if isinstance(value, str) and ILLEGAL_CHARACTERS_RE.search(value):
        return ILLEGAL_CHARACTERS_RE.sub(lambda m: shown(m.group()), value)
    return value


def stripped_cell_value(value: object) -> object:
    """A value a workbook can hold, characters it cannot left out (the dossier's own workbook)."""
    if isinstance(value, str):
        return ILLEGAL_CHARACTERS_RE.sub("", value)
    return value


PORTRAIT_WIDTH = 100  # column width units that fit across an A4 portrait page at 100%
MAX_WIDTH = 60  # wider text wraps
MIN_WIDTH = 6
LINE_HEIGHT = 15  # points per line of 11-point text
DATE_FORMATS = {"id": "[$-421]d mmmm yyyy", "en": "[$-809]d mmmm yyyy"}  # "12 Februari 2013" in either locale
_THIN = Side(style="thin", color="D0D0D0")
_GRID = Border(left=_THIN, right=_THIN, top=_THIN, bottom=_THIN)
_WRAP_TOP = Alignment(wrap_text=True, vertical="top")


@dataclass(frozen=True)
class Look:
    """How a kind of cell looks, after the classes of the HTML reports."""

    font: Font | None = None
    fill: PatternFill | None = None
    wrap: bool = False


def _font(**style) -> Font:
    """A font named as the default one: without a name LibreOffice prints bold cells in a serif face."""
    return Font(name="Calibri", **{"size": 11, **style})


def _fill(colour: str) -> PatternFill:
    return PatternFill("solid", fgColor=colour)


LOOKS: dict[str, Look] = {
    "title": Look(_font(bold=True, size=14)),
    "heading": Look(_font(bold=True, size=12)),
    "bold": Look(_font(bold=True)),
    "header": Look(_font(bold=True), _fill("F2F2F2"), wrap=True),
    "error": Look(_font(bold=True, color="C62828")),
    "warning": Look(_font(bold=True, color="EF6C00")),
    "info": Look(_font(color="555555")),
    "waived": Look(_font(italic=True, color="555555")),
    "WAJIB": Look(_font(bold=True, color="2E7D32"), _fill("E8F5E9")),
    "BELUM_MEMENUHI": Look(_font(bold=True, color="C62828"), _fill("FFEBEE")),
    "BUKAN_PARTISIPAN": Look(_font(color="616161"), _fill("EEEEEE")),
}


@dataclass(frozen=True)
class Styled:
    """A value with the name of its look in LOOKS."""

    value: object
    look: str


@dataclass
class _Row:
    values: list[object]
    look: str | None  # the look of every cell of the row (a Styled value keeps its own)
    measured: bool  # counts for the column widths (titles and notes spill over instead)
    grid: bool


@dataclass
class SheetPlan:
    """The rows of one sheet, its table header (repeated on print, frozen, filtered) and its widths."""

    title: str
    lang: str = "id"
    rows: list[_Row] = field(default_factory=list)
    header_row: int | None = None
    filter_to: int | None = None
    wrap: set[int] = field(default_factory=set)  # 1-based columns whose long text wraps
    widths: dict[int, float] = field(default_factory=dict)  # fixed widths, by 1-based column
    header_widths: dict[int, float] = field(default_factory=dict)  # the longest word of each header
    freeze: bool = True  # False for a sheet of several tables: nothing frozen, `repeat` printed on every page
    repeat: int | None = None  # the row printed on top of every page, when not the table header

    def line(self, *values: object, look: str | None = None, measured: bool = True) -> None:
        """A row outside a table: a title (not measured: it spills over), a label and its value."""
        self.rows.append(_Row(list(values), look, measured and len(values) > 1, grid=False))

    def table(self, headers: list[str], rows: Iterable[Iterable[object]], filters: bool = False) -> None:
        """A table: its header row and rows. The first table of a sheet gives the repeated header."""
        self.rows.append(_Row(list(headers), "header", measured=False, grid=True))
        header = len(self.rows)
        if self.header_row is None:
            self.header_row = header
        for row in rows:
            self.rows.append(_Row(list(row), None, measured=True, grid=True))
        if filters:
            self.header_row, self.filter_to = header, len(self.rows)
        for column, text in enumerate(headers, start=1):
            longest = max((len(word) for word in str(text).split()), default=0) + 2
            self.header_widths[column] = max(self.header_widths.get(column, 0), longest)

    def column_widths(self) -> list[float]:
        """Per column: fixed, or the longest measured text + 2 (headers wrap at words), within bounds."""
        count = max((len(r.values) for r in self.rows), default=1)
        measured = [0.0] * count
        for row in self.rows:
            if not row.measured:
                continue
            for index, value in enumerate(row.values):
                measured[index] = max(measured[index], _measured(value))
        widths = []
        for index in range(count):
            column = index + 1
            if column in self.widths:
                widths.append(self.widths[column])
                continue
            natural = max(measured[index] + 2, self.header_widths.get(column, 0), MIN_WIDTH)
            if natural > MAX_WIDTH:
                self.wrap.add(column)
            widths.append(min(round(natural), MAX_WIDTH))
        return widths

    def write(self, book: Workbook) -> None:
        """Write the sheet into a write-only workbook: layout first, then the rows as a stream."""
        sheet = book.create_sheet(self.title)
        widths = self.column_widths()
        for column, width in enumerate(widths, start=1):
            sheet.column_dimensions[get_column_letter(column)].width = round(width, 1)
        print_layout(sheet, sum(widths), self.repeat or self.header_row)
        if self.header_row and self.freeze:
            sheet.freeze_panes = f"A{self.header_row + 1}"
        if self.filter_to and self.header_row:
            sheet.auto_filter.ref = f"A{self.header_row}:{get_column_letter(len(widths))}{max(self.filter_to, self.header_row)}"
        cells = _CellMaker(sheet, self.lang, self.wrap)
        wrapped = [(index, widths[index - 1]) for index in sorted(self.wrap) if index <= len(widths)]
        for number, row in enumerate(self.rows, start=1):
            spans = wrapped if row.look != "header" else list(enumerate(widths, start=1))
            lines = max((_lines(row.values[index - 1], width) for index, width in spans if index <= len(row.values)), default=1)
            if lines > 1:  # LibreOffice does not grow rows for wrapped text on opening a file: say how high
                sheet.row_dimensions[number].height = LINE_HEIGHT * lines
            sheet.append([cells.make(value, row.look, index, row.grid) for index, value in enumerate(row.values, start=1)])


def print_layout(sheet, width: float, header_row: int | None) -> None:
    """A4, landscape when wider than a portrait page, one page wide, the header row on every page."""
    sheet.page_setup.paperSize = Worksheet.PAPERSIZE_A4
    sheet.page_setup.orientation = "landscape" if width > PORTRAIT_WIDTH else "portrait"
    sheet.page_setup.fitToWidth = 1
    sheet.page_setup.fitToHeight = 0  # as many pages down as it takes
    sheet.sheet_properties.pageSetUpPr = PageSetupProperties(fitToPage=True)
    sheet.page_margins.left = sheet.page_margins.right = 0.4
    sheet.page_margins.top = sheet.page_margins.bottom = 0.7
    sheet.page_margins.footer = 0.3
    sheet.print_options.horizontalCentered = True
    if header_row:
        sheet.print_title_rows = f"{header_row}:{header_row}"
    sheet.HeaderFooter.oddFooter.left.text = "&A"
    sheet.HeaderFooter.oddFooter.right.text = "&P / &N"


class _CellMaker:
    """Cells for a write-only sheet. Each distinct look is registered with the workbook once and its
    style indexes copied to later cells (what openpyxl does when it copies a cell's style): setting
    fonts and fills cell by cell hashes them every time and costs three times the whole writing."""

    def __init__(self, sheet, lang: str, wrap: set[int]):
        self.sheet, self.wrap = sheet, wrap
        self.date_format = DATE_FORMATS.get(lang, DATE_FORMATS["id"])
        self.styles: dict[tuple, object] = {}

    def make(self, value: object, look: str | None, column: int, grid: bool) -> object:
        if isinstance(value, Styled):
            value, look = value.value, value.look
        value = safe_cell_value(value)  # a control character from a name shown as <U+XXXX>
        formula_like = looks_like_formula(value)
        key = (look, isinstance(value, dt.date), column in self.wrap or (look is not None and LOOKS[look].wrap), grid)
        if key == (None, False, False, False) and not formula_like:
            return value
        cell = WriteOnlyCell(self.sheet, value)
        if formula_like:
            cell.data_type = "s"
        if key not in self.styles:
            self.styles[key] = self._style(*key)
        cell._style = copy(self.styles[key])
        return cell

    def _style(self, look: str | None, dated: bool, wrapped: bool, grid: bool):
        cell = WriteOnlyCell(self.sheet)
        if look is not None:
            chosen = LOOKS[look]
            if chosen.font is not None:
                cell.font = chosen.font
            if chosen.fill is not None:
                cell.fill = chosen.fill
        if dated:
            cell.number_format = self.date_format
        if wrapped or grid or dated:  # a date is read as words, left-aligned like the text beside it
            cell.alignment = Alignment(wrap_text=wrapped, vertical="top", horizontal="left" if dated else None)
        if grid:
            cell.border = _GRID
        return cell._style


def _lines(value: object, width: float) -> int:
    """How many lines a wrapped text takes in a column of this width (words are not split)."""
    if isinstance(value, Styled):
        value = value.value
    if not isinstance(value, str) or len(value) <= width - 2 and "\n" not in value:
        return 1
    room, lines = width * 1.1 - 1, 0  # a column of width w holds about 1.1 w letters of running text
    for paragraph in value.split("\n"):
        used = None
        lines += 1
        for word in paragraph.split():
            if used is None:
                used = len(word)
            elif used + 1 + len(word) <= room:
                used += 1 + len(word)
            else:
                lines, used = lines + 1, len(word)
    return lines


def _shown_length(value: object) -> int:
    if isinstance(value, Styled):
        value = value.value
    if value is None:
        return 0
    if isinstance(value, dt.date):
        return 17  # "12 September 2013"
    return max((len(part) for part in str(value).split("\n")), default=0)


def _measured(value: object) -> float:
    """The room a value takes: bold text is about a tenth wider."""
    length = _shown_length(value)
    if isinstance(value, Styled) and LOOKS[value.look].font is not None and LOOKS[value.look].font.b:
        return length * 1.1
    return length


def save(plans: Iterable[SheetPlan]) -> bytes:
    """A streaming workbook of these sheets, as bytes."""
    book = Workbook(write_only=True)
    for plan in plans:
        plan.write(book)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def lay_out(sheet, header_row: int | None = 1, filter_rows: int = 0) -> None:
    """The print layout for an ordinary (not streaming) sheet once filled: columns at least as wide as
    their content (capped; longer text wraps), the header row frozen, filtered over `filter_rows`
    rows and repeated on every printed page."""
    widths: dict[int, float] = {}
    for row in sheet.iter_rows():
        for cell in row:
            if cell.value is not None:
                widths[cell.column] = max(widths.get(cell.column, 0), _shown_length(cell.value) + 2)
    total, heights = 0.0, {}
    for column, natural in widths.items():
        dimension = sheet.column_dimensions[get_column_letter(column)]
        width = min(max(natural, dimension.width or 0, MIN_WIDTH), MAX_WIDTH)
        dimension.width = width
        total += width
        if natural > MAX_WIDTH:
            for (cell,) in sheet.iter_rows(min_col=column, max_col=column, min_row=(header_row or 0) + 1):
                if isinstance(cell.value, str) and len(cell.value) + 2 > MAX_WIDTH:
                    cell.alignment = _WRAP_TOP
                    heights[cell.row] = max(heights.get(cell.row, 1), _lines(cell.value, width))
    for row, lines in heights.items():  # LibreOffice does not grow rows for wrapped text on opening a file
        sheet.row_dimensions[row].height = LINE_HEIGHT * lines
    print_layout(sheet, total, header_row)
    if header_row:
        sheet.freeze_panes = f"A{header_row + 1}"
        if filter_rows:
            sheet.auto_filter.ref = f"A{header_row}:{get_column_letter(sheet.max_column)}{header_row + filter_rows}"
