"""The evidence of a report's dossiers, as the kabupaten service's review gives it (service/review.py).

Only the service knows evidence and reviews: `check` and `report` make their reports without it and
show nothing of it. A village counts as verified when its pack requires the evidence of some of its
documents and a reviewer matched every one of them to its evidence.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class DocumentEvidence:
    label: str
    reference: str  # of the pack's requirement
    state: str  # review.STATES: terverifikasi, bukti_ada, tanpa_bukti, tidak_sesuai


@dataclass(frozen=True)
class DossierEvidence:
    status: str  # of its review: draf, diajukan, ditinjau, dikembalikan, diterima
    documents: list[DocumentEvidence]  # those whose evidence the pack requires

    @property
    def verified(self) -> bool:
        return bool(self.documents) and all(d.state == "terverifikasi" for d in self.documents)


def verified_villages(codes: list[str], evidence: dict[str, DossierEvidence]) -> int:
    """How many of these villages (codes) are verified."""
    return sum(1 for code in codes if code in evidence and evidence[code].verified)
