"""The stage order from a user's side: --before for every forum, --complete, `stages`, kecamatan folders."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import yaml
from click.testing import CliRunner

from casekit import FIXTURES, apply_edits, load_base
from cek_integrasi.cli import main

AS_OF = ["--as-of", "2014-03-01"]
SOSIALISASI = {"mad_sosialisasi", "musdes_sosialisasi"}
RPJM = SOSIALISASI | {"pkd", "rpjm_tim_penyusun", "rpjm_rancangan"}
RKP = RPJM | {"musrenbangdes_rpjm", "rpjm_penetapan", "rkp_tim_penyusun", "rkp_rancangan"}
# What must be in place before each forum of a first-year village drafting a new RPJM-Desa (DOMAIN.md STG).
PREREQUISITES = {
    "musdes_sosialisasi": {"mad_sosialisasi"},
    "pkd": SOSIALISASI,
    "musrenbangdes_rpjm": RPJM,
    "rpjm_penetapan": RPJM | {"musrenbangdes_rpjm"},
    "musdes_perencanaan": set(),  # inside the Musrenbangdes process, not after the draft (PTI II.D.3.b)
    "mkp": set(),
    "musrenbangdes_rkp": RKP | {"musdes_perencanaan", "mkp"},
    "rkp_penetapan": RKP | {"musdes_perencanaan", "mkp", "musrenbangdes_rkp"},
    "apbdes_penetapan": RKP | {"musdes_perencanaan", "mkp", "musrenbangdes_rkp", "rkp_penetapan"},
    "musrenbang_kecamatan": RKP | {"musdes_perencanaan", "mkp", "musrenbangdes_rkp"},
}


def run(*args: str):
    return CliRunner().invoke(main, list(args), catch_exceptions=False)


def _write(path: Path, data: dict) -> Path:
    path.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False), "utf-8")
    return path


def _stg05(report: dict) -> set[str]:
    return {f["path"] for f in report["dossiers"][0]["findings"] if f["rule"] == "STG-05"}


@pytest.mark.parametrize("forum", sorted(PREREQUISITES))
def test_before_each_forum_names_exactly_its_missing_prerequisites(tmp_path, forum):
    """A village that recorded nothing yet: every prerequisite of the forum is STG-05, nothing else is."""
    empty = _write(tmp_path / "kosong.yaml", apply_edits(load_base("desa_lengkap.yaml"), {"set": {"tahapan": []}}))
    report = json.loads(run("check", str(empty), "--before", forum, "--format", "json", *AS_OF).output)
    findings = [f for f in report["dossiers"][0]["findings"] if f["rule"] == "STG-05"]
    labels = {f["message"].split(" belum tercatat")[0] for f in findings}
    stages = {s["code"]: s["label"]["id"] for s in json.loads(run("stages", "--format", "json").output)["stages"]}
    assert labels == {stages[c] for c in PREREQUISITES[forum]}
    assert not [f for f in report["dossiers"][0]["findings"] if f["rule"] in ("STG-02", "STG-04")]
    assert report["before"] == forum and report["dossiers"][0]["next_steps"] == []
    complete = json.loads(run("check", str(FIXTURES / "desa_lengkap.yaml"), "--before", forum, "--format", "json", *AS_OF).output)
    assert complete["dossiers"][0]["results"]["STG-05"] == ("pass" if PREREQUISITES[forum] else "not_applicable")


def test_before_with_an_unknown_stage_is_a_usage_error():
    result = run("check", str(FIXTURES / "desa_lengkap.yaml"), "--before", "musrenbangdes")
    assert result.exit_code == 2 and "tahap 'musrenbangdes' tidak dikenal; pilihan: mad_sosialisasi" in result.output


def test_next_steps_list_in_table_markdown_and_json(tmp_path):
    data = apply_edits(load_base("desa_lengkap.yaml"), {"remove": ["tahapan[13]", "tahapan[12]"]})
    path = _write(tmp_path / "desa.yaml", data)
    table = run("check", str(path), *AS_OF).output
    assert "Langkah berikutnya: Penetapan RKP-Desa (SK Kepala Desa), Penetapan APB Desa" in table
    english = run("check", str(path), "--lang", "en", *AS_OF).output
    assert "Next steps: RKP-Desa established (SK Kepala Desa), APB Desa established" in english
    markdown = run("check", str(path), "--format", "markdown", *AS_OF).output
    assert "- Langkah berikutnya: Penetapan RKP-Desa" in markdown
    report = json.loads(run("check", str(path), "--format", "json", *AS_OF).output)
    assert [s["stage"] for s in report["dossiers"][0]["next_steps"]] == ["rkp_penetapan", "apbdes_penetapan"]


def test_complete_audit_turns_pending_into_errors(tmp_path):
    data = apply_edits(load_base("desa_lengkap.yaml"), {"remove": ["tahapan[13]"]})
    path = _write(tmp_path / "desa.yaml", data)
    assert run("check", str(path), *AS_OF).exit_code == 0
    audit = run("check", str(path), "--complete", "--format", "json", *AS_OF)
    assert audit.exit_code == 1
    stg05 = [f for f in json.loads(audit.output)["dossiers"][0]["findings"] if f["rule"] == "STG-05"]
    assert [f["path"] for f in stg05] == ["tahapan"] and "Penetapan APB Desa" in stg05[0]["message"]


def test_stages_command_shows_the_order_with_sources():
    result = run("stages")
    assert result.exit_code == 0
    assert "pkd -> rpjm_tim_penyusun -> rpjm_rancangan -> musrenbangdes_rpjm -> rpjm_penetapan" in result.output
    assert "musdes_perencanaan + mkp -> musrenbangdes_rkp" in result.output
    assert 'rpjm_peninjauan [path="peninjauan" | path="lama", status_integrasi="WAJIB"]  (PTI Bab III.C.3; III.C.3.a)' in result.output
    assert "mad_prioritas + mad_pendanaan -> musrenbang_kecamatan" in result.output
    assert "MRK B.2.1" in result.output
    assert "Order (each step" in run("stages", "--lang", "en").output


def test_kecamatan_folder_checks_villages_against_the_forum_and_survives_a_broken_file(tmp_path):
    kecamatan = load_base("kecamatan_lengkap.yaml")
    village = load_base("desa_lengkap.yaml")
    late = apply_edits(village, {"set": {"kode": "73.02.05.2007", "nama": "Bulo Lohe", "keputusan_kepala_desa[2].tanggal": "2012-07-01"}})
    outsider = apply_edits(village, {"set": {"kode": "73.02.05.2020", "nama": "Salassae"}})
    _write(tmp_path / "00_kecamatan.yaml", kecamatan)
    _write(tmp_path / "desa_a.yaml", village)
    (tmp_path / "desa_b.json").write_text(json.dumps(late, default=str), "utf-8")
    _write(tmp_path / "desa_c.yaml", outsider)
    (tmp_path / "rusak.yaml").write_text("jenis: desa\nkode: [\n", "utf-8")
    result = run("check", str(tmp_path), "--format", "json", *AS_OF)
    assert result.exit_code == 2
    report = json.loads(result.output)
    # villages first, in file order; kecamatan dossiers after them (they need every village of the run)
    assert [Path(d["file"]).name for d in report["dossiers"]] == ["desa_a.yaml", "desa_b.json", "desa_c.yaml", "00_kecamatan.yaml"]
    assert report["summary"]["dossiers"] == 4 and report["summary"]["unreadable"] == 1
    kec = report["dossiers"][-1]
    assert kec["kind"] == "kecamatan" and kec["verdict"] is None and kec["results"]["MRK-04"] == "fail"
    mrk04 = {f["message"].split(":")[0] for f in kec["findings"] if f["rule"] == "MRK-04"}
    assert mrk04 == {"Desa Bonto Sallang (73.02.05.2009)", "Desa Salassae (73.02.05.2020)"}
    # its Musrenbangdes was in time; only its SK RKP-Desa came after the forum: a warning
    mrk09 = [f["message"].split(":")[0] for f in kec["findings"] if f["rule"] == "MRK-09"]
    assert mrk09 == ["Desa Bulo Lohe (73.02.05.2007)"] and kec["results"]["MRK-09"] == "fail"
    alone = json.loads(run("check", str(tmp_path / "00_kecamatan.yaml"), "--format", "json", *AS_OF).output)
    assert alone["dossiers"][0]["results"]["MRK-04"] == "not_applicable"
    table = run("check", str(tmp_path), *AS_OF).output
    assert "4 berkas diperiksa" in table and "1 file tidak dapat dibaca" in table


def test_the_readme_pre_check_judged_today_reports_as_errors_only_the_steps_before_the_forum():
    """README's `--before musrenbangdes_rkp` example, judged today (years after its plan year began): the APB
    Desa and the LKPj follow that forum and are not due yet, whatever the date (rule cases: every such duty)."""
    sample = Path(__file__).resolve().parents[1] / "samples" / "rilau_ale" / "08_bonto_haru_baru_pkd.yaml"
    report = json.loads(CliRunner().invoke(main, ["check", str(sample), "--before", "musrenbangdes_rkp", "--format", "json"]).output)
    [dossier] = report["dossiers"]
    assert {f["rule"] for f in dossier["findings"] if f["severity"] == "error"} == {"STG-05"}
    assert {f["rule"]: f["state"] for f in dossier["findings"]}["GOV-01"] == "pending"
