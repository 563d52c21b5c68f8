"""The Python part of the UU 6/2014 bundle (its data: rules/uu-desa/): the facts and situations it
adds to the vocabulary, with their builders and the details they give, and its synthetic dossiers (bundles.py)."""

from .facts import BUILDERS, DETAILS, FACTS, SITUATION_BUILDERS, SITUATIONS
from .generator import GENERATOR

__all__ = ["BUILDERS", "DETAILS", "FACTS", "GENERATOR", "SITUATIONS", "SITUATION_BUILDERS"]
