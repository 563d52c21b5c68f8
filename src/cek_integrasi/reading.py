"""Read a YAML or JSON file into plain data, and find the line of any path in it.

Only plain data comes out: mappings, lists, strings, numbers, booleans and null. YAML dates
stay strings so that the model, not the YAML library, judges them (2012-02-30 must become a
clear message, not a crash). Custom tags, merge keys, duplicate keys and alias bombs are refused.

A YAML file is read by libyaml's C loader first (fast); anything unusual in it (an alias, a
tag, a duplicate or merge key, a syntax error) sends it to the careful reader, which walks the
node tree, applies the limits and says exactly what and where. Lines are found by that same walk,
only when a message needs one.
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


class _Unusual(Exception):
    """The fast reader met something only the careful reader may judge."""


class _FastLoader(_Loader):
    """libyaml's loader for plain data: dates stay text; aliases, duplicate and merge keys bail out."""

    def construct_object(self, node, deep=False):
        if node in self.constructed_objects:  # an alias: let the careful reader apply its limits
            raise _Unusual
        return super().construct_object(node, deep)

    def construct_mapping(self, node, deep=False):
        keys = [k.value for k, _ in node.value]
        if len(set(keys)) != len(keys) or any(k.tag != "tag:yaml.org,2002:str" for k, _ in node.value):
            raise _Unusual  # a duplicate, merge or non-text key
        return super().construct_mapping(node, deep)


_FastLoader.add_constructor("tag:yaml.org,2002:timestamp", lambda _loader, node: node.value)
_FastLoader.add_constructor(None, lambda _loader, _node: (_ for _ in ()).throw(_Unusual()))


@dataclass
class Document:
    """A file read into plain data, with the 1-based line where each path starts (YAML only)."""

    path: Path
    data: Any
    lines: dict[str, int] | None = field(default_factory=dict)
    raw: bytes = b""
    places: dict[str, str] | None = None  # workbooks: "Sheet X, baris N, kolom Y" of each path

    def place_of(self, where: str) -> str | None:
        """For a workbook, the sheet, row and column of `where` (or of its nearest parent)."""
        if self.places is None:
            return None
        while where not in self.places and where:
            cut = max(where.rfind("."), where.rfind("["))
            where = where[:cut] if cut > 0 else ""
        return self.places.get(where)

    def line_of(self, where: str) -> int | None:
        """Line of `where`, or of its nearest parent that has one (YAML only)."""
        if self.lines is None:  # read fast: find the lines once, now that one is wanted
            self.lines = _lines(self.raw.decode("utf-8-sig"))
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


def read_bytes(path: Path) -> bytes:
    """The bytes of an input file within the size limit, or InputError."""
    try:
        size = path.stat().st_size
        if size > MAX_BYTES:
            raise InputError(path, "", "file_terlalu_besar", mb=round(size / 1048576, 1), max_mb=MAX_BYTES // 1048576)
        return path.read_bytes()
    except FileNotFoundError:
        raise InputError(path, "", "file_tidak_ada") from None
    except IsADirectoryError:
        raise InputError(path, "", "bukan_file") from None
    except PermissionError:
        raise InputError(path, "", "file_tidak_bisa_dibaca") from None


def read_document(path: Path) -> Document:
    """Read `path` (YAML or JSON) or raise InputError naming the file and the place."""
    suffix = path.suffix.lower()
    if suffix not in YAML_SUFFIXES + JSON_SUFFIXES:
        raise InputError(path, "", "format_tidak_dikenal", suffix=suffix or "(tanpa akhiran)")
    raw = read_bytes(path)
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise InputError(path, "", "bukan_utf8", offset=exc.start) from None
    if not text.strip():
        raise InputError(path, "", "file_kosong")
    if suffix in JSON_SUFFIXES:
        return Document(path, _read_json(path, text), raw=raw)
    try:
        data = yaml.load(text, Loader=_FastLoader)
        if data is not None:
            return Document(path, data, lines=None, raw=raw)
    except (_Unusual, yaml.YAMLError, RecursionError):
        pass
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


def _lines(text: str) -> dict[str, int]:
    """Line of every path of a (plain, already read) YAML text, from libyaml's event stream."""
    lines: dict[str, int] = {}
    stack: list[list] = []  # [kind, path, key or index, expecting a key]
    for event in yaml.parse(text, Loader=_Loader):
        if isinstance(event, (yaml.MappingEndEvent, yaml.SequenceEndEvent)):
            stack.pop()
            continue
        if not isinstance(event, (yaml.ScalarEvent, yaml.MappingStartEvent, yaml.SequenceStartEvent, yaml.AliasEvent)):
            continue
        where = ""
        if stack:
            top = stack[-1]
            if top[0] == "map":
                if top[3]:  # this node is a key
                    top[2], top[3] = event.value, False
                    continue
                where, top[3] = join(top[1], top[2]), True
            else:
                where, top[2] = join(top[1], top[2]), top[2] + 1
        lines.setdefault(where, event.start_mark.line + 1)
        if isinstance(event, yaml.MappingStartEvent):
            stack.append(["map", where, None, True])
        elif isinstance(event, yaml.SequenceStartEvent):
            stack.append(["seq", where, 0, False])
    return lines
