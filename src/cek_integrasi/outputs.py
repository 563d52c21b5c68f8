"""Writing output files safely: atomically, never over an input, with spreadsheet formulas defused."""

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


def write_atomic(output: Path, data: bytes) -> None:
    """Write to a temporary file beside the file, then rename: a reader never sees half a file.

    A symbolic link is never replaced: what it names is written (`-o` at a link to /dev/stdout
    writes to standard output). What is not a regular file (a pipe, a terminal, a device) is
    written in place, since it cannot be renamed over. A new file gets the usual permissions
    (0666 less the umask), an existing one keeps its own.
    """
    try:
        special = not stat.S_ISREG(os.stat(output).st_mode)  # the link followed
    except FileNotFoundError:
        special = False
    if special:
        with open(output, "wb") as stream:
            stream.write(data)
        return
    target = Path(os.path.realpath(output))
    mode = target.stat().st_mode & 0o7777 if target.exists() else 0o666 & ~_umask()
    handle, temporary = tempfile.mkstemp(prefix=f".{target.name}.", dir=target.parent)
    try:
        with os.fdopen(handle, "wb") as stream:
            stream.write(data)
            os.fchmod(stream.fileno(), mode)
        os.replace(temporary, target)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise


def _umask() -> int:
    """The process's umask (read without changing it where /proc tells it)."""
    try:
        for line in Path("/proc/self/status").read_text().splitlines():
            if line.startswith("Umask:"):
                return int(line.split()[1], 8)
    except OSError:
        pass
    mask = os.umask(0o022)
    os.umask(mask)
    return mask


def defuse(value: object) -> object:
    """A text cell that a spreadsheet would run as a formula, made plain text (CSV: a leading ')."""
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    return value
