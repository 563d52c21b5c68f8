"""The compliance report as an XLSX workbook that prints (xlsx_layout): written as a stream.

Sheets: the summary (letterhead, figures per kecamatan, the most frequent findings, signature
block), every finding with its message, reference and remediation, one sheet per kecamatan, and
the appendix of files and their sha256. Text that a spreadsheet would take for a formula is text;
the characters a workbook cannot hold (control characters from a name) are written as <U+XXXX>.
"""

from __future__ import annotations

import datetime as dt
import re

from .. import i18n
from .compliance import Compliance, KecamatanFigures, summarize
from .evidence_summary import DossierEvidence, verified_villages
from ..evaluation.results import Report
from .signing import Signing
from ..xlsx_layout import SheetPlan, Styled, save, stripped_cell_value


def sheet_title(name: str, used: set[str]) -> str:
    """A valid, unique sheet name (31 characters, none of []:*?/\\ nor a control character)."""
    base = re.sub(r"[\[\]:*?/\\\t\n\r]", " ", stripped_cell_value(name))[:31] or "-"
    title, n = base, 2
    while title.lower() in used:
        title = f"{base[:28]}~{n}"
        n += 1
    used.add(title.lower())
    return title


def report_workbook(report: Report, signing: Signing = Signing(), evidence: dict[str, DossierEvidence] | None = None) -> bytes:
    """The workbook; with `evidence` (the kabupaten service's review, by dossier code), a sheet of it."""
    c = summarize(report)
    t = lambda key, **context: i18n.text(key, report.lang, **context)  # noqa: E731
    used = {t("xlsx.summary").lower(), t("xlsx.findings").lower()}
    plans = [_summary(report, c, signing, t, evidence), _findings(report, t)]
    if evidence is not None:
        plans.append(_evidence(report, evidence, sheet_title(t("report.evidence"), used), t))
    plans += [_kecamatan(k, sheet_title(k.name, used), report.lang, t) for k in c.kecamatan]
    plans.append(_files(report, sheet_title(t("xlsx.files"), used), t))
    return save(plans)


def _summary(report: Report, c: Compliance, signing: Signing, t, evidence: dict[str, DossierEvidence] | None) -> SheetPlan:
    plan = SheetPlan(t("xlsx.summary"), report.lang, freeze=False)
    for index, line in enumerate(signing.letterhead):
        plan.line(line, look="heading" if index == 0 else "bold", measured=False)
    if signing.letterhead:
        plan.line()
    plan.line(t(c.title_key), look="title", measured=False)
    plan.repeat = len(plan.rows)
    plan.line(t("report.kabupaten"), ", ".join(c.kabupaten))
    plan.line(t("ui.as_of"), dt.date.fromisoformat(report.as_of))
    judged = report.judged_by()
    plan.line(t("ui.rule_pack"), f"{judged['id']} {judged['version']}")
    plan.line("cek-integrasi", report.version)
    villages = [d for d in c.dossiers if d.result.kind == "desa"]
    plan.line()
    plan.line(t("report.summary_line", dossiers=report.summary.dossiers, villages=len(villages), compliant=sum(d.compliant for d in villages),
                errors=report.summary.findings["error"], warnings=report.summary.findings["warning"]), measured=False)
    plan.line()
    plan.line(t("report.per_kecamatan"), look="heading", measured=False)
    verified = [t("report.evidence_verified")] if evidence is not None else []
    plan.table([t("report.kecamatan"), t("report.chart_kecamatan"), t("severity.error"), t("severity.warning"), t("report.passed") + " %", *verified],
               ([k.name, _share(k, t), k.errors, k.warnings, f"{k.percent}%",
                 *([f"{verified_villages([d.result.code for d in k.villages], evidence)}/{len(k.villages)}"] if verified else [])]
                for k in c.kecamatan))
    plan.line()
    plan.line(t("report.frequent"), look="heading", measured=False)
    plan.table([t("ui.col_rule"), t("ui.col_title"), t("ui.col_severity"), t("report.count"), t("report.dossier_count"), t("ui.col_reference")],
               ([f.rule, f.title, Styled(t(f"severity.{f.severity}"), f.severity), f.count, f.dossiers, f.reference] for f in c.frequent))
    plan.widths[2] = 44  # the rule titles wrap
    plan.wrap.add(2)
    if signing.signed:
        _signature(plan, report, signing, t)
    return plan


def _share(k: KecamatanFigures, t) -> str:
    if not k.villages:
        return t("report.no_villages")
    return t("report.share_of", compliant=k.compliant, villages=len(k.villages), percent=k.compliant_percent)


