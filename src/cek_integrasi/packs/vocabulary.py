"""The fact vocabulary rule conditions are written in, as a value: the shared facts and situations
(facts.py) and those every bundle in use adds, with the bundles' builders of them.

A bundle's module (bundles.py) may add to it:
- `FACTS = {kind: {name: FactSpec}}` and `BUILDERS = {kind: builder}`: each builder takes the basics
  the shared builder of that kind worked out (facts.py: VillageBasics for `desa`, KecamatanBasics for
  `kecamatan`, ForumBasics for `forum`, ... one for every kind) and returns `(facts, details)`;
- `SITUATIONS = {name: FactSpec}` and `SITUATION_BUILDERS = {kind: builder}`: what the `when` of a
  stage sequence may test, from the same basics of a dossier's own subject (`desa`, `kecamatan`);
- `DETAILS = {kind: names}`: the details its builders give (display values for messages), so that
  a pack whose messages show one is given the bundle that builds it.

The vocabulary is one: a fact means the same to every pack, and a bundle may not reuse a name already
in it. The bundles in use are those of rules/ and those of the folder the packs are loaded from
(`of_folder`); every caller that names no folder gets the vocabulary of rules/ (`default`). A pack
judges with its part of it (`part`): the shared facts and those of the bundles it reads, so that every
subject it judges carries every fact of its kind in that part, and builds no fact no rule of it reads.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

from .bundles import RULES_DIR, Bundle, find_bundles
from .facts import CATALOGUE, SITUATIONS, FactSpec

Builder = Callable[[Any], Any]  # basics -> (facts, details) in new dicts, or the situation values


@dataclass(frozen=True)
class Vocabulary:
    """The facts of each subject kind and the situations, each with the bundle that adds it (None: shared),
    and the bundles' builders by kind, in bundle order."""

    catalogue: dict[str, dict[str, FactSpec]]
    situations: dict[str, FactSpec]
    origin: dict[tuple[str, str], str | None]  # (kind or "when", name) -> the bundle that adds it
    detail_origin: dict[tuple[str, str], str]  # (kind, name) of a detail a bundle declares -> that bundle
    builders: dict[str, tuple[Builder, ...]]
    situation_builders: dict[str, tuple[Builder, ...]]
    bundles: tuple[Bundle, ...]  # those it was joined from, in order

    def part(self, bundle_ids: set[str]) -> "Vocabulary":
        """The shared facts and situations with those of the bundles named (a pack's part: rulepack.py)."""
        return vocabulary_of(tuple(b for b in self.bundles if b.id in bundle_ids))

    def build(self, kind: str, basics: Any) -> tuple[dict[str, Any], dict[str, Any]]:
        """The facts and details the bundles add to one subject of `kind`, built on its `basics` (new dicts)."""
        builders = self.builders.get(kind, ())
        if len(builders) == 1:  # the most common case, once for every subject: no copies
            return builders[0](basics)
        facts: dict[str, Any] = {}
        details: dict[str, Any] = {}
        for builder in builders:
            more, more_details = builder(basics)
            facts.update(more)
            details.update(more_details)
        return facts, details

    def situation(self, kind: str, basics: Any) -> dict[str, Any]:
        """The situation values the bundles give a dossier's own subject of `kind`."""
        out: dict[str, Any] = {}
        for builder in self.situation_builders.get(kind, ()):
            out.update(builder(basics))
        return out


def _join(into: dict[str, Any], specs: dict[str, Any], where: str) -> None:
    taken = sorted(into.keys() & specs.keys())
    if taken:
        raise ValueError(f"{where}: {', '.join(taken)} already in the vocabulary")
    into.update(specs)


@cache
def vocabulary_of(bundles: tuple[Bundle, ...]) -> Vocabulary:
    """The shared vocabulary joined with what each of `bundles` adds (ValueError: a name taken twice or an unknown kind)."""
    catalogue = {kind: dict(specs) for kind, specs in CATALOGUE.items()}
    situations = dict(SITUATIONS)
    origin: dict[tuple[str, str], str | None] = {(kind, name): None for kind, specs in CATALOGUE.items() for name in specs}
    origin.update({("when", name): None for name in SITUATIONS})
    details: dict[str, dict[str, str]] = {}  # kind -> detail name -> the bundle that declares it
    builders: dict[str, list[Builder]] = {}
    situation_builders: dict[str, list[Builder]] = {}
    for bundle in bundles:
        module = bundle.module
        for kind, names in getattr(module, "DETAILS", {}).items():
            _join(details.setdefault(kind, {}), dict.fromkeys(names, bundle.id), f"{module.__name__}: DETAILS {kind}")
        for kind, specs in getattr(module, "FACTS", {}).items():
            if kind not in catalogue:
                raise ValueError(f"{module.__name__}: FACTS {kind}: no such subject; known: {', '.join(catalogue)}")
            _join(catalogue[kind], specs, f"{module.__name__}: FACTS {kind}")
            origin.update({(kind, name): bundle.id for name in specs})
        _join(situations, getattr(module, "SITUATIONS", {}), f"{module.__name__}: SITUATIONS")
        origin.update({("when", name): bundle.id for name in getattr(module, "SITUATIONS", {})})
        for kind, builder in getattr(module, "BUILDERS", {}).items():
            builders.setdefault(kind, []).append(builder)
        for kind, builder in getattr(module, "SITUATION_BUILDERS", {}).items():
            situation_builders.setdefault(kind, []).append(builder)
    return Vocabulary(
        catalogue, situations, origin, {(kind, name): b for kind, names in details.items() for name, b in names.items()},
        {kind: tuple(b) for kind, b in builders.items()}, {kind: tuple(b) for kind, b in situation_builders.items()}, bundles,
    )


def of_folder(rules_dir: Path = RULES_DIR) -> Vocabulary:
    """The vocabulary of the packs of `rules_dir`: the bundles of rules/ and those of `rules_dir` whose module
    is not among them (a copy of a pack of rules/ brings nothing new)."""
    bundles = find_bundles(RULES_DIR)
    modules = {b.module.__name__ for b in bundles}
    if rules_dir != RULES_DIR:
        bundles += tuple(b for b in find_bundles(rules_dir) if b.module.__name__ not in modules)
    return vocabulary_of(bundles)


def default() -> Vocabulary:
    """The vocabulary of the packs of rules/: what every caller that names no other folder gets."""
    return of_folder(RULES_DIR)
