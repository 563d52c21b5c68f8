"""What a user may see: their scope, one rule for every page, query and report of the service.

A scope is a set of kecamatan codes, or None for every kecamatan: an admin sees everything, a
supervisor the whole store or the kecamatan given, a facilitator only the kecamatan given
(`scope_of`, which a signed-in `Principal` applies). A row, a village or a round's count is in scope when
its kecamatan is (`covers`); the statements of the dashboard, the reports and the lists are limited
to it here (`limited`, or `scoped_statements` and `run_scoped` for statements built once).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from sqlalchemy import Connection, Result, Select, bindparam
from sqlalchemy.orm import Session

Scope = frozenset[str] | None


def scope_of(role: str, kecamatan: Iterable[str]) -> Scope:
    """The scope of a role given these kecamatan: None (everything) for an admin and for a supervisor given none."""
    given = frozenset(kecamatan)
    return None if role == "admin" or (role == "supervisor" and not given) else given


def covers(scope: Scope, kecamatan: str) -> bool:
    """Whether the kecamatan of that code is in scope."""
    return scope is None or kecamatan in scope


@dataclass(frozen=True)
class Principal:
    id: int | None  # None: an API token
    name: str
    role: str
    kecamatan: frozenset[str]

    @property
    def scope(self) -> Scope:
        """The kecamatan codes this user sees, or None for all of them."""
        return scope_of(self.role, self.kecamatan)

    def sees(self, kecamatan: str) -> bool:
        return covers(self.scope, kecamatan)

    def may_submit(self, kecamatan: str) -> bool:
        return self.role == "admin" or (self.role == "facilitator" and kecamatan in self.kecamatan)


def limited(query: Select, column, scope: Scope) -> Select:
    """`query` limited to the rows whose `column` (a kecamatan code) is in scope."""
    return query if scope is None else query.where(column.in_(sorted(scope)))


def scoped_statements(query: Select, column) -> dict[bool, Select]:
    """A statement unlimited (False) and limited to the kecamatan of the parameter `scope` (True)."""
    return {False: query, True: query.where(column.in_(bindparam("scope", expanding=True)))}


def run_scoped(db: Session | Connection, built: dict[bool, Select], scope: Scope, **params) -> Result:
    """Run the statement of `built` for a scope: the one limited by the expanding parameter `scope`, or the
    unlimited one (None: every kecamatan). Statements built once cost less than building them per page."""
    if scope is not None:
        params["scope"] = sorted(scope)
    return db.execute(built[scope is not None], params)
