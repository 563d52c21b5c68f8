"""Fixtures and helpers for the kabupaten service tests: stores on SQLite and PostgreSQL, accounts, logins."""

from __future__ import annotations

import re
import uuid
from pathlib import Path

import postgres
import pytest

from cek_integrasi.packs.rulepack import load_packs
from cek_integrasi.service.scoping import Principal
from cek_integrasi.service.accounts import add_user
from cek_integrasi.evaluation.pool import Pool
from cek_integrasi.service.app import create_app
from cek_integrasi.service.runtime import Settings
from cek_integrasi.service.checking import service_pool
from cek_integrasi.service.store import Setting, Store, User, database_url

ROOT = Path(__file__).resolve().parents[1]
SAMPLES = ROOT / "samples"
RILAU, KINDANG = "73.02.05", "73.02.08"
PASSWORD = "kata-sandi-uji"
AS_OF = "2014-03-01"
# name, role, kecamatan
ACCOUNTS = (
    ("admin", "admin", []),
    ("supervisor", "supervisor", []),
    ("supervisor_rilau", "supervisor", [RILAU]),
    ("fas_rilau", "facilitator", [RILAU]),
    ("fas_kindang", "facilitator", [KINDANG]),
)
BACKENDS = ["sqlite", pytest.param("postgresql", marks=pytest.mark.skipif(not postgres.available(), reason="no PostgreSQL binaries"))]


@pytest.fixture(scope="session")
def pg_server():
    if not postgres.available():
        pytest.skip("no PostgreSQL binaries (apt-get install postgresql; .ci/run does it)")
    with postgres.cluster() as url:
        yield url


@pytest.fixture(params=BACKENDS)
def store_url(request, tmp_path):
    """A fresh empty store: a SQLite file, or a new database on the throwaway PostgreSQL cluster."""
    if request.param == "sqlite":
        return database_url(tmp_path)
    server = request.getfixturevalue("pg_server")
    return database_url(tmp_path, postgres.new_database(server, f"t_{uuid.uuid4().hex[:12]}"))


@pytest.fixture(scope="session")
def check_pool():
    """Every pack, each judging its own plan years, as `check` and `report` without --pack."""
    pool = service_pool(load_packs(), jobs=1, timeout=60)
    yield pool
    pool.close()


def seeded(url: str) -> Store:
    """A store with one account per role of ACCOUNTS and the as-of date of the samples."""
    store = Store(url)
    with store.writing() as db, db.begin():
        db.add(Setting(key="as_of", value=AS_OF))
        for name, role, kecamatan in ACCOUNTS:
            add_user(db, name, role, PASSWORD, kecamatan, by="test")
    return store


def principal(store: Store, name: str) -> Principal:
    with store.reading() as db:
        user = db.query(User).filter_by(name=name).one()
        return Principal(user.id, user.name, user.role, frozenset(user.kecamatan))


def make_app(url: str, data: Path, pool: Pool, **settings):
    seeded(url).close()
    app = create_app(pool.packs, Settings(data=data, database=url, **settings), pool)
    app.config["TESTING"] = True
    return app


def village_app(url: str, data: Path, pool: Pool, village: Path, **settings):
    """The app of make_app with one village dossier submitted by the facilitator of Rilau Ale."""
    app = make_app(url, data, pool, **settings)
    client = app.test_client()
    login(client, "fas_rilau")
    assert "tidak disimpan" not in upload(client, village).get_data(as_text=True)
    return app


def signed_in(app, name: str):
    """A test client of `app` signed in as `name`."""
    client = app.test_client()
    assert login(client, name).status_code == 302
    return client


def csrf(html: str) -> str:
    return re.search(r'name="csrf_token" value="([^"]+)"', html).group(1)


def login(client, name: str, password: str = PASSWORD):
    token = csrf(client.get("/masuk").get_data(as_text=True))
    return client.post("/masuk", data={"name": name, "password": password, "csrf_token": token})


def upload(client, *paths: Path):
    token = csrf(client.get("/kirim").get_data(as_text=True))
    files = [(open(p, "rb"), p.name) for p in paths]
    try:
        return client.post("/kirim", data={"dossier": files, "csrf_token": token}, content_type="multipart/form-data")
    finally:
        for handle, _ in files:
            handle.close()


def sample_files(kecamatan: str = "rilau_ale", pattern: str = "*.yaml") -> list[Path]:
    return sorted((SAMPLES / kecamatan).glob(pattern))
