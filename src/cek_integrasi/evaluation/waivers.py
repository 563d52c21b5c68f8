"""Waivers: governed exceptions to a rule for one dossier (or one document in it).

A waiver file lists who approved what, why, when, and until when. A waiver applies to the failed
findings of its rule on the dossier with its code (and, if `dokumen` is given, on that document or
step only: a Berita Acara id, a stage code, a village code, ...) while the as-of date lies between
`tanggal` and `berlaku_sampai`. Waived findings keep their message and get state `waived`; a waiver
that is expired, not yet valid, or matches nothing is reported, never silently dropped.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError, model_validator
from pydantic_core import PydanticCustomError

from ..dossiers.loading import InvalidDossier, problems_of
from ..errors import InputError
from ..dossiers.model import Tanggal, Teks
from ..dossiers.reading import read_document

KODE = r"^\d{2}\.\d{2}\.\d{2}(\.\d{4})?$"


class Waiver(BaseModel):
    """One approved exception."""

    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True, defer_build=True)

    aturan: str = Field(pattern=r"^[A-Z]{2,4}-\d{2}$", description="Rule ID, e.g. ELG-03.")
    kode: str = Field(pattern=KODE, description="Code of the desa (PP.KK.CC.DDDD) or kecamatan (PP.KK.CC).")
    dokumen: Teks | None = Field(None, description="Only this document or step: a Berita Acara id, a stage code, ...")
    alasan: Teks = Field(description="Justification.")
    disetujui_oleh: Teks = Field(description="Who approved the waiver (name and post).")
    tanggal: Tanggal = Field(description="Date of approval; the waiver applies from this date.")
    berlaku_sampai: Tanggal = Field(description="Last day the waiver applies.")

    @model_validator(mode="after")
    def _period(self) -> "Waiver":
        if self.berlaku_sampai < self.tanggal:
            raise PydanticCustomError("waiver_terbalik", "berlaku_sampai lebih awal dari tanggal persetujuan")
        return self


class WaiverFile(BaseModel):
    """A file of waivers (schemas/waivers.schema.json)."""

    model_config = ConfigDict(extra="forbid", title="Pengecualian cek-integrasi", defer_build=True)

    pengecualian: list[Waiver]


@dataclass(frozen=True)
class LoadedWaiver:
    """A waiver with the place it was written."""

    waiver: Waiver
    file: str
    index: int

    def matches(self, rule: str, code: str, subject: str) -> bool:
        w = self.waiver
        return w.aturan == rule and w.kode == code and (w.dokumen is None or subject.split(":", 1)[-1] == w.dokumen)

    def status_on(self, as_of: dt.date) -> Literal["live", "expired", "not_yet_valid"]:
        if as_of > self.waiver.berlaku_sampai:
            return "expired"
        return "not_yet_valid" if as_of < self.waiver.tanggal else "live"


@dataclass
class WaiverSet:
    """Every waiver of a run, and their files' hashes."""

    waivers: list[LoadedWaiver] = field(default_factory=list)
    files: dict[str, str] = field(default_factory=dict)

    def find(self, rule: str, code: str, subject: str) -> list[LoadedWaiver]:
        return [w for w in self.waivers if w.matches(rule, code, subject)]


def load_waivers(files: list[tuple[str, bytes]], rule_ids: set[str]) -> WaiverSet:
    """Read waiver files, each (its name, its bytes); raise InputError naming the file and place of anything wrong."""
    out = WaiverSet()
    for name, raw in files:
        path = Path(name)
        doc = read_document(path, raw)
        try:
            parsed = WaiverFile.model_validate(doc.data)
        except ValidationError as exc:
            raise InvalidDossier(path, problems_of(doc, exc)) from None
        for i, waiver in enumerate(parsed.pengecualian):
            if waiver.aturan not in rule_ids:
                where = f"pengecualian[{i}].aturan"
                raise InputError(path, where, "aturan_tidak_ada", line=doc.line_of(where), aturan=waiver.aturan)
            out.waivers.append(LoadedWaiver(waiver, name, i))
        out.files[name] = hashlib.sha256(doc.raw).hexdigest()
    return out
