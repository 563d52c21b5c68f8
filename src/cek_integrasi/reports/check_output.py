"""Render a run as a terminal table, Markdown or JSON, in its language, while its results come in.

Every renderer takes Parts: the header fields, the dossier results (an iterator for a live run,
a list for a finished Report) and a footer that is read only after the results are exhausted.
"""

from __future__ import annotations

import datetime as dt
import json
from collections import Counter
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from typing import Any

from pydantic import BaseModel

from .. import i18n
from ..escaping import markdown, terminal
from ..evaluation.results import DossierResult, Finding, Report
from ..terminal import rule_line, table, wrap


@dataclass
class Parts:
    """What a renderer needs; `results` are models (or, for JSON, their JSON text)."""

    header: dict[str, Any]
    results: Iterable[DossierResult | str]
    footer: Callable[[], dict[str, Any]]

    @classmethod
    def of(cls, report: Report) -> "Parts":
        data = dict(report)
        results = data.pop("dossiers")
        footer = {k: data.pop(k) for k in ("input_errors", "waivers", "waiver_files", "summary")}
        return cls(data, results, lambda: footer)


def _plain(value: Any) -> Any:
    if isinstance(value, BaseModel):
        return value.model_dump(mode="json")
    if isinstance(value, list):
        return [_plain(v) for v in value]
    return value


def json_chunks(parts: Parts) -> Iterator[str]:
    """The JSON report (schemas/report.schema.json), one dossier at a time."""
    yield "{\n"
    for key, value in parts.header.items():
        yield f"  {json.dumps(key)}: {json.dumps(_plain(value), ensure_ascii=False)},\n"
    yield '  "dossiers": ['
    for i, result in enumerate(parts.results):
        yield ("," if i else "") + "\n    " + (result if isinstance(result, str) else result.model_dump_json())
    yield "\n  ],\n"
    footer = [f"  {json.dumps(k)}: {json.dumps(_plain(v), ensure_ascii=False)}" for k, v in parts.footer().items()]
    yield ",\n".join(footer) + "\n}\n"


def _place(finding: Finding, lang: str) -> str:
    place = finding.place or i18n.text("ui.whole_dossier", lang)
    return f"{place} ({i18n.text('ui.line', lang, line=finding.line)})" if finding.line else place


def _header(result: DossierResult, lang: str) -> list[str]:
    lines = [i18n.text("ui.dossier_header", lang, **result.model_dump(include={"name", "code", "kecamatan", "kabupaten"}))]
    if result.verdict:
        lines.append(f"{i18n.text('ui.verdict', lang)}: {i18n.text(f'verdict.{result.verdict}', lang)}")
    lines.append(f"{i18n.text('ui.rule_pack', lang)}: {result.pack}")
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
    place = ", ".join(x for x in (line, i18n.place(problem.where, lang)) if x)
    return terminal(f"{problem.path}: {place + ': ' if place else ''}{problem.describe(lang)}")


def _waiver_lines(footer: dict[str, Any], lang: str) -> list[str]:
    out = []
    for w in footer["waivers"]:
        if w.status != "applied":
            what = f"{w.aturan} {w.kode}" + (f" ({w.dokumen})" if w.dokumen else "")
            out.append(f"  {w.file} [{w.index}] {what}: {i18n.text(f'waiver.{w.status}', lang, sampai=i18n.show(w.berlaku_sampai, lang), dari=i18n.show(w.tanggal, lang))}")
    return [i18n.text("ui.waiver_problems", lang) + ":"] + out if out else []


def _columns(lang: str) -> list[str]:
    keys = ["col_rule", "col_severity", "col_place", "col_message", "col_reference", "col_remediation"]
    return [i18n.text(f"ui.{k}", lang) for k in keys]


def _summary(footer: dict[str, Any], lang: str) -> str:
    summary = footer["summary"]
    return i18n.text("ui.summary", lang, dossiers=summary.dossiers, unreadable=summary.unreadable, waived=summary.waived, **summary.findings)


