"""The documents of a dossier that evidence (a scan or a photo) is attached to, each with a fingerprint of its facts.

A document is named by a key that stays the same from version to version: `ba:`, `perdes:` or `sk:`
and the dossier's own id of it, or the name of a part (`kantor`, `aparatur`, `bpd`, `spc`). Its
fingerprint is the sha256 of its facts as the dossier states them: a new version whose document
states the same facts keeps that document's evidence; one that changed them needs new evidence.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass

import orjson
from pydantic import BaseModel

from .model import DesaDossier, Dossier

# the sections of a dossier whose entries are documents of their own, by key prefix
LISTED = {"ba": "berita_acara", "perdes": "peraturan_desa", "sk": "keputusan_kepala_desa"}
# the parts of a dossier that are one document each, by key; a village's roster facts, a kecamatan's SPC
VILLAGE_PARTS = {"kantor": "kantor", "aparatur": "aparatur", "bpd": "bpd"}
KECAMATAN_PARTS = {"spc": "surat_penetapan_camat"}


@dataclass(frozen=True)
class DocumentFacts:
    key: str  # 'ba:BA-RKP-2014', 'kantor', ...
    kind: str  # 'ba', 'perdes', 'sk', 'kantor', 'aparatur', 'bpd', 'spc'
    about: str  # what a listed document is about: a Perdes' or SK's perihal, a Berita Acara's forum; '' for a part
    name: str  # the dossier's own id of a listed document, '' for a part
    fingerprint: str


def fingerprint(facts) -> str:
    """The sha256 of facts (a model, a list of models, None) as JSON with sorted keys."""
    plain = [f.model_dump(mode="json") for f in facts] if isinstance(facts, list) else (
        facts.model_dump(mode="json") if isinstance(facts, BaseModel) else facts)
    return hashlib.sha256(orjson.dumps(plain, option=orjson.OPT_SORT_KEYS)).hexdigest()


def documents(dossier: Dossier) -> list[DocumentFacts]:
    """The documents of a dossier in the order a reader meets them: its parts, then each listed document."""
    parts = VILLAGE_PARTS if isinstance(dossier, DesaDossier) else KECAMATAN_PARTS
    found = [DocumentFacts(key, key, "", "", fingerprint(getattr(dossier, field))) for key, field in parts.items()
             if getattr(dossier, field) not in (None, [])]
    for kind, section in LISTED.items():
        for entry in getattr(dossier, section, []):
            about = getattr(entry, "perihal", None) or getattr(entry, "forum", "")
            found.append(DocumentFacts(f"{kind}:{entry.id}", kind, about, entry.id, fingerprint(entry)))
    return found
