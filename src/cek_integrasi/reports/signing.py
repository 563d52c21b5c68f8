"""What turns a compliance report into a document an official signs: letterhead, signature block, summary-only.

Given on the command line (`report --kop ... --tempat ... --mengetahui ... --pembuat ... --ringkas`)
or by the defaults of a configuration file; the HTML and XLSX reports render the same choices.
"""

from __future__ import annotations

from dataclasses import dataclass

from ..evaluation.results import DossierResult

SHOWN_STATES = ("fail", "error", "waived")  # a dossier "with findings" has one of these (pending steps are not findings)


@dataclass(frozen=True)
class Signatory:
    """Who signs: position ("Camat Rilau Ale"), name and, optionally, the civil-servant number (NIP)."""

    position: str
    name: str
    nip: str = ""

    @classmethod
    def parse(cls, text: str) -> Signatory:
        """'Position; Name' or 'Position; Name; NIP' (the form of the command-line options)."""
        parts = [part.strip() for part in text.split(";")]
        if len(parts) not in (2, 3) or not all(parts):
            raise ValueError(text)
        return cls(*parts)


@dataclass(frozen=True)
class Signing:
    """Letterhead lines, the place of signing, the signatories, and whether only dossiers with findings get pages."""

    letterhead: tuple[str, ...] = ()
    place: str = ""
    acknowledged_by: Signatory | None = None  # "Mengetahui, <position>"
    prepared_by: Signatory | None = None  # "<place>, <date> / <position>"
    brief: bool = False

    @property
    def signed(self) -> bool:
        return self.acknowledged_by is not None or self.prepared_by is not None

    def shows(self, result: DossierResult) -> bool:
        """Whether a dossier gets its own pages: always, or (brief) only when it has a finding."""
        return not self.brief or any(f.state in SHOWN_STATES for f in result.findings)
