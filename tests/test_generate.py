"""The synthetic dossier generator, and results identical whether checked in one process or in workers."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

from click.testing import CliRunner

from cek_integrasi.cli import main
from cek_integrasi.dossiers.loading import load_dossier
from cek_integrasi.evaluation.evaluate import Checker
from cek_integrasi.packs.facts import Context
from cek_integrasi.packs.desa_facts import summary
from cek_integrasi.packs.stages import recorded_stages

AS_OF = "2014-03-01"


def run(*args):
    return CliRunner().invoke(main, [str(a) for a in args], catch_exceptions=False)


def _files(folder: Path) -> dict[str, bytes]:
    return {str(p.relative_to(folder)): p.read_bytes() for p in sorted(folder.rglob("*.yaml"))}


def test_same_seed_same_files_other_seed_other_files(tmp_path):
    for name, seed in (("a", 5), ("b", 5), ("c", 6)):
        result = run("generate", "-n", 120, "-o", tmp_path / name, "--seed", seed)
        assert result.exit_code == 0 and "120 desa" in result.output
    assert _files(tmp_path / "a") == _files(tmp_path / "b")
    assert _files(tmp_path / "a") != _files(tmp_path / "c")
    assert run("generate", "-n", 5, "-o", tmp_path / "a").exit_code == 2  # never over existing files


def test_generated_dossiers_are_valid_and_realistically_mixed(tmp_path):
    run("generate", "-n", 300, "-o", tmp_path / "g", "--seed", 11)
    folders = {p.parent for p in (tmp_path / "g").rglob("00_kecamatan.yaml")}
    assert len(folders) >= 15 and all((f / "00_kecamatan.yaml").exists() for f in folders)
    assert run("validate", tmp_path / "g").exit_code == 0
    report = json.loads(run("check", tmp_path / "g", "--format", "json", "--as-of", AS_OF).output)
    villages = [d for d in report["dossiers"] if d["kind"] == "desa"]
    assert len(villages) == 300 and report["input_errors"] == []
    clean = sum(1 for d in villages if not [f for f in d["findings"] if f["severity"] == "error"])
    assert 0.3 < clean / 300 < 0.7
    assert {d["verdict"] for d in villages} == {"WAJIB", "BELUM_MEMENUHI", "BUKAN_PARTISIPAN"}
    fired = {f["rule"].split("-")[0] for d in report["dossiers"] for f in d["findings"]}
    assert {"ELG", "BA", "EST", "STG", "GOV"} <= fired


def test_workers_give_the_same_results_as_one_process(tmp_path, pack):
    run("generate", "-n", 300, "-o", tmp_path / "g", "--seed", 12)
    report = json.loads(run("check", tmp_path / "g", "--format", "json", "--jobs", "2", "--as-of", AS_OF).output)
    checker = Checker(pack, "id")
    ctx = Context(as_of=dt.date.fromisoformat(AS_OF))
    files = sorted((tmp_path / "g").rglob("*.yaml"))
    loaded = [load_dossier(path, set(pack.plan.stages)) for path in files]
    villages = {
        d.kode: summary(d, recorded_stages(d.tahapan), str(doc.path))
        for doc, d in loaded if d.jenis == "desa"
    }
    alone = [checker.check(doc, d, ctx) for doc, d in loaded if d.jenis == "desa"]
    alone += [checker.check(doc, d, ctx, villages) for doc, d in loaded if d.jenis == "kecamatan"]
    assert [json.loads(r.model_dump_json()) for r in alone] == report["dossiers"]
