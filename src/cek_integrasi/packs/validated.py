"""Which rule files were already found valid, so that loading an unchanged pack skips its schema check.

Checking a pack's files against schemas/rules.schema.json (and importing jsonschema to do it) took
longer than all the rest of loading the pack, on every command. A file is valid again when its
bytes, the schema's bytes, how it is checked (rulepack.VALIDATION and the part of the schema), the
program's version and its YAML reader's are those of a file found valid before: the SHA-256 of them
is kept as an empty file in `valid-rules/` of the program's cache folder (user_cache.py). Only a
valid file is recorded, so an invalid one is refused every time; a cache folder that cannot be read
or written only means the file is checked again next time. The folder is the user's own: whoever can
write in it could make a file pass unchecked, as they could edit the program itself.
"""

from __future__ import annotations

import hashlib
from pathlib import Path

import yaml_rs

from .. import __version__
from ..user_cache import cache_dir


def key(check: str, schema: bytes, raw: bytes) -> str:
    """What names one file's check: its bytes, read by this yaml-rs and checked as `check` (how, and against which
    part) says against the schema (its bytes), by this version of the program."""
    digest = hashlib.sha256()
    for piece in (__version__.encode(), yaml_rs.__version__.encode(), check.encode(), schema, raw):
        digest.update(len(piece).to_bytes(8, "big"))
        digest.update(piece)
    return digest.hexdigest()


def _marker(name: str) -> Path:
    return cache_dir() / "valid-rules" / name


def known(name: str) -> bool:
    """Whether the check named `name` passed before."""
    try:
        return _marker(name).is_file()
    except OSError:
        return False


def record(name: str) -> None:
    """Remember that the check named `name` passed (silently not, where the cache folder cannot be written)."""
    marker = _marker(name)
    try:
        marker.parent.mkdir(parents=True, exist_ok=True)
        marker.touch()
    except OSError:
        pass