def _signature(plan: SheetPlan, report: Report, signing: Signing, t) -> None:
    """The signature block: "Mengetahui, <position>" on the left, "<place>, <date>" and the preparer on the right."""
    dated = ", ".join(part for part in (signing.place, i18n.show(dt.date.fromisoformat(report.as_of), report.lang)) if part)
    left, right = signing.acknowledged_by, signing.prepared_by
    blocks = [
        ["", dated],
        [t("sign.acknowledged") if left else "", t("sign.prepared") if right else ""],
        [left.position if left else "", right.position if right else ""],
        ["", ""], ["", ""], ["", ""],
        [left.name if left else "", right.name if right else ""],
        [f"NIP {left.nip}" if left and left.nip else "", f"NIP {right.nip}" if right and right.nip else ""],
    ]
    plan.line()
    plan.line()
    for index, (a, b) in enumerate(blocks):
        plan.line(a, "", "", b, look="bold" if index == 6 else None, measured=False)


def _findings(report: Report, t) -> SheetPlan:
    plan = SheetPlan(t("xlsx.findings"), report.lang)
    headers = [t("ui.col_code"), t("ui.col_village"), t("report.kecamatan"), t("ui.col_rule"), t("ui.col_severity"), t("ui.col_state"),
               t("ui.col_place"), t("ui.col_message"), t("ui.col_reference"), t("ui.col_remediation"), t("xlsx.waiver")]
    plan.table(headers, (
        [r.code, r.name, r.kecamatan, f.rule, Styled(t(f"severity.{f.severity}"), "waived" if f.waiver else f.severity), t(f"state.{f.state}"),
         f.place or t("ui.whole_dossier"), f.message, f.reference, f.remediation, f"{f.waiver.alasan} ({f.waiver.disetujui_oleh})" if f.waiver else ""]
        for r in report.dossiers for f in r.findings
    ), filters=True)
    for column, width in ((2, 22), (3, 16), (7, 24), (8, 48), (9, 18), (10, 42), (11, 24)):
        plan.widths[column] = width
        plan.wrap.add(column)
    return plan


def _kecamatan(k, title: str, lang: str, t) -> SheetPlan:
    plan = SheetPlan(title, lang)
    plan.table([t("ui.col_code"), t("ui.col_village"), t("ui.verdict"), t("severity.error"), t("severity.warning"), t("report.passed"), t("ui.next_steps")],
               ([d.result.code, d.result.name,
                 Styled(t(f"verdict.{d.result.verdict}"), d.result.verdict) if d.result.verdict else t(f"report.kind_{d.result.kind}"),
                 d.errors, d.warnings, f"{d.passed}/{d.applicable}", ", ".join(s.label for s in d.result.next_steps)] for d in k.dossiers),
               filters=True)
    plan.widths[7] = 50
    plan.wrap.add(7)
    return plan


def _evidence(report: Report, evidence: dict[str, DossierEvidence], title: str, t) -> SheetPlan:
    """Every document whose evidence a pack requires, with its state and its dossier's review status."""
    plan = SheetPlan(title, report.lang)
    plan.table([t("ui.col_code"), t("ui.col_village"), t("report.kecamatan"), t("review.status"), t("evidence.col_document"),
                t("review.col_state"), t("ui.col_reference")],
               ([r.code, r.name, r.kecamatan, t(f"review.status_{evidence[r.code].status}"), doc.label, t(f"review.state_{doc.state}"), doc.reference]
                for r in report.dossiers if r.code in evidence for doc in evidence[r.code].documents), filters=True)
    for column, width in ((2, 22), (5, 30), (7, 30)):
        plan.widths[column] = width
        plan.wrap.add(column)
    return plan


def _files(report: Report, title: str, t) -> SheetPlan:
    """The appendix: every file read (dossiers, unreadable files, waivers, the rule pack) with its sha256."""
    plan = SheetPlan(title, report.lang)
    packs = report.judging_packs()  # the packs that judged the dossiers, as each dossier's row names its own
    plan.table([t("ui.col_file"), t("ui.col_code"), t("ui.col_village"), "sha256", t("ui.rule_pack")],
               [[r.file, r.code, r.name, r.sha256, r.pack] for r in report.dossiers]
               + [[p.file, "", p.message, p.sha256 or "", ""] for p in report.input_errors]
               + [[name, "", t("xlsx.waiver"), digest, ""] for name, digest in report.waiver_files.items()]
               + [[f"{t('ui.rule_pack')} {pack['id']} {pack['version']}", "", "", pack["sha256"], pack["id"]] for pack in packs],
               filters=True)
    plan.widths[4] = 66  # a sha256 on one line
    return plan
