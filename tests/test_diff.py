"""`cek-integrasi diff`: progress between two runs, keyed by village, rule and document."""

from __future__ import annotations

import json

import yaml
from click.testing import CliRunner

from casekit import apply_edits, load_base
from cek_integrasi.cli import main


def run(*args):
    return CliRunner().invoke(main, [str(a) for a in args], catch_exceptions=False)


def _report(tmp_path, name, files, as_of="2014-03-01"):
    out = tmp_path / name
    out.write_text(run("check", *files, "--format", "json", "--as-of", as_of).output, "utf-8")
    return out


def _dossier(tmp_path, name, edits):
    path = tmp_path / name
    path.write_text(yaml.safe_dump(apply_edits(load_base("desa_lengkap.yaml"), edits), allow_unicode=True), "utf-8")
    return path


def test_new_fixed_and_unchanged_between_two_rounds(tmp_path):
    first = tmp_path / "round1"
    second = tmp_path / "round2"
    first.mkdir(), second.mkdir()
    # Round 1: BPD not formed and the RKP BA unsigned by one wakil; round 2: BPD fixed, a new PKD problem.
    a1 = _dossier(first, "a.yaml", {"set": {"bpd.terbentuk": False, "berita_acara[1].penandatangan[4].tanda_tangan": False}})
    b = _dossier(first, "b.yaml", {"set": {"kode": "73.02.05.2009", "nama": "Bonto Sallang"}})
    a2 = _dossier(second, "z.yaml", {"set": {"berita_acara[1].penandatangan[4].tanda_tangan": False, "tahapan[2].fasilitator": ["kpmd"]}})
    old = _report(tmp_path, "old.json", [a1, b])
    new = _report(tmp_path, "new.json", [b, a2])  # other order, other file name: same village
    data = json.loads(run("diff", old, new, "--format", "json").output)
    key = lambda c: (c["code"], c["rule"], c["subject"])  # noqa: E731
    assert [key(c) for c in data["new_findings"]] == [("73.02.05.2004", "PKD-01", "desa")]
    assert sorted(key(c) for c in data["fixed"]) == [("73.02.05.2004", "ELG-00", "desa"), ("73.02.05.2004", "ELG-04", "desa")]
    assert [key(c) for c in data["unchanged"]] == [("73.02.05.2004", "BA-06", "ba:ba-musrenbangdes-rkp-2012")]
    table = run("diff", old, new).output
    assert "Temuan Baru: 1" in table and "Temuan yang Sudah Diperbaiki: 2" in table and "Temuan yang Tetap Ada: 1" in table


def test_a_state_change_is_shown(tmp_path):
    edits = {"remove": ["apb_desa", "tahapan[13]"]}
    path = _dossier(tmp_path, "a.yaml", edits)
    old = _report(tmp_path, "old.json", [path], as_of="2012-12-01")  # APB Desa not yet due: pending
    new = _report(tmp_path, "new.json", [path], as_of="2013-02-01")  # due: fail
    gov01 = next(c for c in json.loads(run("diff", old, new, "--format", "json").output)["unchanged"] if c["rule"] == "GOV-01")
    assert (gov01["old_state"], gov01["new_state"]) == ("pending", "fail")
    assert "menunggu -> gagal" in run("diff", old, new).output


def test_diff_of_something_that_is_not_a_report_is_an_input_error(tmp_path):
    bogus = tmp_path / "bogus.json"
    bogus.write_text('{"dossiers": 3}', "utf-8")
    result = run("diff", bogus, tmp_path / "missing.json")
    assert result.exit_code == 2 and f"{bogus}" in result.output and "bukan laporan JSON cek-integrasi" in result.output
    assert "Traceback" not in result.output


def test_a_report_from_before_packs_were_chosen_per_dossier_is_still_read(tmp_path):
    """Reports written before the second pack have no `pack` per dossier nor `rule_packs`: they were
    all judged by the PTI, and diff still compares them with a new report."""
    path = _dossier(tmp_path, "a.yaml", {"set": {"bpd.terbentuk": False}})
    new = _report(tmp_path, "new.json", [path])
    data = json.loads(new.read_text("utf-8"))
    assert data["dossiers"][0]["pack"] == "pti"
    del data["rule_packs"]
    for dossier in data["dossiers"]:
        del dossier["pack"]
    old = tmp_path / "old.json"
    old.write_text(json.dumps(data), "utf-8")
    result = run("diff", old, new, "--format", "json")
    assert result.exit_code == 0 and json.loads(result.output)["new_findings"] == []
