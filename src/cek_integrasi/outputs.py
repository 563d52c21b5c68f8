"""Writing output files safely: atomically, never over an input, with spreadsheet formulas defused."""

from __future__ import annotations

import os
import tempfile
from collections.abc import Iterable
from pathlib import Path

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


class OutputError(Exception):
    """The output file is one of the inputs and must not be written."""


def guard(output: Path, inputs: Iterable[Path]) -> None:
    """Refuse to write over a file read as input (the files of the run, not just the paths named)."""
    if output.resolve() in {path.resolve() for path in inputs}:
        raise OutputError(str(output))


def write_atomic(output: Path, data: bytes) -> None:
    """Write to a temporary file beside `output`, then rename: a reader never sees half a file."""
    handle, temporary = tempfile.mkstemp(prefix=f".{output.name}.", dir=output.parent)
    try:
        with os.fdopen(handle, "wb") as stream:
            stream.write(data)
        os.replace(temporary, output)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise


def defuse(value: object) -> object:
    """A text cell that a spreadsheet would run as a formula, made plain text (CSV: a leading ')."""
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    return value
