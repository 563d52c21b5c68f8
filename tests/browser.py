"""Headless Chromium (Debian package `chromium`, installed by .ci/run) for rendering tests."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
needs_chromium = pytest.mark.skipif(CHROMIUM is None, reason="Chromium is not installed (apt-get install chromium; .ci/run does it)")
FLAGS = [
    "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
    "--disable-background-networking", "--disable-component-update", "--disable-sync",
]


def chromium(*args: str, profile: Path) -> None:
    done = subprocess.run([CHROMIUM, *FLAGS, f"--user-data-dir={profile}", *args], capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr[-2000:]


def screenshot(page: Path, png: Path, profile: Path, size: str = "1200,1600") -> None:
    chromium(f"--window-size={size}", f"--screenshot={png}", page.resolve().as_uri(), profile=profile)


def print_pdf(page: Path, pdf: Path, profile: Path) -> None:
    chromium("--no-pdf-header-footer", f"--print-to-pdf={pdf}", page.resolve().as_uri(), profile=profile)
