"""Generators of the published artifacts: JSON schemas and docs/facts.md."""
