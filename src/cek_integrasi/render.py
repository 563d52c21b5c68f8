"""Render a Report as a terminal table, Markdown or JSON, in the report's language."""

from __future__ import annotations

from collections import Counter

from tabulate import tabulate

from . import i18n
from .report import DossierResult, Finding, Report


def as_json(report: Report) -> str:
    return report.model_dump_json(indent=2) + "\n"


def _place(finding: Finding, lang: str) -> str:
    place = finding.path or i18n.text("ui.whole_dossier", lang)
    return f"{place} ({i18n.text('ui.line', lang, line=finding.line)})" if finding.line else place


def _header(result: DossierResult, lang: str) -> list[str]:
    lines = [i18n.text("ui.dossier_header", lang, **result.model_dump(include={"name", "code", "kecamatan", "kabupaten"}))]
    if result.verdict:
        lines.append(f"{i18n.text('ui.verdict', lang)}: {i18n.text(f'verdict.{result.verdict}', lang)}")
    counts = Counter(result.results.values())
    lines.append(i18n.text("ui.states_line", lang, **{s: counts.get(s, 0) for s in ("pass", "fail", "pending", "not_applicable", "error")}))
    if result.next_steps:
        lines.append(f"{i18n.text('ui.next_steps', lang)}: " + ", ".join(step.label for step in result.next_steps))
    return lines


def _rows(result: DossierResult, lang: str) -> list[list[str]]:
    return [
        [f.rule, _severity(f, lang), _place(f, lang), _message(f, lang), f.reference, f.remediation]
        for f in result.findings
    ]


def _severity(finding: Finding, lang: str) -> str:
    severity = i18n.text(f"severity.{finding.severity}", lang)
    return f"{severity} ({i18n.text('state.waived', lang)})" if finding.waiver else severity


def _message(finding: Finding, lang: str) -> str:
    if not finding.waiver:
        return finding.message
    w = finding.waiver
    note = i18n.text("ui.waived_note", lang, alasan=w.alasan, oleh=w.disetujui_oleh,
                     tanggal=i18n.show(w.tanggal, lang), sampai=i18n.show(w.berlaku_sampai, lang))
    return f"{finding.message} {note}"


def render_problem(problem, lang: str) -> str:
    """An input error as one line: file: line N, place: message."""
    line = problem.line and i18n.text("ui.line", lang, line=problem.line)
    place = ", ".join(str(x) for x in (line, problem.where) if x)
    return f"{problem.path}: {place + ': ' if place else ''}{problem.describe(lang)}"


def _waiver_lines(report: Report) -> list[str]:
    lang = report.lang
    out = []
    for w in report.waivers:
        if w.status != "applied":
            what = f"{w.aturan} {w.kode}" + (f" ({w.dokumen})" if w.dokumen else "")
            out.append(f"  {w.file} [{w.index}] {what}: {i18n.text(f'waiver.{w.status}', lang, sampai=i18n.show(w.berlaku_sampai, lang), dari=i18n.show(w.tanggal, lang))}")
    return [i18n.text("ui.waiver_problems", lang) + ":"] + out if out else []


def _columns(lang: str) -> list[str]:
    keys = ["col_rule", "col_severity", "col_place", "col_message", "col_reference", "col_remediation"]
    return [i18n.text(f"ui.{k}", lang) for k in keys]


def _summary(report: Report) -> str:
    summary = report.summary
    return i18n.text("ui.summary", report.lang, dossiers=summary.dossiers, unreadable=summary.unreadable, waived=summary.waived, **summary.findings)


def as_table(report: Report) -> str:
    lang = report.lang
    out: list[str] = []
    for result in report.dossiers:
        out.append("=" * 78)
        out.append(f"{result.file}")
        out += _header(result, lang)
        if result.findings:
            out.append(
                tabulate(
                    _rows(result, lang),
                    headers=_columns(lang),
                    tablefmt="simple_grid",
                    maxcolwidths=[8, 10, 24, 48, 16, 36],
                )
            )
        else:
            out.append(i18n.text("ui.no_findings", lang))
        out.append("")
    if report.input_errors:
        out.append(i18n.text("ui.input_errors", lang) + ":")
        out += [f"  {_problem_line(p, lang)}" for p in report.input_errors]
        out.append("")
    if _waiver_lines(report):
        out += _waiver_lines(report) + [""]
    out.append(_summary(report))
    return "\n".join(out) + "\n"


def _problem_line(problem, lang: str) -> str:
    line = problem.line and i18n.text("ui.line", lang, line=problem.line)
    place = ", ".join(str(x) for x in (line, problem.place) if x)
    return f"{problem.file}: {place + ': ' if place else ''}{problem.message}"


def as_markdown(report: Report) -> str:
    lang = report.lang
    esc = lambda text: str(text).replace("|", "\\|").replace("\n", " ")  # noqa: E731
    out = [
        f"# {i18n.text('ui.report_title', lang)}",
        "",
        f"- {i18n.text('ui.as_of', lang)}: {report.as_of}",
        f"- {i18n.text('ui.rule_pack', lang)}: {report.rule_pack['id']} {report.rule_pack['version']} (sha256 {report.rule_pack['sha256'][:12]})",
        "",
    ]
    for result in report.dossiers:
        head, *rest = _header(result, lang)
        out += [f"## {esc(head)}", "", f"`{result.file}`", ""] + [f"- {esc(line)}" for line in rest] + [""]
        if result.findings:
            columns = _columns(lang)
            out.append("| " + " | ".join(columns) + " |")
            out.append("|" + "---|" * len(columns))
            out += ["| " + " | ".join(esc(c) for c in row) + " |" for row in _rows(result, lang)]
        else:
            out.append(i18n.text("ui.no_findings", lang))
        out.append("")
    if report.input_errors:
        out += [f"## {i18n.text('ui.input_errors', lang)}", ""]
        out += [f"- {esc(_problem_line(p, lang))}" for p in report.input_errors]
        out.append("")
    if _waiver_lines(report):
        head, *rest = _waiver_lines(report)
        out += [f"## {head.rstrip(':')}", ""] + [f"- {esc(line.strip())}" for line in rest] + [""]
    out.append(_summary(report))
    return "\n".join(out) + "\n"


FORMATS = {"table": as_table, "json": as_json, "markdown": as_markdown}
