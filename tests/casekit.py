"""Rule test cases as data: a base dossier, edits to it, and the states expected per rule ID.

Each bundle keeps its cases beside its rules, in rules/<pack>/cases/ (bundles.py), and they are
checked with that pack. A case file holds
    as_of: 2018-03-01                # the default as_of of its cases (default DEFAULT_AS_OF)
    base: desa_lengkap.yaml          # in tests/fixtures/
    cases:
      - name: ...
        set: {"aparatur[3].status": kosong}   # path -> new value
        remove: ["aparatur[4]"]                # paths to delete
        append: {"aparatur": {...}}            # list path -> item to add
        as_of: 2014-03-01                      # default DEFAULT_AS_OF
        complete: false
        expect: {ELG-03: fail, ELG-00: fail}   # rule ID -> state
        message: {ELG-03: "ditemukan 1"}       # rule ID -> text its finding must contain
        severity: {ELG-03: error}              # rule ID -> the severity of each of its findings
        paths: {BA-11: ["berita_acara[0]"]}    # rule ID -> the paths of its findings, in order
"""

from __future__ import annotations

import copy
import datetime as dt
import re
from pathlib import Path
from typing import Any

import yaml

from cek_integrasi.packs.bundles import RULES_DIR, find_bundles

HERE = Path(__file__).parent
FIXTURES = HERE / "fixtures"
DEFAULT_AS_OF = dt.date(2014, 3, 1)
_STEP = re.compile(r"([^.\[\]]+)|\[(\d+)\]")


def _steps(path: str) -> list[str | int]:
    return [int(i) if i else k for k, i in _STEP.findall(path)]


def _parent(data: Any, path: str) -> tuple[Any, str | int]:
    steps = _steps(path)
    node = data
    for step in steps[:-1]:
        if isinstance(step, str) and step not in node:
            node[step] = {}
        node = node[step]
    return node, steps[-1]


def apply_edits(base: dict, case: dict) -> dict:
    data = copy.deepcopy(base)
    for path, value in (case.get("set") or {}).items():
        node, last = _parent(data, path)
        node[last] = value
    for path in sorted(case.get("remove") or [], key=lambda p: _steps(p)[-1] if isinstance(_steps(p)[-1], int) else -1, reverse=True):
        node, last = _parent(data, path)
        del node[last]
    for path, item in (case.get("append") or {}).items():
        node, last = _parent(data, path)
        node.setdefault(last, []).append(item)
    return data


def load_base(name: str) -> dict:
    return yaml.safe_load((FIXTURES / name).read_text("utf-8"))


def all_cases(rules_dir: Path = RULES_DIR) -> list[tuple[str, dict, dict]]:
    """(case id, case, base data) for every case of every bundle's case files; each case carries
    its bundle's `pack` and, unless it names its own, its file's `as_of`."""
    out = []
    for bundle in find_bundles(rules_dir):
        for file in sorted(bundle.cases.glob("*.yaml")):
            spec = yaml.safe_load(file.read_text("utf-8"))
            base = load_base(spec["base"])
            defaults = {"pack": bundle.id} | ({"as_of": spec["as_of"]} if "as_of" in spec else {})
            for case in spec["cases"]:
                out.append((f"{bundle.id}/{file.stem}:{case['name']}", defaults | case, base))
    return out
