"""The evidence of the latest versions in a scope, as the compliance reports of the service show it
(reports/evidence_summary.py): each document whose evidence its pack requires, with its state."""

from __future__ import annotations

from collections import defaultdict

from sqlalchemy import func, select

from .. import i18n
from ..errors import InputError
from ..packs.rulepack import RulePack
from ..reports.evidence_summary import DocumentEvidence, DossierEvidence
from . import evidence, review
from .scoping import run_scoped, scoped_statements
from .store import DocumentReview, Evidence, ReviewStep, Store, Subject, Submission

_EVIDENCE = scoped_statements(select(Evidence).where(Evidence.removed_at.is_(None)).order_by(Evidence.id), Evidence.kecamatan)
_REVIEWS = scoped_statements(select(DocumentReview), DocumentReview.kecamatan)
_LAST_STEPS = scoped_statements(
    select(ReviewStep.code, ReviewStep.version, ReviewStep.status_after)
    .where(ReviewStep.id.in_(select(func.max(ReviewStep.id)).group_by(ReviewStep.code))),
    ReviewStep.kecamatan,
)


def of_latest(store: Store, packs: list[RulePack], latest: list[tuple[Subject, Submission]], scope: frozenset[str] | None,
              lang: str) -> dict[str, DossierEvidence] | None:
    """The evidence of each dossier of `latest` (its subject and latest version, all within `scope`), by code;
    None where no dossier in scope has evidence or a review step yet (the report is then the one `report` writes)."""
    attached, judged = defaultdict(list), defaultdict(list)
    with store.reading() as db:
        for row in run_scoped(db, _EVIDENCE, scope).scalars():
            attached[row.code].append(row)
        for row in run_scoped(db, _REVIEWS, scope).scalars():
            judged[row.code].append(row)
        last = {row.code: row for row in run_scoped(db, _LAST_STEPS, scope)}
    if not (attached or judged or last):
        return None
    by_id = {pack.id: pack for pack in packs}
    out = {}
    for subject, submission in latest:
        try:
            docs = evidence.documents_of(store, packs, submission)
        except InputError:  # its file no longer reads with these packs' steps: no document to show
            docs = []
        shown, reviews = evidence.matching(attached[subject.code], docs), review.matching_reviews(judged[subject.code], docs)
        pack = by_id.get(submission.pack.split()[0])
        needs = [(d, pack.evidence_need(d.kind, d.about)) for d in docs] if pack else []
        step = last.get(subject.code)
        out[subject.code] = DossierEvidence(
            status=review.status_from(step, subject.versions),
            documents=[DocumentEvidence(i18n.text(f"evidence.kind_{d.kind}", lang, name=d.name), need.reference,
                                        review.state(shown[d.key], reviews.get(d.key))) for d, need in needs if need],
        )
    return out
