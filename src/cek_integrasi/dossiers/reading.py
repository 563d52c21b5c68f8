"""Read a YAML or JSON file into plain data, and find the line of any path in it.

Only plain data comes out: mappings, lists, strings, numbers, booleans and null, by the YAML 1.2
core schema (`yes`, `no`, `on` and `off` stay text, `0777` is 777). Dates stay strings so that
the model, not the YAML library, judges them (2012-02-30 must become a clear message, not a
crash). Custom tags, merge keys, duplicate keys and alias bombs are refused.

A YAML file is read by yaml-rs (compiled Rust, about ten times faster than PyYAML) when a glance at
its text finds nothing unusual: no tag, anchor, alias, merge key, directive, document marker or
complex key, and no number in a form where yaml-rs and the core schema disagree (`1_000`, `0b1`,
`0X1F`). Everything else, and any file yaml-rs refuses, goes to the careful reader: PyYAML (with
libyaml) under the core schema of yamlcore, which walks the node tree, applies the limits and says
exactly what and where. For a file read fast, lines are found only when a message needs one, from
libyaml's events, each top-level section of the file walked at most once.
"""

from __future__ import annotations

import json
import math
import os
import re
import stat
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, BinaryIO

import yaml
import yaml_rs
import yamlcore

from .. import i18n
from ..errors import InputError

# Limits no real dossier reaches (the largest seen: 1,000 Berita Acara, 0.5 MB, 45,000 elements),
# the same for YAML read fast or carefully, JSON and workbooks; past them a file is refused with a
# message naming the place, before it can cost minutes or gigabytes (README, "Reliability").
MAX_BYTES = 10 * 1024 * 1024  # bytes of a file
MAX_NODES = 200_000  # elements of a file: every mapping, list, key and value counts one
MAX_ITEMS = 10_000  # items of one list (rows of one sheet)
MAX_TEXT = 10_000  # characters of one text (a key or a value)
COUNT_FIRST_BYTES = 1024 * 1024  # a larger YAML file is counted on libyaml's events before yaml-rs reads it
YAML_SUFFIXES = (".yaml", ".yml")
JSON_SUFFIXES = (".json",)

_Loader = yamlcore.CCoreLoader
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
_scalars = _Loader("")  # yamlcore's constructors, applied one scalar node at a time

# Signs in a text that only the careful reader may judge: tags (!), anchors (&), aliases (*),
# complex keys (?), directives (%), merge keys (<<), document markers, and numbers that yaml-rs
# reads but the core schema keeps as text (an underscore beside a digit or a point, 0b/0B, 0O,
# 0X, a sign before 0o/0x). Several simple searches: one regex with alternatives is five times slower.
_UNUSUAL_PATTERNS = (
    re.compile(r"[!&*?%]"),
    re.compile(r"_(?=[0-9.])"),
    re.compile(r"_(?<=[0-9.]_)"),
    re.compile(r"0[bBoOxX]"),
)
_UNUSUAL_TEXTS = ("<<", "\n---", "\n...")


def _unusual(text: str) -> bool:
    return (
        text.startswith(("---", "..."))
        or any(part in text for part in _UNUSUAL_TEXTS)
        or any(pattern.search(text) for pattern in _UNUSUAL_PATTERNS)
    )


@dataclass(frozen=True)
class Place:
    """A place in a workbook, in the words the user sees there: sheet, row, row label, column."""

    sheet: str
    row: int | None = None
    column: str | None = None  # the header of a table column
    label: str | None = None  # the label in column A of a record sheet (one value per row)

    def shown(self, lang: str) -> str:
        parts = [i18n.text("place.sheet", lang, sheet=self.sheet)]
        if self.row is not None:
            parts.append(i18n.text("place.row", lang, row=self.row))
        if self.label:
            parts[-1] += f" ({self.label})"
        if self.column:
            parts.append(i18n.text("place.column", lang, column=self.column))
        return ", ".join(parts)


@dataclass
class Document:
    """A file read into plain data, with the 1-based line where each path starts (YAML only)."""

    path: Path
    data: Any
    lines: dict[str, int] | None = field(default_factory=dict)
    raw: bytes = b""
    places: dict[str, Place] | None = None  # workbooks: the sheet, row and column of each path
    problems: list[InputError] = field(default_factory=list)  # workbooks: cells that could not be read
    _finder: _LineFinder | None = field(default=None, repr=False)  # read fast: finds lines when asked

    def place_of(self, where: str) -> Place | None:
        """For a workbook, the sheet, row and column of `where` (or of its nearest parent)."""
        if self.places is None:
            return None
        while where not in self.places and where:
            cut = max(where.rfind("."), where.rfind("["))
            where = where[:cut] if cut > 0 else ""
        return self.places.get(where)

    def line_of(self, where: str) -> int | None:
        """Line of `where`, or of its nearest parent that has one (YAML only)."""
        if self.lines is None:  # read fast: find the line now that one is wanted
            if self._finder is None:
                self._finder = _LineFinder(self.raw.decode("utf-8-sig"), self.data)
            return self._finder.line_of(where)
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
    """The bytes of a regular file within the size limit, or InputError.

    Opened without blocking and judged by what was opened (fstat), so a named pipe, a device
    (a link to /dev/zero), a socket or a folder is refused at once, and never more than
    MAX_BYTES + 1 bytes are read, whatever size the file claims.
    """
    with open_regular(path) as handle:
        size = os.fstat(handle.fileno()).st_size
        data = handle.read(MAX_BYTES + 1) if size <= MAX_BYTES else b""
    return within_size(path, data, max(size, len(data)))


