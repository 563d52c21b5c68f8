"""What every XLSX sheet we write must hold to print (read back with openpyxl, as Excel and LibreOffice read it)."""

from __future__ import annotations

A4 = 9  # paperSize code of A4 in SpreadsheetML


def assert_prints(sheet) -> None:
    """A4, one page wide, landscape when wider than a portrait page, page numbers in the footer, and a
    table sheet's frozen header row printed on every page."""
    setup = sheet.page_setup
    assert (setup.paperSize, setup.fitToWidth, setup.fitToHeight) == (A4, 1, 0), sheet.title
    assert sheet.sheet_properties.pageSetUpPr.fitToPage, sheet.title
    wide = sum(d.width for d in sheet.column_dimensions.values()) > 100
    assert setup.orientation == ("landscape" if wide else "portrait"), sheet.title
    assert sheet.oddFooter.right.text == "&P / &N"
    if sheet.freeze_panes:
        header = int(sheet.freeze_panes[1:]) - 1
        assert sheet.print_title_rows == f"${header}:${header}", sheet.title
