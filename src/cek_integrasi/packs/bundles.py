"""Pack bundles: each regime is one folder `rules/<pack>/` and the Python module its pack.yaml names.

The folder holds the data: pack.yaml, the stage list, the family files and `cases/` (its rule
cases). The module (`module:` in pack.yaml, e.g. `cek_integrasi.packs.uu_desa`) holds what must be
Python: `GENERATOR`, its synthetic dossiers (generating.Generator); and, optionally, the facts and
situations the bundle adds to the vocabulary with their builders (`FACTS`, `BUILDERS`,
`SITUATIONS`, `SITUATION_BUILDERS`: vocabulary.py). Every bundle is found the same way, by looking
in a rules folder; the shared code never names one.
"""

from __future__ import annotations

import importlib
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from types import ModuleType

import yaml_rs

PROJECT_ROOT = Path(__file__).resolve().parents[3]
RULES_DIR = PROJECT_ROOT / "rules"


@dataclass(frozen=True)
class Bundle:
    """One regime: its data folder, its plan years and its Python module."""

    id: str
    folder: Path  # rules/<pack>/
    plan_years: tuple[int, int]
    module: ModuleType  # pack.yaml `module`, imported

    @property
    def cases(self) -> Path:
        """The folder of its rule cases (docs/rules.md, *Tests beside the rules*)."""
        return self.folder / "cases"

    def covers(self, plan_year: int) -> bool:
        return self.plan_years[0] <= plan_year <= self.plan_years[1]

    def __reduce__(self):
        """Pickled with its module's name (a pack goes to a spawned worker with its vocabulary's bundles)."""
        return _bundle, (self.id, self.folder, self.plan_years, self.module.__name__)


def _bundle(bundle_id: str, folder: Path, plan_years: tuple[int, int], module: str) -> Bundle:
    return Bundle(bundle_id, folder, plan_years, importlib.import_module(module))


@cache
def find_bundles(rules_dir: Path = RULES_DIR) -> tuple[Bundle, ...]:
    """Every folder of `rules_dir` with a pack.yaml, in name order, its module imported.

    Only what finding needs is read here (id, plan years, module); a pack.yaml without them is left
    to load_pack, which names the file and the place when the packs are loaded.
    """
    found = []
    for folder in sorted(p for p in rules_dir.iterdir() if (p / "pack.yaml").is_file()) if rules_dir.is_dir() else ():
        try:
            meta = yaml_rs.loads((folder / "pack.yaml").read_text("utf-8-sig"))
            years, module = (meta["plan_years"]["from"], meta["plan_years"]["to"]), importlib.import_module(meta["module"])
        except (yaml_rs.YAMLDecodeError, RecursionError, UnicodeDecodeError, KeyError, TypeError, ImportError):
            continue
        found.append(Bundle(meta["id"], folder, years, module))
    return tuple(found)


def bundle_for_year(plan_year: int, rules_dir: Path = RULES_DIR) -> Bundle | None:
    """The bundle whose plan years cover `plan_year` (None: no bundle does)."""
    return next((b for b in find_bundles(rules_dir) if b.covers(plan_year)), None)
