"""The Python part of the UU 6/2014 bundle (its data: rules/uu-desa/): the facts it adds to the
vocabulary and its synthetic dossiers (bundles.py)."""

from .facts import FACTS, village_facts
from .generator import GENERATOR

__all__ = ["FACTS", "GENERATOR", "village_facts"]
