"""The `cek-integrasi` command line: one module per group of commands, all on one click group, each module
imported when one of its commands is used (base.COMMANDS)."""

import atexit
import gc

from .base import main

__all__ = ["main", "run"]


def run() -> None:
    """The program (`cek-integrasi`, `python -m cek_integrasi`): the command group, and no garbage collection at exit.

    A command's objects die with its process; collecting them first (Python does, as it exits) took a screening
    of 3,000 rows about 60 ms, a tenth of its time. Tests call `main` and keep collecting.
    """
    atexit.register(gc.freeze)
    main()
