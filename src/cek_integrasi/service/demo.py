"""`server --demo`: a throwaway store filled with the bundled samples and one account per role."""

from __future__ import annotations

import secrets
from pathlib import Path

from .scoping import Principal
from .accounts import add_user
from ..evaluation.pool import Pool
from .store import Setting, Store, User
from .submissions import submit_many

SAMPLES = Path(__file__).resolve().parents[3] / "samples"
AS_OF = "2014-03-01"  # the samples' plan years are 2013 and 2015
ACCOUNTS = (
    ("admin", "admin", []),
    ("supervisor", "supervisor", []),
    ("fasilitator", "facilitator", ["73.02.05"]),
    ("fasilitator_kindang", "facilitator", ["73.02.08"]),
)


def fill(store: Store, pool: Pool) -> dict[str, str]:
    """The demo accounts (name -> password) and every sample dossier submitted (YAML, then the workbooks: version 2)."""
    passwords = {}
    with store.writing() as db, db.begin():
        db.merge(Setting(key="as_of", value=AS_OF))
        for name, role, kecamatan in ACCOUNTS:
            passwords[name] = secrets.token_urlsafe(9)
            add_user(db, name, role, passwords[name], kecamatan, by="demo")
    with store.reading() as db:
        admin = db.query(User).filter_by(name="admin").one()
        principal = Principal(admin.id, admin.name, admin.role, frozenset())
    for pattern in ("*/*.yaml", "workbooks/*/*.xlsx"):
        files = [(p.name, p.read_bytes()) for p in sorted(SAMPLES.glob(pattern))]
        submit_many(store, pool, principal, files, "id", "demo")
    return passwords
