import atexit
import os
import shutil
import sys
import tempfile
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).parent))
# The record of rule files found valid (packs/validated.py) is the tests' own, not the developer's: set before any test
# module loads a pack, and inherited by the commands the tests run
os.environ["CEK_INTEGRASI_CACHE_DIR"] = _CACHE = tempfile.mkdtemp(prefix="cek-integrasi-cache-")
atexit.register(shutil.rmtree, _CACHE, ignore_errors=True)

from cek_integrasi.evaluation.evaluate import Checker  # noqa: E402
from cek_integrasi.packs.rulepack import load_pack, load_packs  # noqa: E402


@pytest.fixture(scope="session")
def pack():
    return load_pack()


@pytest.fixture(scope="session")
def packs():
    """Every pack in rules/, by id."""
    return {p.id: p for p in load_packs()}


@pytest.fixture(scope="session")
def checkers(packs, checker):
    """A checker per pack, by id (the PTI one is `checker`)."""
    return {pid: checker if pid == checker.pack.id else Checker(p, "id") for pid, p in packs.items()}


@pytest.fixture(scope="session")
def checker(pack):
    return Checker(pack, "id")


@pytest.fixture(scope="session")
def checker_en(pack):
    return Checker(pack, "en")


@pytest.fixture(autouse=True, scope="session")
def _no_user_configuration(tmp_path_factory):
    """A cek-integrasi.toml in the developer's own configuration folder must not change what tests see."""
    patch = pytest.MonkeyPatch()
    patch.setenv("XDG_CONFIG_HOME", str(tmp_path_factory.mktemp("user-config")))
    yield
    patch.undo()
