"""Files and folders an ordinary user may not read: each is named as unreadable in every output
format and the run ends with exit 2, never passed over and never a traceback.

Root may read anything and CI runs as root, so the commands run as `nobody` (setpriv or runuser);
a user who is not root runs them as they are.
"""

from __future__ import annotations

import json
import os
import pwd
import shutil
import stat
import subprocess
import sys
import tempfile
from pathlib import Path

import openpyxl
import pytest

ROOT = Path(__file__).resolve().parents[1]
FIXTURE = ROOT / "tests" / "fixtures" / "desa_lengkap.yaml"
WORKBOOK = ROOT / "samples" / "workbooks" / "rilau_ale" / "04_parang_loe_bukan_peserta.xlsx"
UNREADABLE = ("b.yaml", "w.xlsx", "sub")


def _ordinary_user() -> list[str]:
    """The prefix that runs a command as a user who is not root ([] when we are not root)."""
    if os.geteuid() != 0:
        return []
    nobody = pwd.getpwnam("nobody")
    if shutil.which("setpriv"):
        return ["setpriv", f"--reuid={nobody.pw_uid}", f"--regid={nobody.pw_gid}", "--clear-groups"]
    if shutil.which("runuser"):
        return ["runuser", "-u", "nobody", "--"]
    pytest.skip("running as root without setpriv or runuser: no ordinary user to run the commands as")


@pytest.fixture(scope="module")
def folder():
    """A folder with a readable dossier, a dossier and a workbook mode 000 and a sub-folder mode 000."""
    base = Path(tempfile.mkdtemp(prefix="cek-integrasi-unreadable-"))
    base.chmod(0o755)
    dossiers, out, home = base / "d", base / "out", base / "home"
    for made in (dossiers, out, home):
        made.mkdir()
    out.chmod(0o777)
    shutil.copy(FIXTURE, dossiers / "a.yaml")
    shutil.copy(FIXTURE, dossiers / "b.yaml")
    shutil.copy(WORKBOOK, dossiers / "w.xlsx")
    (dossiers / "sub").mkdir()
    shutil.copy(FIXTURE, dossiers / "sub" / "c.yaml")
    (dossiers / "sub" / "waivers.yaml").write_text("waivers: []\n", "utf-8")
    (dossiers / "sub" / "roster.csv").write_text("kode_desa;nama_desa\n", "utf-8")
    for closed in UNREADABLE:
        (dossiers / closed).chmod(0)
    probe = subprocess.run([*_ordinary_user(), sys.executable, "-c", "import cek_integrasi"], capture_output=True, text=True)
    if probe.returncode != 0:  # e.g. a checkout in root's home, which nobody may not enter
        shutil.rmtree(base, onerror=lambda *_: None)
        pytest.skip(f"the ordinary user cannot run this checkout's Python: {probe.stderr.strip()[-200:]}")
    yield base
    (dossiers / "sub").chmod(stat.S_IRWXU)
    shutil.rmtree(base)


def _run(folder: Path, *args: str, home: Path | None = None) -> subprocess.CompletedProcess:
    env = {**os.environ, "HOME": str(home or folder / "home"), "LANG": "C.UTF-8"}
    env.pop("XDG_CONFIG_HOME", None)
    command = [*_ordinary_user(), sys.executable, "-m", "cek_integrasi", *args]
    done = subprocess.run(command, cwd=folder, env=env, capture_output=True, text=True, timeout=300)
    assert "Traceback" not in done.stderr + done.stdout, done.stderr
    return done


def test_the_commands_really_run_as_an_ordinary_user(folder):
    done = _run(folder, "validate", "d/a.yaml")
    assert done.returncode == 0, done.stderr
    if os.geteuid() == 0:
        assert subprocess.run([*_ordinary_user(), "id", "-u"], capture_output=True, text=True).stdout.strip() != "0"


@pytest.mark.parametrize("fmt", ["table", "json", "markdown", "csv"])
def test_check_names_every_unreadable_entry_in_every_format(folder, fmt):
    done = _run(folder, "check", "d", "--as-of", "2014-03-01", "--format", fmt)
    assert done.returncode == 2, done.stderr
    for name in UNREADABLE:
        assert f"d/{name}" in done.stdout, (name, done.stdout[-2000:])
    assert "tidak boleh dibaca" in done.stdout and "folder tidak boleh dibuka" in done.stdout
    if fmt == "json":
        report = json.loads(done.stdout)
        assert report["summary"]["unreadable"] == 3 and [d["file"] for d in report["dossiers"]] == ["d/a.yaml"]


@pytest.mark.parametrize("ending", ["html", "xlsx", "csv", "md", "json"])
def test_report_names_every_unreadable_entry_in_every_format(folder, ending):
    output = folder / "out" / f"laporan.{ending}"
    done = _run(folder, "report", "d", "--as-of", "2014-03-01", "-o", str(output))
    assert done.returncode == 2, done.stderr
    assert "3 file tidak dapat dibaca" in done.stderr
    if ending == "xlsx":
        book = openpyxl.load_workbook(output, read_only=True)
        text = "\n".join(str(v) for sheet in book for row in sheet.iter_rows(values_only=True) for v in row if v)
    else:
        text = output.read_text("utf-8")
    for name in UNREADABLE:
        assert f"d/{name}" in text, name


@pytest.mark.parametrize("args,named", [
    (["check", "d/b.yaml", "d/a.yaml", "--as-of", "2014-03-01"], "d/b.yaml: file tidak boleh dibaca"),  # the others still checked
    (["check", "d/sub", "d/a.yaml", "--as-of", "2014-03-01"], "d/sub: folder tidak boleh dibuka"),
    (["check", "d/sub/c.yaml", "--as-of", "2014-03-01"], "d/sub/c.yaml: file tidak boleh dibaca"),  # inside a closed folder
    (["validate", "d/sub/c.yaml", "d/b.yaml"], "d/sub/c.yaml: file tidak boleh dibaca"),
    (["convert", "d/sub/c.yaml", "-o", "out/c.xlsx"], "d/sub/c.yaml: file tidak boleh dibaca"),
    (["check", "d/a.yaml", "--waivers", "d/sub/waivers.yaml"], "d/sub/waivers.yaml: file tidak boleh dibaca"),
    (["screen", "d/sub/roster.csv"], "d/sub/roster.csv: file tidak boleh dibaca"),
    (["diff", "d/sub/a.json", "d/sub/b.json"], "d/sub/a.json: file tidak boleh dibaca"),
])
def test_a_file_that_may_not_be_read_is_named_wherever_it_is_given(folder, args, named):
    done = _run(folder, *args)
    assert done.returncode == 2 and named in done.stdout + done.stderr, done.stdout + done.stderr
    if args[:2] == ["check", "d/b.yaml"] or args[:2] == ["check", "d/sub"]:
        assert "Ringkasan: 1 berkas diperiksa" in done.stdout


def test_a_configuration_folder_that_may_not_be_entered_is_named(folder):
    done = _run(folder, "check", "d/a.yaml", home=folder / "d" / "sub")
    assert done.returncode == 2
    assert "File pengaturan" in done.stderr and "tidak boleh dibaca (izin akses" in done.stderr
