"""Text the user wrote (names, files, messages quoting them), made safe for each output format.

Any name can hold anything: control characters (an ESC that recolours a terminal), bidi overrides,
HTML, Markdown. Each format gets what it needs and nothing more:

- terminal: every control or invisible character but the line break is written as `<U+XXXX>`,
  so it is seen and never acted on;
- Markdown: the same, HTML's `& < >` as entities and Markdown's specials backslash-escaped, so a
  name is text, never markup, a link or a table column;
- XLSX: the characters a workbook cannot hold are dealt with where workbooks are written
  (xlsx_layout.safe_cell_value, xlsx_layout.stripped_cell_value). HTML is escaped by Jinja2's autoescaping.
"""

from __future__ import annotations

import re

from .names import invisible

MARKDOWN_SPECIALS = re.compile(r"([\\`*_\[\]~|#])")


def shown(char: str) -> str:
    return f"<U+{ord(char):04X}>"


def terminal(text: object) -> str:
    """Text for a terminal: control and invisible characters visible as <U+XXXX>, line breaks kept."""
    lines = str(text).split("\n")
    return "\n".join(line if line.isprintable() else "".join(shown(c) if invisible(c) else c for c in line) for line in lines)


def markdown(text: object) -> str:
    """Text for a Markdown line or table cell: never markup, never a second line or column."""
    text = terminal(text).replace("\n", " ")
    text = text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    return MARKDOWN_SPECIALS.sub(r"\\\1", text)
