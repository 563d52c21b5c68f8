"""The compliance report as one self-contained HTML file: inline CSS and SVG charts, no network, A4 print.

Everything shown is escaped by Jinja2's autoescape; every word comes from the catalogues.
"""

from __future__ import annotations

import datetime as dt

from .. import i18n
from ..html_templates import template
from .compliance import summarize
from .evidence_summary import DossierEvidence, verified_villages
from ..evaluation.results import Report
from .signing import Signing


def render_html(report: Report, signing: Signing = Signing(), evidence: dict[str, DossierEvidence] | None = None) -> str:
    """The report; with `signing`, a letterhead, a signature block and (brief) pages only for dossiers with findings;
    with `evidence` (the kabupaten service's review, by dossier code), the evidence of each dossier's documents."""
    lang = report.lang
    compliance = summarize(report)
    villages = [d for d in compliance.dossiers if d.result.kind == "desa"]
    return template("report.html.j2").render(
        report=report,
        judged=report.judged_by(),
        c=compliance,
        villages=villages,
        compliant=sum(1 for d in villages if d.compliant),
        signing=signing,
        shown_count=sum(1 for d in compliance.dossiers if signing.shows(d.result)),
        as_of=dt.date.fromisoformat(report.as_of),
        t=lambda key, **context: i18n.text(key, lang, **context),
        show=lambda value: i18n.show(value, lang),
        evidence=evidence,
        verified=lambda dossiers: verified_villages([d.result.code for d in dossiers], evidence or {}),
    )
