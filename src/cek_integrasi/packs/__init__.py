"""Rule packs: loading and checking rule files, conditions, stages, and the facts rules test."""

DEFAULT_PACK = "pti"  # the pack `rules`, `stages`, `screen` and `template` use when none is named
