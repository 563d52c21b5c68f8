"""The README works as written for a newcomer: its commands run, tables fit the terminal, a
passing `make test` prints no crash report."""

from __future__ import annotations

import glob
import json
import os
import re
import shlex
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

from cek_integrasi.cli import main

ROOT = Path(__file__).resolve().parents[1]
AS_OF = ["--as-of", "2014-03-01"]


def run(*args):
    return CliRunner().invoke(main, [str(a) for a in args], catch_exceptions=False)


def _readme_commands() -> list[str]:
    """Every `.venv/bin/cek-integrasi ...` line of the README's 'Using it' section, in order."""
    text = (ROOT / "README.md").read_text("utf-8")
    section = text[text.index("## Using it"):text.index("`check PATH...` takes")]
    lines = re.findall(r"^\s*\.venv/bin/cek-integrasi (.+?)(?:\s+#.*)?$", section, re.M)
    return [line for line in lines if not line.startswith("serve")]


def test_every_command_of_the_readme_runs_as_written(tmp_path, monkeypatch):
    for name in ("samples", "docs"):
        (tmp_path / name).symlink_to(ROOT / name)
    monkeypatch.chdir(tmp_path)
    commands = _readme_commands()
    assert len(commands) >= 20 and any(c.startswith("diff putaran1.json") for c in commands)
    for command in commands:
        args = [match for arg in shlex.split(command) for match in (sorted(glob.glob(arg)) if "*" in arg else [arg])]
        result = run(*args)
        assert result.exit_code in (0, 1), f"{command}\n{result.output}"
    assert {"laporan.json", "laporan.html", "penyaringan.csv", "desa.xlsx", "batu_lappa.yaml", "putaran2.json"} <= {
        p.name for p in tmp_path.iterdir()}


def test_the_waiver_example_applies_a_waiver_as_of_its_date():
    result = run("check", ROOT / "samples" / "rilau_ale", "--format", "json", "--waivers",
                 ROOT / "docs" / "examples" / "pengecualian_rilau_ale.yaml", *AS_OF)
    report = json.loads(result.stdout)
    assert report["summary"]["waived"] >= 1
    assert sorted(w["status"] for w in report["waivers"]) == ["applied", "expired"]


def test_a_fresh_template_is_named_empty_by_sheet_and_row_and_nothing_is_written(tmp_path):
    book, out = tmp_path / "desa.xlsx", tmp_path / "desa.yaml"
    assert run("template", "desa", "-o", book).exit_code == 0
    result = run("convert", book, "-o", out)
    assert result.exit_code == 2 and not out.exists()
    assert f"{book}: Sheet Desa, baris 2 (Kode desa (PP.KK.CC.DDDD)): wajib diisi" in result.stderr
    assert "masih kosong: isi dulu" in result.stderr
    checked = run("check", book)
    assert checked.exit_code == 2 and "Sheet Desa, baris 3 (Nama desa)" in checked.output


@pytest.mark.parametrize("columns", [80, 120])
def test_terminal_tables_fit_the_terminal_and_wrap_long_text(columns, monkeypatch, tmp_path):
    monkeypatch.setenv("COLUMNS", str(columns))
    sample = ROOT / "samples" / "rilau_ale" / "05_batu_lappa_banyak_masalah.yaml"
    report = tmp_path / "r.json"
    run("check", ROOT / "samples" / "rilau_ale", "-o", report, *AS_OF)
    outputs = {
        "check": run("check", sample, *AS_OF).output,
        "screen": run("screen", ROOT / "samples" / "roster_kabupaten_bulukumba.csv", *AS_OF).output,
        "rules": run("rules", "list").output,
        "stages": run("stages").output,
        "diff": run("diff", report, report).output,
    }
    for name, text in outputs.items():
        widest = max(text.splitlines(), key=len)
        assert len(widest) <= columns, f"{name}: {widest!r}"
    assert "┌" in outputs["check"] and len(outputs["check"].splitlines()) > 40, "long text wrapped, not cut"


def test_a_passing_run_of_the_crash_isolation_tests_prints_no_fault_report():
    done = subprocess.run(
        [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", str(ROOT / "tests" / "test_worker_crash.py")],
        capture_output=True, text=True, cwd=ROOT, env={**os.environ, "PYTHONFAULTHANDLER": ""}, timeout=300,
    )
    assert done.returncode == 0, done.stdout[-2000:]
    assert "Fatal Python error" not in done.stdout + done.stderr and "Segmentation fault" not in done.stdout + done.stderr
