"""API tokens: issued by an admin with a role and kecamatan like an account's, revocable, kept as sha256.

A token is 32 random bytes shown once when issued; the store keeps only its sha256 (a random token
needs no slow password hash), so a copy of the store gives no usable token.
"""

from __future__ import annotations

import hashlib
import secrets

from sqlalchemy import select

from . import audit_log
from .store import NAME, ROLES, ApiToken, Store, utcnow

PREFIX = "cek_"


class TokenError(ValueError):
    """A token request that cannot be granted; its text is a catalogue key (svc.<key>)."""


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def issue(store: Store, label: str, role: str, kecamatan: list[str], by: str, address: str = "") -> str:
    """A new token (returned once, never stored in clear)."""
    label = label.strip()
    if not label or len(label) > NAME:
        raise TokenError("token_label_needed")
    if role not in ROLES:
        raise TokenError("bad_role")
    if role == "facilitator" and not kecamatan:
        raise TokenError("needs_kecamatan")
    token = PREFIX + secrets.token_urlsafe(32)
    with store.writing() as db, db.begin():
        db.add(ApiToken(label=label, token_hash=token_hash(token), role=role, kecamatan=sorted(set(kecamatan)), created_by=by))
        db.add(audit_log.entry(by, "token_issued", address, label=label, role=role, kecamatan=" ".join(sorted(set(kecamatan)))))
    return token


def revoke(store: Store, token_id: int, by: str, address: str = "") -> bool:
    with store.writing() as db, db.begin():
        row = db.get(ApiToken, token_id)
        if row is None:
            return False
        if row.revoked_at is None:
            row.revoked_at = utcnow()
            db.add(audit_log.entry(by, "token_revoked", address, label=row.label))
    return True


def find(store: Store, token: str) -> ApiToken | None:
    """The live token of this text, or None (unknown or revoked)."""
    with store.reading() as db:
        row = db.scalar(select(ApiToken).where(ApiToken.token_hash == token_hash(token), ApiToken.revoked_at.is_(None)))
    return row
