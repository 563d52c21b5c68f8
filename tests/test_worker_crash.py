"""A worker process that really dies (SIGSEGV) costs one dossier, never the batch, never a silent pass."""

from __future__ import annotations

import ctypes
import faulthandler
import json
import os

import pytest
import yaml
from click.testing import CliRunner

from casekit import apply_edits, load_base
from cek_integrasi.cli import main
from cek_integrasi.evaluate import Checker

AS_OF = ["--as-of", "2014-03-01"]


def _segfault() -> None:
    # pytest's faulthandler, inherited by the forked worker, would print "Fatal Python error:
    # Segmentation fault" and a stack into a passing run: this crash is meant, so it dies quietly.
    faulthandler.disable()
    ctypes.string_at(0)  # reads address 0: the worker process dies of SIGSEGV, like the C engine's crash


@pytest.fixture()
def batch(tmp_path):
    base = load_base("desa_lengkap.yaml")
    for i, name in enumerate(["Bonto Bangun", "Desa Mogok", "Bulo Lohe", "Bonto Sallang"]):
        data = apply_edits(base, {"set": {"kode": f"73.02.05.20{i:02d}", "nama": name}})
        (tmp_path / f"{i}.yaml").write_text(yaml.safe_dump(data, allow_unicode=True), "utf-8")
    return tmp_path


def _run(folder):
    result = CliRunner().invoke(main, ["check", str(folder), "--format", "json", "--jobs", "2", *AS_OF], catch_exceptions=False)
    return result.exit_code, json.loads(result.output)


def test_a_dossier_that_kills_its_worker_twice_is_an_error_for_manual_review(batch, monkeypatch):
    original = Checker.check_many

    def crashing(self, items, *args, **kwargs):
        if any(dossier.nama == "Desa Mogok" for _, dossier in items):
            _segfault()
        return original(self, items, *args, **kwargs)

    monkeypatch.setattr(Checker, "check_many", crashing)  # workers are forked from this process, patch included
    code, report = _run(batch)
    assert code == 1
    by_name = {d["name"]: d for d in report["dossiers"]}
    assert list(by_name) == ["Bonto Bangun", "Desa Mogok", "Bulo Lohe", "Bonto Sallang"]
    crashed = by_name["Desa Mogok"]
    assert set(crashed["results"].values()) == {"error"} and crashed["verdict"] is None
    assert {f["rule"] for f in crashed["findings"]} == set(crashed["results"])
    assert all("perlu diperiksa manual" in f["message"] and "berhenti mendadak" in f["message"] for f in crashed["findings"])
    for name in ("Bonto Bangun", "Bulo Lohe", "Bonto Sallang"):
        assert by_name[name]["findings"] == [] and by_name[name]["verdict"] == "WAJIB"
    assert report["input_errors"] == []


def test_a_dossier_whose_worker_died_once_is_retried_alone_and_reported_normally(batch, monkeypatch, tmp_path_factory):
    marker = tmp_path_factory.mktemp("marker") / "crashed-once"
    original = Checker.check_many

    def crash_once(self, items, *args, **kwargs):
        if any(dossier.nama == "Desa Mogok" for _, dossier in items) and not marker.exists():
            marker.touch()
            os.kill(os.getpid(), 9)
        return original(self, items, *args, **kwargs)

    monkeypatch.setattr(Checker, "check_many", crash_once)
    code, report = _run(batch)
    assert code == 0 and marker.exists()
    assert [d["verdict"] for d in report["dossiers"]] == ["WAJIB"] * 4
