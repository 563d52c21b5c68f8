"""CSV as Indonesian Excel opens it: UTF-8 with a byte-order mark, `;` between cells by default.

Excel in the Indonesian locale splits columns on its list separator, `;` (the decimal separator is
the comma); the BOM makes it read UTF-8 instead of the Windows code page, so names such as
"Bonto Sallang – Dusun I" stay whole. `,` is for Excel or LibreOffice in other locales.
Cells that a spreadsheet would run as a formula are made plain text.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Iterator

from .. import i18n
from ..outputs import defuse
from .check_output import Parts, _message, _place, _severity, input_place

BOM = "\ufeff"
SEPARATORS = (";", ",")
DEFAULT_SEPARATOR = ";"


def _line(cells: Iterable[object], separator: str) -> str:
    out = io.StringIO()
    csv.writer(out, delimiter=separator, lineterminator="\r\n").writerow([defuse(cell) for cell in cells])
    return out.getvalue()


def csv_chunks(
    headers: list[str], rows: Iterable[Iterable[object]], separator: str = DEFAULT_SEPARATOR, bom: bool = True
) -> Iterator[str]:
    """The CSV text, the BOM (for a file) and the header row first, then a line per row."""
    yield (BOM if bom else "") + _line(headers, separator)
    for row in rows:
        yield _line(row, separator)


def csv_text(headers: list[str], rows: Iterable[Iterable[object]], separator: str = DEFAULT_SEPARATOR, bom: bool = True) -> str:
    return "".join(csv_chunks(headers, rows, separator, bom))


def findings_csv(parts: Parts, separator: str = DEFAULT_SEPARATOR, bom: bool = True) -> Iterator[str]:
    """Every finding of a run as one CSV row (file, village, rule, place, message, reference, what to do),
    then every file that could not be checked (unreadable, invalid) as a row of its own, so that a
    spreadsheet of the findings never hides a file that was not read."""
    lang = parts.header["lang"]
    keys = ("col_file", "col_code", "col_village", "col_rule", "col_severity", "col_place", "col_message",
            "col_reference", "col_remediation")
    headers = [i18n.text(f"ui.{key}", lang) for key in keys]

    def rows() -> Iterator[list[object]]:
        for result in parts.results:
            for f in result.findings:
                yield [result.file, result.code, result.name, f.rule, _severity(f, lang), _place(f, lang),
                       _message(f, lang), f.reference, f.remediation]
        not_checked = i18n.text("ui.not_checked", lang)
        for problem in parts.footer()["input_errors"]:
            yield [problem.file, "", "", "", not_checked, input_place(problem, lang), problem.message, "", ""]

    yield from csv_chunks(headers, rows(), separator, bom)
