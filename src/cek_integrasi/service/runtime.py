"""The service object: what one running kabupaten service holds (its store, checking pool, packs,
settings and the caches kept between requests), made by the application factory and kept once in
`app.extensions`. Views, the authorization and the factory reach it through `service()`, never by
importing the app module, and no cache keyed by a store lives in a module."""

from __future__ import annotations

import functools
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from flask import Flask, current_app

from ..packs.rulepack import RulePack
from ..evaluation.pool import Pool
from .progress import WeeklyCache
from .screening_rounds import RoundCounts, round_counts
from .store import Store
from .waiver_files import ActiveWaivers

EXTENSION = "cek_integrasi"  # its key in app.extensions
ROUNDS_KEPT = 8  # screening rounds whose comparison with the round before is kept


@dataclass
class Settings:
    data: Path
    database: str
    max_upload_mb: int = 10
    max_evidence_mb: int = 10  # one evidence file (a scan or photo)
    jobs: int = 2
    check_timeout: float = 20.0
    check_memory_mb: int = 1024
    secure_cookies: bool = False  # set behind a TLS reverse proxy


@dataclass
class Service:
    store: Store
    pool: Pool
    settings: Settings
    weekly: WeeklyCache = field(default_factory=WeeklyCache)  # the overview's weeks gone by (progress.WeeklyCache)
    compared_rounds: Callable[[int], RoundCounts] = field(init=False)  # a round compared with the one before, per kecamatan
    waivers: ActiveWaivers = field(init=False)  # the active waivers, read again only when they change

    def __post_init__(self):
        self.waivers = ActiveWaivers(self.pool.packs)
        self.compared_rounds = functools.lru_cache(maxsize=ROUNDS_KEPT)(functools.partial(round_counts, self.store))

    @property
    def packs(self) -> list[RulePack]:
        """The packs the uploads are checked with."""
        return self.pool.packs


def service(app: Flask | None = None) -> Service:
    """The service object of `app`, by default of the app handling the request."""
    return (app or current_app).extensions[EXTENSION]
