"""The findings report as data: what every output format renders and the JSON report publishes.

schemas/report.schema.json is generated from these classes (schemas.py).
"""

from __future__ import annotations

import datetime as dt
import hashlib
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

State = Literal["pass", "fail", "pending", "waived", "not_applicable", "error"]
Severity = Literal["error", "warning", "info"]
SEVERITIES: tuple[Severity, ...] = ("error", "warning", "info")
UNMET: tuple[State, ...] = ("fail", "error")  # a finding still to be mended: failed, or not assessable


class _Report(BaseModel):
    model_config = ConfigDict(extra="forbid", defer_build=True)


class WaiverNote(_Report):
    """The waiver that covers a finding."""

    file: str
    index: int = Field(description="Position in the file's pengecualian list.")
    alasan: str
    disetujui_oleh: str
    tanggal: dt.date
    berlaku_sampai: dt.date


class Finding(_Report):
    """A rule that failed (or is pending, or could not be evaluated) on one subject of a dossier."""

    rule: str = Field(description="Catalogue rule ID, e.g. ELG-03.")
    state: State
    severity: Severity
    title: str
    message: str = Field(description="What was seen and what was expected.")
    reference: str = Field(description="Source paragraph, e.g. 'PTI Bab III.B.2'.")
    remediation: str
    subject: str = Field(description="What the finding is about, stable across runs: 'desa', 'ba:<id>', 'tahap:<code>', ...")
    path: str = Field(description="Where in the dossier ('' = the dossier as a whole).")
    line: int | None = Field(None, description="Line in the file where the path starts (YAML only).")
    place: str | None = Field(
        None, description="Where, in the reader's words: sheet, row and column of a workbook; the path in words for YAML/JSON."
    )
    waiver: WaiverNote | None = Field(None, description="Set when the finding is waived (state 'waived').")


class NextStep(_Report):
    """A step of the cycle not reached yet (pending), in the order of the cycle."""

    stage: str
    label: str


class TimelineStep(_Report):
    """One step of the cycle in a dossier: when it was recorded and which findings it has."""

    stage: str
    label: str
    date: dt.date | None
    status: Literal["done", "problem", "pending", "open"] = Field(
        description="done: recorded, no failure; problem: a failed finding on it; pending: not reached yet; open: not judged."
    )
    findings: list[str] = Field(description="Rule IDs of the findings (failed, pending, waived) on this step.")


class DossierResult(_Report):
    """Outcome of every rule of the pack on one dossier."""

    file: str
    sha256: str
    kind: Literal["desa", "kecamatan"]
    code: str
    name: str
    kecamatan: str
    kabupaten: str
    pack: str = Field(
        "pti",
        description="id of the rule pack that judged this dossier (chosen by its plan year, or named with --pack); "
        "a report written before packs were chosen per dossier has none: pti.",
    )
    verdict: str | None = Field(description="WAJIB, BELUM_MEMENUHI or BUKAN_PARTISIPAN (rule ELG-00).")
    results: dict[str, State] = Field(description="State of every rule of the pack, by rule ID.")
    findings: list[Finding]
    next_steps: list[NextStep] = Field(description="Langkah berikutnya: pending steps of the cycle, earliest first.")
    timeline: list[TimelineStep] = Field(description="Every step of the cycle that applies, earliest first.")


class InputProblem(_Report):
    """A file that could not be checked."""

    file: str
    sha256: str | None = Field(None, description="Hash of the file, when it could be read at all.")
    line: int | None
    place: str = Field(description="Where in the file, in the reader's words (sheet, row and column of a workbook).")
    message: str


class WaiverStatus(_Report):
    """What became of one waiver in this run."""

    file: str
    index: int
    aturan: str
    kode: str
    dokumen: str | None
    alasan: str
    disetujui_oleh: str
    tanggal: dt.date
    berlaku_sampai: dt.date
    status: Literal["applied", "unused", "expired", "not_yet_valid"]
    findings: int = Field(description="Findings it waived.")


class Summary(_Report):
    dossiers: int
    findings: dict[Severity, int] = Field(description="Findings not waived, by severity.")
    waived: int
    unreadable: int


class Report(_Report):
    """One run of `cek-integrasi check`."""

    model_config = ConfigDict(title="Laporan cek-integrasi", extra="forbid")

    tool: Literal["cek-integrasi"] = "cek-integrasi"
    version: str
    rule_pack: dict[str, str] = Field(
        description="id, version and sha256 of the rule pack used; with several packs in the run, their ids and "
        "versions joined by ', ' and the sha256 of their 'id sha256' lines (each pack is in rule_packs)."
    )
    rule_packs: list[dict[str, str]] = Field(
        default_factory=list,
        description="Every rule pack of the run: id, version, sha256 and the plan years it judges (years); "
        "each dossier names the one that judged it (pack).",
    )
    as_of: str
    before: str | None = Field(description="Stage code of --before (pre-check before that forum), if asked.")
    complete: bool = Field(description="Complete-cycle audit (--complete).")
    lang: Literal["id", "en"]
    dossiers: list[DossierResult]
    input_errors: list[InputProblem]
    waivers: list[WaiverStatus] = Field(description="Every waiver given, with what became of it.")
    waiver_files: dict[str, str] = Field(description="sha256 of each waiver file used.")
    summary: Summary

    def judging_packs(self) -> list[dict[str, str]]:
        """The packs of the run that judged its dossiers (every pack of the run when none was judged)."""
        used = {d.pack for d in self.dossiers}
        packs = self.rule_packs or [self.rule_pack]
        return [p for p in packs if p["id"] in used] or packs

    def judged_by(self) -> dict[str, str]:
        """The rule pack a report's header names: only the packs that judged its dossiers ('pti 2.1.0' for
        PTI villages checked in a run that could also have used uu-desa)."""
        return joined([{k: p[k] for k in ("id", "version", "sha256")} for p in self.judging_packs()])


def joined(packs: list[dict[str, str]]) -> dict[str, str]:
    """One pack as it is, or several together: ids and versions joined, the sha256 of their 'id sha256'
    lines, so that one hash still pins every rule used."""
    if len(packs) == 1:
        return dict(packs[0])
    lines = "".join(f"{p['id']} {p['sha256']}\n" for p in packs)
    return {
        "id": ", ".join(p["id"] for p in packs),
        "version": ", ".join(p["version"] for p in packs),
        "sha256": hashlib.sha256(lines.encode()).hexdigest(),
    }
