"""Rule packs: loading and checking rule files, conditions, stages, and the facts rules test."""