def table_chunks(parts: Parts) -> Iterator[str]:
    """The terminal table: a block per dossier, then the input problems, waivers and summary.

    What the user wrote reaches the terminal with its control characters made visible (escaping.terminal).
    """
    lang = parts.header["lang"]
    for result in parts.results:
        out: list[str] = []
        out.append(rule_line())
        out.append(f"{result.file}")
        out += [wrap(line, "  ") for line in _header(result, lang)]
        if result.findings:
            out.append(
                table([[terminal(cell) for cell in row] for row in _rows(result, lang)], _columns(lang),
                      [8, 10, 24, 48, 16, 36], fixed={0: 6, 1: 10, 4: 16})
            )
        else:
            out.append(i18n.text("ui.no_findings", lang))
        yield terminal("\n".join(out)) + "\n\n"
    footer = parts.footer()
    out = []
    if footer["input_errors"]:
        out.append(i18n.text("ui.input_errors", lang) + ":")
        out += [f"  {render_input_problem(p, lang)}" for p in footer["input_errors"]]
        out.append("")
    if _waiver_lines(footer, lang):
        out += _waiver_lines(footer, lang) + [""]
    out.append(wrap(_summary(footer, lang), "  "))
    yield terminal("\n".join(out)) + "\n"


def input_place(problem, lang: str) -> str:
    """Where in its file an input problem is: "baris N, place", or "" for the file as a whole."""
    line = problem.line and i18n.text("ui.line", lang, line=problem.line)
    return ", ".join(str(x) for x in (line, problem.place) if x)


def render_input_problem(problem, lang: str) -> str:
    """An input problem of a report as one line: file: line N, place: message."""
    place = input_place(problem, lang)
    return terminal(f"{problem.file}: {place + ': ' if place else ''}{problem.message}")


def markdown_chunks(parts: Parts) -> Iterator[str]:
    """The Markdown report: a section per dossier, then the input problems, waivers and summary.

    Every text that may quote the user is escaped (escaping.markdown): no HTML, link or column comes from a name.
    """
    lang = parts.header["lang"]
    pack = parts.header["rule_pack"]
    esc = markdown
    yield "\n".join([
        f"# {i18n.text('ui.report_title', lang)}",
        "",
        f"- {i18n.text('ui.as_of', lang)}: {i18n.show(dt.date.fromisoformat(parts.header['as_of']), lang)}",
        f"- {i18n.text('ui.rule_pack', lang)}: {pack['id']} {pack['version']} (sha256 {pack['sha256'][:12]})",
        "",
    ]) + "\n"
    for result in parts.results:
        out: list[str] = []
        head, *rest = _header(result, lang)
        out += [f"## {esc(head)}", "", esc(result.file), ""] + [f"- {esc(line)}" for line in rest] + [""]
        if result.findings:
            columns = _columns(lang)
            out.append("| " + " | ".join(columns) + " |")
            out.append("|" + "---|" * len(columns))
            out += ["| " + " | ".join(esc(c) for c in row) + " |" for row in _rows(result, lang)]
        else:
            out.append(i18n.text("ui.no_findings", lang))
        yield "\n".join(out) + "\n\n"
    footer = parts.footer()
    out = []
    if footer["input_errors"]:
        out += [f"## {i18n.text('ui.input_errors', lang)}", ""]
        out += [f"- {esc(render_input_problem(p, lang))}" for p in footer["input_errors"]]
        out.append("")
    if _waiver_lines(footer, lang):
        head, *rest = _waiver_lines(footer, lang)
        out += [f"## {head.rstrip(':')}", ""] + [f"- {esc(line.strip())}" for line in rest] + [""]
    out.append(_summary(footer, lang))
    yield "\n".join(out) + "\n"


FORMATS = {"table": table_chunks, "json": json_chunks, "markdown": markdown_chunks}


def render(fmt: str, report: Report) -> str:
    """A finished Report in one of FORMATS, as one string."""
    return "".join(FORMATS[fmt](Parts.of(report)))
