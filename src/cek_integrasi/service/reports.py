"""The compliance report of a kecamatan or the kabupaten, from the store: the same HTML and XLSX as `report`."""

from __future__ import annotations

from collections import Counter

from .. import __version__
from ..packs.facts import Context
from ..reports.html_report import render_html
from ..evaluation.results import SEVERITIES, DossierResult, Report, Summary, WaiverStatus
from ..packs.rulepack import RulePack
from ..evaluation.run import combined
from ..evaluation.waivers import WaiverSet
from ..reports.xlsx_report import report_workbook

MIME = {"html": "text/html; charset=utf-8", "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"}


def report_of(dossiers: list[DossierResult], packs: list[RulePack], ctx: Context, lang: str, waivers: WaiverSet) -> Report:
    """A Report as `check` would make it of these results (villages first, as `check` orders them),
    with what became of each active waiver."""
    dossiers = sorted(dossiers, key=lambda d: (d.kind != "desa", d.code))
    counts = Counter(f.severity for d in dossiers for f in d.findings if not f.waiver)
    used = Counter((f.waiver.file, f.waiver.index) for d in dossiers for f in d.findings if f.waiver)
    statuses = []
    for loaded in waivers.waivers:
        status = loaded.status_on(ctx.as_of)
        if status == "live":
            status = "applied" if used[(loaded.file, loaded.index)] else "unused"
        statuses.append(WaiverStatus(file=loaded.file, index=loaded.index, status=status,
                                     findings=used[(loaded.file, loaded.index)], **loaded.waiver.model_dump()))
    return Report(
        version=__version__,
        rule_pack=combined(packs),
        rule_packs=[{"id": p.id, "version": p.version, "sha256": p.digest, "years": p.years} for p in packs],
        as_of=ctx.as_of.isoformat(), before=None, complete=ctx.complete, lang=lang,
        dossiers=dossiers, input_errors=[], waivers=statuses, waiver_files=waivers.files,
        summary=Summary(dossiers=len(dossiers), findings={s: counts[s] for s in SEVERITIES},
                        waived=sum(1 for d in dossiers for f in d.findings if f.waiver), unreadable=0),
    )


def rendered(report: Report, fmt: str) -> bytes:
    return render_html(report).encode("utf-8") if fmt == "html" else report_workbook(report)
