"""Input errors: a file that cannot be checked, with the place in it and what was expected."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from . import i18n

PLACES = {"first"}  # context values that are places in the file (a path, or a workbook's Place)


class InputError(Exception):
    """A file could not be read or is not a valid dossier.

    `code` keys a sentence in the locale catalogues (section `input`), `context` fills it.
    """

    def __init__(self, path: Path, where: str, code: str, line: int | None = None, **context: Any):
        super().__init__(code)
        self.path = path
        self.where = where
        self.code = code
        self.line = line
        self.context = context

    def describe(self, lang: str = "id") -> str:
        """The plain-words message, without the file name; a place in it (`first`) in the reader's words."""
        context = {k: i18n.place(v, lang) if k in PLACES else v for k, v in self.context.items()}
        return i18n.text(f"input.{self.code}", lang, **context)
