"""What the running local page holds (its packs, limits and kept uploads), made by the application
factory and kept once in `app.extensions`; the views reach it through `local_page()`."""

from __future__ import annotations

from dataclasses import dataclass, field

from flask import current_app

from ..packs.rulepack import RulePack
from ..packs.stages import Stage
from .jobs import Checks

EXTENSION = "cek_integrasi_page"  # its key in app.extensions


@dataclass
class LocalPage:
    packs: list[RulePack]  # judging uploads by plan year, or the one named with --pack
    checks: Checks  # the kept uploads and their checks
    max_upload_mb: int
    max_files: int
    wait_seconds: float  # how long a request waits for a check before showing "being checked"
    stages: dict[str, Stage] = field(init=False)  # every pack's steps by code

    def __post_init__(self):
        self.stages = {code: stage for pack in self.packs for code, stage in pack.plan.stages.items()}


def local_page() -> LocalPage:
    return current_app.extensions[EXTENSION]
