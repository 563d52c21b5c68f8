"""The Python part of the PTI bundle (its data: rules/pti/): its synthetic dossiers (bundles.py)."""

from .generator import GENERATOR

__all__ = ["GENERATOR"]
