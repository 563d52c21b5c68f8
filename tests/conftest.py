import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).parent))

from cek_integrasi.evaluate import Checker  # noqa: E402
from cek_integrasi.rulepack import load_pack  # noqa: E402


@pytest.fixture(scope="session")
def pack():
    return load_pack()


@pytest.fixture(scope="session")
def checker(pack):
    return Checker(pack, "id")


@pytest.fixture(scope="session")
def checker_en(pack):
    return Checker(pack, "en")
