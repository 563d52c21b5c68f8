"""The `cek-integrasi` command line: one module per group of commands, all on one click group."""

from . import catalogue, checking, config_command, server, serving, spreadsheets  # noqa: F401  (they register their commands)
from .base import main

__all__ = ["main"]
