"""Read a YAML or JSON file into plain data, remembering the line of every path.

Only plain data comes out: mappings, lists, strings, numbers, booleans and null. YAML dates
stay strings so that the model, not the YAML library, judges them (2012-02-30 must become a
clear message, not a crash). Custom tags, merge keys, duplicate keys and alias bombs are refused.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from .errors import InputError

MAX_BYTES = 10 * 1024 * 1024
MAX_NODES = 200_000
YAML_SUFFIXES = (".yaml", ".yml")
JSON_SUFFIXES = (".json",)

_Loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
_PLAIN_TAGS = {
    "tag:yaml.org,2002:str",
    "tag:yaml.org,2002:int",
    "tag:yaml.org,2002:float",
    "tag:yaml.org,2002:bool",
    "tag:yaml.org,2002:null",
    "tag:yaml.org,2002:timestamp",
    "tag:yaml.org,2002:map",
    "tag:yaml.org,2002:seq",
}
_constructor = yaml.constructor.SafeConstructor()


@dataclass
class Document:
    """A file read into plain data, with the 1-based line where each path starts (YAML only)."""

    path: Path
    data: Any
    lines: dict[str, int] = field(default_factory=dict)
    raw: bytes = b""

    def line_of(self, where: str) -> int | None:
        """Line of `where`, or of its nearest parent that has one."""
        while True:
            if where in self.lines:
                return self.lines[where]
            if not where:
                return None
            cut = max(where.rfind("."), where.rfind("["))
            where = where[:cut] if cut > 0 else ""


def join(parent: str, key: str | int) -> str:
    """Path notation used in every message: aparatur[2].status."""
    if isinstance(key, int):
        return f"{parent}[{key}]"
    return f"{parent}.{key}" if parent else str(key)


def read_document(path: Path) -> Document:
    """Read `path` (YAML or JSON) or raise InputError naming the file and the place."""
    suffix = path.suffix.lower()
    if suffix not in YAML_SUFFIXES + JSON_SUFFIXES:
        raise InputError(path, "", "format_tidak_dikenal", suffix=suffix or "(tanpa akhiran)")
    try:
        size = path.stat().st_size
        if size > MAX_BYTES:
            raise InputError(path, "", "file_terlalu_besar", mb=round(size / 1048576, 1), max_mb=MAX_BYTES // 1048576)
        raw = path.read_bytes()
    except FileNotFoundError:
        raise InputError(path, "", "file_tidak_ada") from None
    except IsADirectoryError:
        raise InputError(path, "", "bukan_file") from None
    except PermissionError:
        raise InputError(path, "", "file_tidak_bisa_dibaca") from None
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise InputError(path, "", "bukan_utf8", offset=exc.start) from None
    if not text.strip():
        raise InputError(path, "", "file_kosong")
    if suffix in JSON_SUFFIXES:
        return Document(path, _read_json(path, text), raw=raw)
    doc = Document(path, None, raw=raw)
    doc.data = _read_yaml(path, text, doc.lines)
    return doc


def _read_json(path: Path, text: str) -> Any:
    def no_duplicates(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
        out: dict[str, Any] = {}
        for key, value in pairs:
            if key in out:
                raise InputError(path, "", "kunci_ganda", kolom=key)
            out[key] = value
        return out

    try:
        return json.loads(text, object_pairs_hook=no_duplicates)
    except json.JSONDecodeError as exc:
        raise InputError(path, "", "json_rusak", line=exc.lineno, detail=exc.msg, col=exc.colno) from None
    except RecursionError:
        raise InputError(path, "", "terlalu_dalam") from None


def _read_yaml(path: Path, text: str, lines: dict[str, int]) -> Any:
    try:
        nodes = list(yaml.compose_all(text, Loader=_Loader))
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line = mark.line + 1 if mark else None
        raise InputError(path, "", "yaml_rusak", line=line, detail=exc.problem or str(exc)) from None
    except yaml.YAMLError as exc:
        raise InputError(path, "", "yaml_rusak", detail=str(exc)) from None
    except RecursionError:
        raise InputError(path, "", "terlalu_dalam") from None
    if not nodes:
        raise InputError(path, "", "file_kosong")
    if len(nodes) != 1:
        raise InputError(path, "", "yaml_banyak_dokumen", count=len(nodes))
    budget = [MAX_NODES]
    try:
        return _convert(path, nodes[0], "", lines, budget)
    except RecursionError:
        raise InputError(path, "", "terlalu_dalam") from None


def _convert(path: Path, node: yaml.Node, where: str, lines: dict[str, int], budget: list[int]) -> Any:
    budget[0] -= 1
    if budget[0] < 0:
        raise InputError(path, where, "terlalu_banyak_elemen", max=MAX_NODES)
    line = node.start_mark.line + 1
    lines.setdefault(where, line)
    if node.tag not in _PLAIN_TAGS:
        raise InputError(path, where, "yaml_tag", line=line, tag=node.tag)
    if isinstance(node, yaml.MappingNode):
        out: dict[str, Any] = {}
        for key_node, value_node in node.value:
            if key_node.tag == "tag:yaml.org,2002:merge":
                raise InputError(path, where, "yaml_merge", line=key_node.start_mark.line + 1)
            key = _convert(path, key_node, where, {}, budget)
            if not isinstance(key, str):
                raise InputError(path, where, "kunci_bukan_teks", line=key_node.start_mark.line + 1, kolom=key)
            if key in out:
                raise InputError(path, where, "kunci_ganda", line=key_node.start_mark.line + 1, kolom=key)
            out[key] = _convert(path, value_node, join(where, key), lines, budget)
        return out
    if isinstance(node, yaml.SequenceNode):
        return [_convert(path, item, join(where, i), lines, budget) for i, item in enumerate(node.value)]
    if node.tag == "tag:yaml.org,2002:timestamp":
        return node.value
    return _constructor.construct_object(node)
