"""Tables that fit the terminal: column widths shared out within `COLUMNS`, long text wrapped.

shutil.get_terminal_size reads COLUMNS, then the terminal itself; output that goes to a file or a
pipe gets FALLBACK columns. tabulate is imported when a table is drawn, not when a command starts.
"""

from __future__ import annotations

import shutil
import textwrap
from collections.abc import Mapping, Sequence

FALLBACK = 160  # a file or a pipe: wide enough for every table without wrapping much
NARROWEST = 6
# what tabulate adds to a column's text (its minimum padding, cell padding, borders) and once per table
BORDERS = {"simple_grid": (5, 1), "simple": (4, -2)}


def width() -> int:
    return shutil.get_terminal_size((FALLBACK, 24)).columns


def column_widths(weights: Sequence[int], style: str = "simple_grid", fixed: Mapping[int, int] | None = None) -> list[int]:
    """The widest each column may be so that the table fits the terminal.

    Columns in `fixed` (index: width) keep their width (rule IDs, severities, codes stay whole);
    the others share what is left by `weights`.
    """
    fixed = dict(fixed or {})
    per_column, once = BORDERS[style]
    room = width() - per_column * len(weights) - once
    shared = [i for i in range(len(weights)) if i not in fixed]
    if room - sum(fixed.values()) < NARROWEST * len(shared):  # too narrow for them: every column shares
        weights = [fixed.get(i, weight) for i, weight in enumerate(weights)]
        fixed, shared = {}, list(range(len(weights)))
    left = room - sum(fixed.values())
    total = sum(weights[i] for i in shared) or 1
    widths = [fixed[i] if i in fixed else max(NARROWEST, left * weights[i] // total) for i in range(len(weights))]
    while sum(widths) > room and max(widths) > NARROWEST:  # the narrowest columns took more than their share
        widths[widths.index(max(widths))] -= 1
    return widths


def table(rows: Sequence[Sequence[object]], headers: Sequence[str], weights: Sequence[int], style: str = "simple_grid",
          fixed: Mapping[int, int] | None = None) -> str:
    """`rows` under `headers` drawn by tabulate in `style`, each column at most its column_widths width (headers too)."""
    from tabulate import tabulate

    widths = column_widths(weights, style, fixed)
    return tabulate(rows, headers=headers, tablefmt=style, maxcolwidths=widths, maxheadercolwidths=widths)


def wrap(text: str, indent: str = "") -> str:
    """A long line wrapped to the terminal, every line but the first indented by `indent`."""
    return "\n".join(
        textwrap.fill(line, width(), subsequent_indent=indent, break_on_hyphens=False) if line else line
        for line in text.split("\n")
    )


def rule_line(char: str = "=") -> str:
    """A line across the terminal (at most 78 characters), between blocks."""
    return char * min(78, width())
