"""Accounts: argon2 password hashes, creating users, and login throttling.

After `MAX_FAILURES` wrong passwords an account is locked for `LOCK_MINUTES`; an address that keeps
failing (whatever names it tries) is slowed down the same way, counted from the audit log's failed
logins, so every server process and a restart see the same count.
"""

from __future__ import annotations

import datetime as dt

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from . import audit_log
from .store import KODE, NAME, ROLES, AuditEntry, User, UserKecamatan, utcnow

MAX_FAILURES = 5
LOCK_MINUTES = 15
MIN_PASSWORD = 8
_hasher = PasswordHasher()
_DUMMY = _hasher.hash("cek-integrasi: no such user")


class AccountError(ValueError):
    """A user cannot be created or changed; the message key says why (catalogue `svc.*`)."""


def hash_password(password: str) -> str:
    if len(password) < MIN_PASSWORD:
        raise AccountError("password_short")
    return _hasher.hash(password)


def verify(user: User | None, password: str) -> bool:
    """Whether the password is the user's; as slow for an unknown name as for a known one."""
    try:
        return _hasher.verify(user.password_hash if user else _DUMMY, password) and user is not None
    except (VerificationError, InvalidHashError):
        return False


def add_user(session: Session, name: str, role: str, password: str, kecamatan: list[str], by: str) -> User:
    """A new account, in the caller's transaction, with an audit entry."""
    name = name.strip()
    if not name or len(name) > NAME or any(c.isspace() for c in name):
        raise AccountError("bad_name")
    if role not in ROLES:
        raise AccountError("bad_role")
    if any(len(k) > KODE for k in kecamatan):
        raise AccountError("bad_kecamatan")
    if role == "facilitator" and not kecamatan:
        raise AccountError("needs_kecamatan")
    if session.scalar(select(User).where(User.name == name)):
        raise AccountError("name_taken")
    user = User(name=name, role=role, password_hash=hash_password(password), scope=[UserKecamatan(kode=k) for k in sorted(set(kecamatan))])
    session.add(user)
    session.add(audit_log.entry(by, "user_added", name=name, role=role, kecamatan=" ".join(sorted(set(kecamatan)))))
    return user


FAILED_LOGIN = "login_failed"  # the audit action of a wrong name or password


def address_blocked(session: Session, address: str) -> bool:
    """Whether an address failed `MAX_FAILURES * 2` logins within the last `LOCK_MINUTES` (audit log)."""
    failures = session.scalar(
        select(func.count()).select_from(AuditEntry)
        .where(AuditEntry.action == FAILED_LOGIN, AuditEntry.address == address,
               AuditEntry.at > utcnow() - dt.timedelta(minutes=LOCK_MINUTES))
    )
    return failures >= MAX_FAILURES * 2


def locked(user: User | None) -> bool:
    return bool(user and user.locked_until and user.locked_until > utcnow())


def record_failure(user: User) -> None:
    user.failed_logins += 1
    if user.failed_logins >= MAX_FAILURES:
        user.locked_until = utcnow() + dt.timedelta(minutes=LOCK_MINUTES)
        user.failed_logins = 0
