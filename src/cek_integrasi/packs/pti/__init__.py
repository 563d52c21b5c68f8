"""The Python part of the PTI bundle (its data: rules/pti/): the facts and situations it adds to the
vocabulary, with their builders and the details they give, and its synthetic dossiers (bundles.py)."""

from .facts import BUILDERS, DETAILS, FACTS, SITUATION_BUILDERS, SITUATIONS
from .generator import GENERATOR

__all__ = ["BUILDERS", "DETAILS", "FACTS", "GENERATOR", "SITUATIONS", "SITUATION_BUILDERS"]
