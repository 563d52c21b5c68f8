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


def looks_like_formula(value: object) -> bool:
    """A text a spreadsheet may run as a formula: one starting with = + - @ (or a tab or CR), also
    after spaces (a spreadsheet that trims the spaces of a cell it imports would run `  =1+1`)."""
    return isinstance(value, str) and (value.startswith(FORMULA_STARTS) or value.lstrip().startswith(FORMULA_STARTS))


class OutputError(Exception):
    """The output file is one of the inputs and must not be written."""


def guard(output: Path, inputs: Iterable[Path]) -> None:
    """Refuse to write over a file read as input (the files of the run, not just the paths named)."""
    if output.resolve() in {path.resolve() for path in inputs}:
        raise OutputError(str(output))


def write_atomic(output: Path, data: bytes | Iterable[bytes | str]) -> None:
    """Write to a temporary file beside the file, then rename: a reader never sees half a file.

    `data` is the whole content or its chunks (text chunks are written as UTF-8), so a long report
    streams to disk as it is made. A symbolic link is never replaced: what it names is written (`-o`
    at a link to /dev/stdout writes to standard output). What is not a regular file (a pipe, a
    terminal, a device) is written in place, since it cannot be renamed over. A new file gets the
    usual permissions (0666 less the umask), an existing one keeps its own.
    """
    chunks = [data] if isinstance(data, bytes) else data
    try:
        special = not stat.S_ISREG(os.stat(output).st_mode)  # the link followed
    except FileNotFoundError:
        special = False
    if special:
        with open(output, "wb") as stream:
            _write(stream, chunks)
        return
    target = Path(os.path.realpath(output))
    handle, temporary = tempfile.mkstemp(prefix=f".{target.name}.", dir=target.parent)
    try:
        with os.fdopen(handle, "wb") as stream:
            _write(stream, chunks)
        os.chmod(temporary, _mode_for(target))
        os.replace(temporary, target)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise


def _write(stream, chunks: Iterable[bytes | str]) -> None:
    for chunk in chunks:
        stream.write(chunk.encode("utf-8") if isinstance(chunk, str) else chunk)


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
    if looks_like_formula(value):
        return "'" + value
    return value
