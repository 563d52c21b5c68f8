"""The configuration file `cek-integrasi.toml`: defaults people would otherwise type every time.

It is looked for in the working folder first, then in the user's configuration folder (on Linux
~/.config/cek-integrasi/, on Windows %APPDATA%\\cek-integrasi\\); the first one found is used.
Settings at the top apply to every command that has that option; a table per command
(`[check]`, `[report]`, `[rules.list]`) applies to that command only and wins. docs/config.md.
"""

from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import click

from ..user_cache import APP

FILE_NAME = "cek-integrasi.toml"


class ConfigError(Exception):
    """A configuration file that cannot be used: its path, the line (when known) and what is wrong."""

    def __init__(self, path: Path, line: int | None, key: str, detail: str):
        super().__init__(detail)
        self.path, self.line, self.key, self.detail = path, line, key, detail


@dataclass
class Config:
    """The file that was found (None: no file) and its settings as written."""

    path: Path | None = None
    settings: dict[str, Any] = field(default_factory=dict)
    text: str = ""

    def line_of(self, section: list[str], key: str = "") -> int | None:
        """The line where `key` is set in the table `section` (top level: []), or the table's own line."""
        dotted = r"\s*\.\s*".join(re.escape(part) for part in section)
        header = re.compile(r"^\s*\[\s*" + dotted + r"\s*\]") if section else None
        setting = re.compile(r"^\s*[\"']?" + re.escape(key) + r"[\"']?\s*=")
        inside = header is None
        for number, line in enumerate(self.text.splitlines(), start=1):
            if line.lstrip().startswith("["):
                inside = bool(header and header.match(line))
                if inside and not key:
                    return number
            elif inside and key and setting.match(line):
                return number
        return None


def places(cwd: Path | None = None) -> list[Path]:
    """Where the file is looked for, in order."""
    return [(cwd or Path.cwd()) / FILE_NAME, Path(click.get_app_dir(APP)) / FILE_NAME]


def find(cwd: Path | None = None) -> Config:
    """The first configuration file found, read; an empty Config when there is none.

    A place that cannot be looked at (a folder on its way may not be entered) is a ConfigError:
    whether it holds a file is unknown, and a file silently passed over would surprise."""
    for path in places(cwd):
        try:
            found = path.is_file()
        except OSError:
            raise ConfigError(path, None, "", ("unreadable", {})) from None
        if found:
            return read(path)
    return Config()


_AT = re.compile(r"\(at line (\d+), column (\d+)\)")


def read(path: Path) -> Config:
    """Read one file; ConfigError with the line for broken TOML or text that is not UTF-8, or for a file that may not be read."""
    try:
        text = path.read_bytes().decode("utf-8-sig")
    except OSError:
        raise ConfigError(path, None, "", ("unreadable", {})) from None
    except UnicodeDecodeError as error:
        raise ConfigError(path, None, "", f"utf-8:{error.start}") from None
    try:
        settings = tomllib.loads(text)
    except tomllib.TOMLDecodeError as error:
        where = _AT.search(str(error))
        raise ConfigError(path, int(where[1]) if where else None, "", _AT.sub("", str(error)).strip()) from None
    return Config(path, settings, text)
