"""Folders with odd entries and outputs at odd places: only regular files are read, every entry
that cannot be read is reported, the run always ends; an output link is written through, never replaced."""

from __future__ import annotations

import hashlib
import json
import os
import signal
import stat
from pathlib import Path

import pytest
from click.testing import CliRunner

from cek_integrasi.cli import main

FIXTURE = Path(__file__).parent / "fixtures" / "desa_lengkap.yaml"
AS_OF = ["--as-of", "2014-03-01"]


def _check(*args: str):
    return CliRunner().invoke(main, ["check", *args, "--format", "json", *AS_OF], catch_exceptions=False)


@pytest.fixture()
def odd_folder(tmp_path):
    (tmp_path / "baik.yaml").write_bytes(FIXTURE.read_bytes())
    os.mkfifo(tmp_path / "pipa.yaml")  # nobody writes it: reading it would wait forever
    (tmp_path / "nol.yaml").symlink_to("/dev/zero")  # reading it would never end
    (tmp_path / "hilang.yaml").symlink_to(tmp_path / "tidak-ada.yaml")
    return tmp_path


def _too_long(_signal, _frame):
    raise TimeoutError("the run did not end: an odd entry was read as if it were a file")


def test_a_pipe_a_device_and_a_dangling_link_are_reported_and_the_run_ends(odd_folder):
    previous = signal.signal(signal.SIGALRM, _too_long)
    signal.alarm(60)
    try:
        result = _check(str(odd_folder))
    finally:
        signal.alarm(0)
        signal.signal(signal.SIGALRM, previous)
    assert result.exit_code == 2
    report = json.loads(result.output)
    assert [d["name"] for d in report["dossiers"]] == ["Bonto Bangun"]
    problems = {Path(p["file"]).name: p["message"] for p in report["input_errors"]}
    assert problems == {
        "pipa.yaml": "bukan file biasa (pipa bernama, perangkat atau soket); hanya file biasa yang dibaca",
        "nol.yaml": "bukan file biasa (pipa bernama, perangkat atau soket); hanya file biasa yang dibaca",
        "hilang.yaml": "file tidak ditemukan",
    }
    assert report["summary"]["unreadable"] == 3


def test_a_folder_that_cannot_be_opened_is_reported_not_skipped(tmp_path, monkeypatch):
    (tmp_path / "baik.yaml").write_bytes(FIXTURE.read_bytes())
    closed = tmp_path / "tertutup"
    closed.mkdir()
    (closed / "desa.yaml").write_bytes(FIXTURE.read_bytes())
    real = os.scandir

    def scandir(path="."):  # as for a user without the right to list it (these tests may run as root)
        if Path(path) == closed:
            raise PermissionError(13, "Permission denied", str(path))
        return real(path)

    monkeypatch.setattr(os, "scandir", scandir)
    result = _check(str(tmp_path))
    assert result.exit_code == 2
    report = json.loads(result.output)
    assert [d["name"] for d in report["dossiers"]] == ["Bonto Bangun"]
    assert [p["file"] for p in report["input_errors"]] == [str(closed)]


@pytest.mark.skipif(os.geteuid() == 0, reason="root may open any folder")
def test_a_folder_without_permission_is_reported(tmp_path):
    (tmp_path / "baik.yaml").write_bytes(FIXTURE.read_bytes())
    closed = tmp_path / "tertutup"
    closed.mkdir()
    (closed / "desa.yaml").write_bytes(FIXTURE.read_bytes())
    closed.chmod(0)
    try:
        result = _check(str(tmp_path))
    finally:
        closed.chmod(stat.S_IRWXU)
    assert result.exit_code == 2
    [problem] = json.loads(result.output)["input_errors"]
    assert problem["file"] == str(closed) and "folder tidak boleh dibuka" in problem["message"]


def test_two_files_with_the_same_village_code_are_reported(tmp_path):
    (tmp_path / "a.yaml").write_bytes(FIXTURE.read_bytes())
    (tmp_path / "b.yaml").write_bytes(FIXTURE.read_bytes() + b"\n# salinan\n")
    result = _check(str(tmp_path))
    assert result.exit_code == 2
    report = json.loads(result.output)
    assert len(report["dossiers"]) == 2
    [problem] = report["input_errors"]
    assert problem["file"] == str(tmp_path / "b.yaml") and problem["place"] == "Kode"
    assert problem["message"] == f"kode 73.02.05.2004 juga dipakai oleh {tmp_path / 'a.yaml'}; satu wilayah, satu berkas: periksa file mana yang benar"
    assert problem["sha256"] == hashlib.sha256((tmp_path / "b.yaml").read_bytes()).hexdigest()  # the second file's own


def test_two_files_with_the_same_kecamatan_code_are_reported_with_the_second_file_s_hash(tmp_path):
    kecamatan = FIXTURE.with_name("kecamatan_lengkap.yaml")
    (tmp_path / "k1.yaml").write_bytes(kecamatan.read_bytes())
    (tmp_path / "k2.yaml").write_bytes(kecamatan.read_bytes() + b"\n# salinan\n")
    report = json.loads(_check(str(tmp_path)).output)
    [problem] = report["input_errors"]
    assert problem["file"] == str(tmp_path / "k2.yaml") and "juga dipakai oleh" in problem["message"]
    assert problem["sha256"] == hashlib.sha256((tmp_path / "k2.yaml").read_bytes()).hexdigest()


def _report(output: Path):
    return CliRunner().invoke(main, ["report", str(FIXTURE), "--format", "json", "-o", str(output), *AS_OF], catch_exceptions=False)


def test_an_output_link_is_written_through_never_replaced(tmp_path):
    target = tmp_path / "laporan-asli.json"
    target.write_text("lama", "utf-8")
    target.chmod(0o640)
    link = tmp_path / "laporan.json"
    link.symlink_to(target.name)
    assert _report(link).exit_code == 0
    assert link.is_symlink() and os.readlink(link) == target.name
    assert json.loads(target.read_text("utf-8"))["dossiers"][0]["name"] == "Bonto Bangun"
    assert stat.S_IMODE(target.stat().st_mode) == 0o640  # the file keeps its permissions


def test_an_output_link_to_a_pipe_writes_into_the_pipe(tmp_path):
    pipe = tmp_path / "pipa"
    os.mkfifo(pipe)
    link = tmp_path / "keluar.json"
    link.symlink_to(pipe)  # as a link to /dev/stdout names the pipe or terminal of the shell
    reader = os.open(pipe, os.O_RDONLY | os.O_NONBLOCK)
    try:
        assert _report(link).exit_code == 0
        data = b""
        while chunk := os.read(reader, 65536):
            data += chunk
    finally:
        os.close(reader)
    assert link.is_symlink() and stat.S_ISFIFO(pipe.stat().st_mode)
    assert json.loads(data)["dossiers"][0]["name"] == "Bonto Bangun"


def test_a_new_output_gets_the_umask_permissions_not_0600(tmp_path):
    output = tmp_path / "baru.json"
    old = os.umask(0o022)
    try:
        assert _report(output).exit_code == 0
    finally:
        os.umask(old)
    assert stat.S_IMODE(output.stat().st_mode) == 0o644