def within_size(path: Path, raw: bytes, size: int | None = None) -> bytes:
    """`raw` if its file keeps within the size limit (`size`: the file's, when not all of it was read), else InputError.

    Bytes already in memory (the service's uploads) are held to the same limit as a file read from disk."""
    size = len(raw) if size is None else size
    if size > MAX_BYTES:
        raise InputError(path, "", "file_terlalu_besar", mb=round(size / 1048576, 1), max_mb=MAX_BYTES // 1048576)
    return raw


def is_folder(path: Path) -> bool:
    """Whether `path` is a folder; False when it cannot even be looked at (a folder on its way may
    not be entered), so that opening it reports the file as unreadable instead of raising."""
    try:
        return stat.S_ISDIR(os.stat(path).st_mode)
    except OSError:
        return False


def open_regular(path: Path) -> BinaryIO:
    """`path` opened for reading if it is a regular file (a link is followed), else InputError."""
    try:
        fd = os.open(path, os.O_RDONLY | os.O_NONBLOCK | os.O_NOCTTY)
    except FileNotFoundError:
        raise InputError(path, "", "file_tidak_ada") from None
    except PermissionError:
        raise InputError(path, "", "folder_tidak_bisa_dibaca" if is_folder(path) else "file_tidak_bisa_dibaca") from None
    except OSError as exc:
        raise InputError(path, "", "file_tidak_bisa_dibuka", detail=exc.strerror or str(exc)) from None
    mode = os.fstat(fd).st_mode
    if not stat.S_ISREG(mode):
        os.close(fd)
        raise InputError(path, "", "bukan_file" if stat.S_ISDIR(mode) else "bukan_file_biasa")
    os.set_blocking(fd, True)
    return os.fdopen(fd, "rb")


def read_document(path: Path, raw: bytes | None = None) -> Document:
    """Read `path` (YAML or JSON) or raise InputError naming the file and the place.

    `raw`: the file's bytes when they are already in memory; `path` then only names the file."""
    suffix = path.suffix.lower()
    raw = read_bytes(path) if raw is None else within_size(path, raw)  # first: a folder that cannot be opened is reported as such
    if suffix not in YAML_SUFFIXES + JSON_SUFFIXES:
        raise InputError(path, "", "format_tidak_dikenal", suffix=suffix or "(tanpa akhiran)")
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise InputError(path, "", "bukan_utf8", offset=exc.start) from None
    if not text.strip():
        raise InputError(path, "", "file_kosong")
    if suffix in JSON_SUFFIXES:
        return Document(path, check_limits(path, _read_json(path, text)), raw=raw)
    if len(raw) > COUNT_FIRST_BYTES:  # no data built before its elements are counted
        _counted(path, text)
    data = _read_plain(text)
    if data is not None:
        return Document(path, check_limits(path, data), lines=None, raw=raw)
    doc = Document(path, None, raw=raw)
    doc.data = _read_yaml(path, text, doc.lines)
    return doc


def check_limits(path: Path, data: Any) -> Any:
    """`data` unchanged if it keeps within the limits, else InputError at the first place past one.

    Elements are counted in the order the careful reader counts them, so a file gets the same
    answer whichever reader read it (a `%` in a comment sends a file to the careful reader)."""
    try:
        _within(path, data, "", [MAX_NODES])
    except RecursionError:
        raise InputError(path, "", "terlalu_dalam") from None
    return data


def _within(path: Path, value: Any, where: str, budget: list[int]) -> None:
    _count(path, where, budget)
    if isinstance(value, dict):
        for key, item in value.items():
            _count(path, where, budget)
            if isinstance(key, str):
                _text(path, where, key)
            _within(path, item, join(where, key), budget)
    elif isinstance(value, list):
        for index, item in enumerate(value):
            _item(path, where, index)
            _within(path, item, join(where, index), budget)
    elif isinstance(value, str):
        _text(path, where, value)
    elif isinstance(value, float) and not math.isfinite(value):
        raise InputError(path, where, "bukan_angka", nilai=str(value))


def _count(path: Path, where: str, budget: list[int]) -> None:
    budget[0] -= 1
    if budget[0] < 0:
        raise InputError(path, where, "terlalu_banyak_elemen", max=MAX_NODES)


def _item(path: Path, where: str, index: int) -> None:
    if index >= MAX_ITEMS:
        raise InputError(path, where, "terlalu_banyak_item", max=MAX_ITEMS)


def _text(path: Path, where: str, text: str) -> None:
    if len(text) > MAX_TEXT:
        raise InputError(path, where, "teks_terlalu_panjang", panjang=len(text), max=MAX_TEXT)


def read_again_carefully(doc: Document) -> None:
    """Read a fast-read YAML file again with the careful reader, which raises InputError for what
    the fast reader lets through (a key that is not text) and finds every line on the way."""
    if doc.lines is None:
        doc.lines = {}
        _read_yaml(doc.path, doc.raw.decode("utf-8-sig"), doc.lines)


def _read_plain(text: str) -> dict[str, Any] | None:
    """A plain YAML mapping read by yaml-rs, or None when the careful reader must judge the text."""
    if _unusual(text):
        return None
    try:
        data = yaml_rs.loads(text, parse_datetime=False)
    except (yaml_rs.YAMLDecodeError, RecursionError):
        return None
    return data if isinstance(data, dict) else None


def _read_json(path: Path, text: str) -> Any:
    def no_duplicates(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
        out: dict[str, Any] = {}
        for key, value in pairs:
            if key in out:
                raise InputError(path, "", "kunci_ganda", kolom=key)
            out[key] = value
        return out

    def no_constants(name: str) -> Any:  # NaN, Infinity, -Infinity: not JSON, though Python reads them
        raise InputError(path, "", "bukan_angka", nilai=name)

    try:
        return json.loads(text, object_pairs_hook=no_duplicates, parse_constant=no_constants)
    except json.JSONDecodeError as exc:
        if exc.msg.startswith("Invalid control character"):
            raise _control_character(path, text, exc.pos) from None
        raise InputError(path, "", "json_rusak", line=exc.lineno, detail=exc.msg, col=exc.colno) from None
    except RecursionError:
        raise InputError(path, "", "terlalu_dalam") from None


def _control_character(path: Path, text: str, position: int) -> InputError:
    """A control character written raw in a file (both readers refuse it): where, and which."""
    char = text[position] if 0 <= position < len(text) else "?"
    line = text.count("\n", 0, position) + 1
    return InputError(path, "", "karakter_kendali", line=line, kode=f"U+{ord(char):04X}")


def _read_yaml(path: Path, text: str, lines: dict[str, int]) -> Any:
    _counted(path, text)  # before the node tree is built: a flat file of a million keys costs no memory
    try:
        nodes = list(yaml.compose_all(text, Loader=_Loader))
    except yaml.reader.ReaderError as exc:  # a character YAML does not allow (a control character)
        raise _control_character(path, text, exc.position) from None
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


def _counted(path: Path, text: str) -> None:
    """The limits checked on the text's events (see `_events_within`), YAML errors left to the reader."""
    try:
        _events_within(path, text)
    except yaml.YAMLError:
        pass  # the reader that follows says what is wrong and where
    except RecursionError:
        raise InputError(path, "", "terlalu_dalam") from None


def _events_within(path: Path, text: str) -> None:
    """The limits checked on libyaml's events, in the order `check_limits` counts (aliases count
    one here; expanded, they are counted again by `_convert`)."""
    budget = [MAX_NODES]
    for where, kind, event in _nodes(text):
        if kind == "item":
            _item(path, where, event)
            continue
        _count(path, where, budget)
        if isinstance(event, yaml.ScalarEvent):
            _text(path, where, event.value)


def _nodes(text: str) -> Iterator[tuple[str, str, Any]]:
    """(path, kind, event) of every node of a YAML text, keys included (at their mapping's path), in
    document order; before each item of a list, (path of the list, "item", its index)."""
    stack: list[list] = []  # [kind, path, key or index, expecting a key]
    for event in yaml.parse(text, Loader=yaml.CBaseLoader):
        if isinstance(event, (yaml.MappingEndEvent, yaml.SequenceEndEvent)):
            stack.pop()
            continue
        if not isinstance(event, (yaml.ScalarEvent, yaml.MappingStartEvent, yaml.SequenceStartEvent, yaml.AliasEvent)):
            continue
        path = ""
        if stack:
            top = stack[-1]
            if top[0] == "map":
                if top[3]:  # this node is a key
                    top[2], top[3] = getattr(event, "value", None), False
                    yield top[1], "key", event
                    if not isinstance(event, yaml.ScalarEvent):  # a complex key: a node of its own
                        stack.append(["map" if isinstance(event, yaml.MappingStartEvent) else "seq", top[1], 0, True])
                    continue
                path, top[3] = join(top[1], top[2]), True
            else:
                yield top[1], "item", top[2]
                path, top[2] = join(top[1], top[2]), top[2] + 1
        yield path, "node", event
        if isinstance(event, yaml.MappingStartEvent):
            stack.append(["map", path, None, True])
        elif isinstance(event, yaml.SequenceStartEvent):
            stack.append(["seq", path, 0, False])


def _convert(path: Path, node: yaml.Node, where: str, lines: dict[str, int], budget: list[int]) -> Any:
    _count(path, where, budget)
    line = node.start_mark.line + 1
    lines.setdefault(where, line)
    if node.tag not in _PLAIN_TAGS:
        raise InputError(path, where, "yaml_tag", line=line, tag=node.tag)
    if isinstance(node, yaml.MappingNode):
        out: dict[str, Any] = {}
        for key_node, value_node in node.value:
            if key_node.tag == "tag:yaml.org,2002:merge" or (key_node.value == "<<" and not key_node.style):
                raise InputError(path, where, "yaml_merge", line=key_node.start_mark.line + 1)
            key = _convert(path, key_node, where, {}, budget)
            if not isinstance(key, str):
                raise InputError(path, where, "kunci_bukan_teks", line=key_node.start_mark.line + 1, kolom=key)
            if key in out:
                raise InputError(path, where, "kunci_ganda", line=key_node.start_mark.line + 1, kolom=key)
            out[key] = _convert(path, value_node, join(where, key), lines, budget)
        return out
    if isinstance(node, yaml.SequenceNode):
        out = []
        for i, item in enumerate(node.value):
            _item(path, where, i)
            out.append(_convert(path, item, join(where, i), lines, budget))
        return out
    if node.tag == "tag:yaml.org,2002:timestamp":
        return node.value
    try:
        value = _Loader.yaml_constructors[node.tag](_scalars, node)
    except (KeyError, ValueError):  # an explicit tag on a value it cannot hold: !!bool maybe
        raise InputError(path, where, "yaml_tag", line=line, tag=f"{node.tag} {node.value}") from None
    if isinstance(value, float) and not math.isfinite(value):
        raise InputError(path, where, "bukan_angka", nilai=str(value))
    return value


# Rows at column 0 that are not blank, a comment or an item of a list (a list may start there).
_COLUMN_0 = re.compile(r"^(?![\s#]|-(?:[ \t]|$)).+", re.M)
_TOP_KEY = re.compile(r"([A-Za-z_][\w-]*):(?:\s|$)")
_HEAD = re.compile(r"[^.\[]*")


class _LineFinder:
    """Lines of a file read fast, from libyaml's events, each part of the file walked at most once.

    When the file is a block mapping whose top-level keys start at column 0, exactly the keys read
    and in their order, each key's section (its row up to the next key's; lists may start at column
    0 too) is a small document of its own: the first line asked for in a section maps every path of
    that section, and later questions are answered from the map. Otherwise the whole file is mapped
    at the first question. Either way the cost is linear in the file, however many lines are asked
    (one walk per question made a dossier with 1,000 Berita Acara quadratic: minutes, not seconds).
    """

    def __init__(self, text: str, data: Any):
        self.text = text
        self.sections: dict[str, tuple[int, int]] | None = None  # key -> its first and past-last offset
        self.mapped: dict[str, dict[str, int]] = {}  # section key ("" for the whole file) -> path -> line
        starts: list[tuple[str, int]] = []
        for row in _COLUMN_0.finditer(text):
            key = _TOP_KEY.match(row.group())
            if key is None:
                return
            starts.append((key.group(1), row.start()))
        if isinstance(data, dict) and [key for key, _ in starts] == list(data):
            ends = [offset for _, offset in starts[1:]] + [len(text)]
            self.sections = {key: (start, end) for (key, start), end in zip(starts, ends)}

    def line_of(self, where: str) -> int:
        head = _HEAD.match(where).group()
        section = head if self.sections is not None and head in self.sections else ""
        if section not in self.mapped:
            if section:
                start, end = self.sections[section]
                offset = self.text.count("\n", 0, start)
                self.mapped[section] = {path: line + offset for path, line in _map_lines(self.text[start:end]).items()}
            else:
                self.mapped[section] = _map_lines(self.text)
        lines = self.mapped[section]
        while where not in lines and where:
            cut = max(where.rfind("."), where.rfind("["))
            where = where[:cut] if cut > 0 else ""
        return lines.get(where, 1)


def _map_lines(text: str) -> dict[str, int]:
    """Line of every node of a plain YAML text, by path, from one pass over libyaml's events."""
    lines: dict[str, int] = {}
    for where, kind, event in _nodes(text):
        if kind == "node":
            lines.setdefault(where, event.start_mark.line + 1)
    return lines
