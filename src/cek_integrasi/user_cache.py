"""The folder of this program's caches: what it can rebuild, kept between commands to start faster.

The user's cache folder (platformdirs: ~/.cache/cek-integrasi/ on Linux, ~/Library/Caches/cek-integrasi/
on macOS, %LOCALAPPDATA%\\cek-integrasi\\Cache\\ on Windows); CEK_INTEGRASI_CACHE_DIR names another
folder, best an absolute one. Each cache keeps to a subfolder of its own, and one that cannot be
read or written only means its work is done again.
"""

from __future__ import annotations

import os
from pathlib import Path

APP = "cek-integrasi"
CACHE_ENV = "CEK_INTEGRASI_CACHE_DIR"


def cache_dir() -> Path:
    """The folder of this program's caches (CEK_INTEGRASI_CACHE_DIR, else the user's cache folder)."""
    named = os.environ.get(CACHE_ENV)
    if named:
        return Path(named)
    import platformdirs

    return Path(platformdirs.user_cache_dir(APP, appauthor=False))
