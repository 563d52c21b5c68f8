"""Text the user wrote (names, files, messages quoting them), made safe for each output format.

Any name can hold anything: control characters (an ESC that recolours a terminal), bidi overrides,
HTML, Markdown. Each format gets what it needs and nothing more:

- terminal: every control or invisible character but the line break is written as `<U+XXXX>`,
  so it is seen and never acted on;
- Markdown: the same, HTML's `& < >` as entities and Markdown's specials backslash-escaped, so a
  name is text, never markup, a link or a table column;
- XLSX: the characters a workbook cannot hold (C0 controls but tab and line breaks) written as
  `<U+XXXX>` in reports, or left out where the workbook is the dossier itself (`convert`: a name
  without them is the same person, facts.person). HTML is escaped by Jinja2's autoescaping.
"""

from __future__ import annotations

import re

from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE

from .names import invisible

MARKDOWN_SPECIALS = re.compile(r"([\\`*_\[\]~|#])")


def _shown(char: str) -> str:
    return f"<U+{ord(char):04X}>"


def terminal(text: object) -> str:
    """Text for a terminal: control and invisible characters visible as <U+XXXX>, line breaks kept."""
    lines = str(text).split("\n")
    return "\n".join(line if line.isprintable() else "".join(_shown(c) if invisible(c) else c for c in line) for line in lines)


def markdown(text: object) -> str:
    """Text for a Markdown line or table cell: never markup, never a second line or column."""
    text = terminal(text).replace("\n", " ")
    text = text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    return MARKDOWN_SPECIALS.sub(r"\\\1", text)


def cell(value: object) -> object:
    """A value a workbook can hold, characters it cannot written as <U+XXXX> (reports)."""
    if isinstance(value, str) and ILLEGAL_CHARACTERS_RE.search(value):
        return ILLEGAL_CHARACTERS_RE.sub(lambda m: _shown(m.group()), value)
    return value


def cell_stripped(value: object) -> object:
    """A value a workbook can hold, characters it cannot left out (the dossier's own workbook)."""
    if isinstance(value, str):
        return ILLEGAL_CHARACTERS_RE.sub("", value)
    return value
