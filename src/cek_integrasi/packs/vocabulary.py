"""The fact vocabulary rule conditions are written in: the shared facts (facts.py) and the facts
every bundle in rules/ adds (its module's FACTS, bundles.py), by subject kind.

The vocabulary is one: every subject carries every fact of its kind, whichever pack judges it, so a
fact means the same to every pack. A bundle's facts may not reuse a name already in it.
"""

from __future__ import annotations

from .bundles import find_bundles
from .facts import CATALOGUE as SHARED
from .facts import FactSpec

BUNDLES = find_bundles()


def _merged() -> dict[str, dict[str, FactSpec]]:
    out = {kind: dict(specs) for kind, specs in SHARED.items()}
    for bundle in BUNDLES:
        for kind, specs in getattr(bundle.module, "FACTS", {}).items():
            taken = sorted(out[kind].keys() & specs.keys())
            if taken:
                raise ValueError(f"{bundle.module.__name__}: FACTS {kind}: {', '.join(taken)} already in the vocabulary")
            out[kind].update(specs)
    return out


CATALOGUE = _merged()
VILLAGE_FACTS = tuple(bundle.module.village_facts for bundle in BUNDLES if hasattr(bundle.module, "village_facts"))
"""Each bundle's builder of its own village facts, in bundle order: (dossier, ctx, stages, VillageBasics) -> (facts, details)."""
