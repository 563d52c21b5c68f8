"""The Python part of the PTI bundle (its data: rules/pti/): the facts and situations it adds to the
vocabulary, with their builders, and its synthetic dossiers (bundles.py)."""

from .facts import BUILDERS, FACTS, SITUATION_BUILDERS, SITUATIONS
from .generator import GENERATOR

__all__ = ["BUILDERS", "FACTS", "GENERATOR", "SITUATIONS", "SITUATION_BUILDERS"]
