"""Writing output files safely: atomically, never over an input, with spreadsheet formulas defused.

An output file gets the permissions any new file of the user gets (the umask decides, as for a
file saved by an editor), or keeps those of the file it replaces: colleagues on a shared drive
can read it. The temporary file beside it is private until it is renamed.
"""

from __future__ import annotations

import os
import stat
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


def write_atomic(output: Path, data: bytes | Iterable[bytes | str]) -> None:
    """Write to a temporary file beside `output`, then rename: a reader never sees half a file.

    `data` is the whole content or its chunks (text chunks are written as UTF-8), so a long report
    streams to disk as it is made.
    """
    handle, temporary = tempfile.mkstemp(prefix=f".{output.name}.", dir=output.parent)
    try:
        with os.fdopen(handle, "wb") as stream:
            for chunk in [data] if isinstance(data, bytes) else data:
                stream.write(chunk.encode("utf-8") if isinstance(chunk, str) else chunk)
        os.chmod(temporary, _mode_for(output))
        os.replace(temporary, output)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise


def _mode_for(output: Path) -> int:
    """The mode of the file being replaced, else that of a new file under the current umask."""
    try:
        return stat.S_IMODE(output.stat().st_mode)
    except OSError:
        umask = os.umask(0o022)
        os.umask(umask)
        return 0o666 & ~umask


def defuse(value: object) -> object:
    """A text cell that a spreadsheet would run as a formula, made plain text (CSV: a leading ')."""
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    return value
