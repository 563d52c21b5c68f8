"""Waivers in the service: a facilitator requests one, an admin approves it with a period or rejects it.

An approved request becomes the same governed record as a line of a waiver file (`--waivers`): rule,
village or kecamatan, document, justification, the admin as approver, the first and last day it
applies. It joins the waivers of the next check (a submission, or the re-check: the waivers' digest
changes, so the results become stale) and every report shows it on the findings it covers; on the
day after its last day it stops applying, as a file's waiver does.
"""

from __future__ import annotations

import datetime as dt
import re

from sqlalchemy import select

from ..dossiers.model import kode_kecamatan_of
from ..evaluation.waivers import KODE, LoadedWaiver, Waiver
from ..packs.rulepack import RulePack
from . import audit_log
from .scoping import Principal, limited
from .store import TEKS, Store, WaiverRequest, utcnow

SOURCE = "layanan"  # the "file" of these waivers in reports: the service's own record


class RequestError(ValueError):
    """A request or decision that cannot be taken; its text is a catalogue key (svc.<key>)."""


def request(store: Store, packs: list[RulePack], user: Principal, rule: str, code: str, document: str | None, reason: str,
            address: str = "") -> int:
    """Record a pending request; its id."""
    rule, code, document, reason = rule.strip().upper(), code.strip(), (document or "").strip() or None, reason.strip()
    if rule not in {r.id for pack in packs for r in pack.rules}:
        raise RequestError("waiver_unknown_rule")
    if not re.match(KODE, code):
        raise RequestError("waiver_bad_code")
    if not user.may_submit(kode_kecamatan_of(code)):
        raise RequestError("waiver_not_yours")
    if not reason or len(reason) > 2000 or (document and len(document) > TEKS):
        raise RequestError("waiver_reason_needed")
    with store.writing() as db, db.begin():
        row = WaiverRequest(rule=rule, code=code, kecamatan=kode_kecamatan_of(code), document=document, reason=reason, requested_by=user.name)
        db.add(row)
        db.add(audit_log.entry(user.name, "waiver_requested", address, rule=rule, code=code, document=document or ""))
        db.flush()
        return row.id


def decide(store: Store, request_id: int, approve: bool, by: str, valid_from: dt.date | None = None, expires: dt.date | None = None,
           note: str = "", address: str = "") -> None:
    """Approve (with its period) or reject a pending request. KeyError: no such request."""
    if approve and (valid_from is None or expires is None or expires < valid_from):
        raise RequestError("waiver_period")
    with store.writing() as db, db.begin():
        row = db.get(WaiverRequest, request_id, with_for_update=True)
        if row is None:
            raise KeyError(request_id)
        if row.status != "pending":
            raise RequestError("waiver_decided")
        row.status = "approved" if approve else "rejected"
        row.decided_by, row.decided_at, row.note = by, utcnow(), note.strip()[:2000]
        if approve:
            row.valid_from, row.expires = valid_from, expires
        dates = {"valid_from": str(valid_from), "expires": str(expires)} if approve else {}
        db.add(audit_log.entry(by, f"waiver_{row.status}", address, id=row.id, rule=row.rule, code=row.code, **dates))


def approved(store: Store) -> list[LoadedWaiver]:
    """The approved requests as waivers (expired ones too: the check says they expired, as for a file)."""
    with store.reading() as db:
        rows = db.scalars(select(WaiverRequest).where(WaiverRequest.status == "approved").order_by(WaiverRequest.id)).all()
    return [LoadedWaiver(Waiver(aturan=r.rule, kode=r.code, dokumen=r.document, alasan=r.reason, disetujui_oleh=r.decided_by,
                                tanggal=r.valid_from, berlaku_sampai=r.expires), SOURCE, r.id) for r in rows]


def listed(store: Store, scope: frozenset[str] | None) -> list[WaiverRequest]:
    """The requests of a scope, newest first."""
    with store.reading() as db:
        return list(db.scalars(limited(select(WaiverRequest).order_by(WaiverRequest.id.desc()), WaiverRequest.kecamatan, scope)))
