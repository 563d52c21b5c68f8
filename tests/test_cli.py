"""The command line as a user meets it: formats, languages, exit codes, reports valid against the schema."""

from __future__ import annotations

import hashlib
import json
import shutil
import subprocess
import sys
from pathlib import Path

import jsonschema
import pytest
import yaml
from click.testing import CliRunner

from cek_integrasi.cli import main

ROOT = Path(__file__).resolve().parents[1]
FIXTURE = ROOT / "tests" / "fixtures" / "desa_lengkap.yaml"
SAMPLES = ROOT / "samples"
SAMPLE_DOSSIERS = [str(SAMPLES / "rilau_ale"), str(SAMPLES / "kindang"), str(SAMPLES / "uu_desa")]  # samples/workbooks holds the same villages
AS_OF = ["--as-of", "2014-03-01"]


def run(*args: str):
    return CliRunner().invoke(main, list(args), catch_exceptions=False)


@pytest.fixture()
def broken_copy(tmp_path):
    """The compliant fixture with two Kaur posts vacant and an unsigned Kepala Desa."""
    text = FIXTURE.read_text("utf-8")
    text = text.replace("Kaur Pembangunan, nama: Syamsul Bahri, status: definitif", "Kaur Pembangunan, nama: Syamsul Bahri, status: kosong")
    text = text.replace("Kaur Umum, nama: Nurhayati, status: definitif", "Kaur Umum, status: kosong")
    text = text.replace("{nama: Andi Mappasessu, peran: kepala_desa, tanda_tangan: ya}", "{nama: Andi Mappasessu, peran: kepala_desa, tanda_tangan: tidak}", 1)
    path = tmp_path / "desa.yaml"
    path.write_text(text, "utf-8")
    return path


def test_compliant_dossier_exits_0_with_no_findings():
    result = run("check", str(FIXTURE), *AS_OF)
    assert result.exit_code == 0
    assert "Tidak ada temuan." in result.output
    assert "WAJIB integrasi" in result.output


def test_findings_exit_1_and_the_table_names_rule_place_and_reference(broken_copy):
    result = run("check", str(broken_copy), *AS_OF)
    assert result.exit_code == 1
    assert "ELG-03" in result.output and "PTI Bab III.B.2" in result.output
    assert "BA-01" in result.output and "Berita Acara ke-1" in result.output and "berita_acara[0]" not in result.output
    assert "BELUM MEMENUHI syarat" in result.output


def test_json_report_is_valid_against_the_published_schema(broken_copy):
    result = run("check", str(broken_copy), str(FIXTURE), "--format", "json", *AS_OF)
    report = json.loads(result.output)
    schema = json.loads((ROOT / "schemas" / "report.schema.json").read_text("utf-8"))
    jsonschema.validate(report, schema)
    broken = next(d for d in report["dossiers"] if d["file"] == str(broken_copy))
    assert broken["code"] == "73.02.05.2004" and broken["verdict"] == "BELUM_MEMENUHI"
    assert broken["results"]["ELG-03"] == "fail" and broken["results"]["ELG-01"] == "pass"
    elg03 = next(f for f in broken["findings"] if f["rule"] == "ELG-03")
    assert elg03["severity"] == "error" and elg03["path"] == "aparatur" and elg03["line"] == 12
    assert "ditemukan 1: Muh. Ridwan (Kaur Pemerintahan)" in elg03["message"]
    assert elg03["reference"] == "PTI Bab III.B.2" and elg03["remediation"]
    assert report["summary"] == {"dossiers": 2, "findings": {"error": 2, "warning": 0, "info": 1}, "waived": 0, "unreadable": 0}
    assert len(report["rule_pack"]["sha256"]) == 64 and report["as_of"] == "2014-03-01"


def test_english_messages(broken_copy):
    result = run("check", str(broken_copy), "--lang", "en", "--format", "json", *AS_OF)
    finding = next(f for f in json.loads(result.output)["dossiers"][0]["findings"] if f["rule"] == "ELG-03")
    assert finding["message"].startswith("At least 2 Kaur held by 2 distinct people; found 1")
    table = run("check", str(broken_copy), "--lang", "en", *AS_OF).output
    assert "What to do" in table and "conditions NOT YET MET" in table


def test_markdown_report(broken_copy):
    result = run("check", str(broken_copy), "--format", "markdown", *AS_OF)
    assert result.output.startswith("# Laporan Pemeriksaan cek-integrasi")
    assert "| ELG-03 | kesalahan | Aparatur desa (baris 12) |" in result.output


@pytest.mark.parametrize("level,code", [("error", 0), ("warning", 1), ("info", 1)])
def test_fail_on_threshold(tmp_path, level, code):
    path = tmp_path / "desa.yaml"
    path.write_text(FIXTURE.read_text("utf-8").replace("Sekretaris Desa, nama: Hasnawati, status: definitif", "Sekretaris Desa, nama: Hasnawati, status: plt"), "utf-8")
    result = run("check", str(path), "--fail-on", level, *AS_OF)
    assert "ELG-05" in result.output
    assert result.exit_code == code


def test_pending_duty_is_info_before_its_year(tmp_path):
    path = tmp_path / "desa.yaml"
    text = FIXTURE.read_text("utf-8")
    path.write_text(text[: text.index("apb_desa:")] + "lkpj:\n  - {tahun: 2012, tanggal: 2012-12-20, forum: rapat_bpd}\n", "utf-8")
    data = json.loads(run("check", str(path), "--as-of", "2012-12-31", "--format", "json").output)
    gov01 = next(f for f in data["dossiers"][0]["findings"] if f["rule"] == "GOV-01")
    assert gov01["state"] == "pending" and gov01["severity"] == "info"
    assert run("check", str(path), "--as-of", "2012-12-31").exit_code == 0
    assert run("check", str(path), "--as-of", "2012-12-31", "--complete").exit_code == 1


def test_bad_as_of_is_a_usage_error():
    result = run("check", str(FIXTURE), "--as-of", "2013-02-30")
    assert result.exit_code == 2
    assert "bukan tanggal yang valid" in result.output
    english = run("check", str(FIXTURE), "--as-of", "2013-02-30", "--lang", "en")
    assert english.exit_code == 2 and "is not a valid date" in english.output


def test_missing_file_and_empty_folder_exit_2(tmp_path):
    result = run("check", str(tmp_path / "tidak-ada.yaml"))
    assert result.exit_code == 2 and "file tidak ditemukan" in result.output
    result = run("check", str(tmp_path))
    assert result.exit_code == 2 and "Tidak ada file berkas" in result.output


def test_rules_list_and_show():
    listing = run("rules", "list")
    assert listing.exit_code == 0 and "ELG-03" in listing.output and "GOV-04" in listing.output
    data = json.loads(run("rules", "list", "--format", "json").output)
    elg03 = next(r for r in data["rules"] if r["id"] == "ELG-03")
    assert elg03["severity"] == "error" and elg03["reference"] == "PTI Bab III.B.2"
    assert set(elg03["message"]) == {"id", "en"} and elg03["passes"] == {"fact": "kaur_terisi_jumlah", "at_least": 2}
    shown = run("rules", "show", "elg-03")
    assert shown.exit_code == 0 and "kaur_terisi_jumlah" in shown.output and "remediation:" in shown.output
    missing = run("rules", "show", "XYZ-99")
    assert missing.exit_code == 2 and "tidak ada" in missing.output


def test_samples_all_load_and_every_family_fires():
    result = run("check", *SAMPLE_DOSSIERS, "--format", "json", *AS_OF)
    report = json.loads(result.stdout)
    assert report["input_errors"] == [] and report["summary"]["dossiers"] >= 7
    fired = {f["rule"].split("-")[0] for d in report["dossiers"] for f in d["findings"]}
    assert {"ELG", "BA", "EST", "MRD", "PKD", "GOV", "STG", "MRK"} <= fired
    pti = [d for d in report["dossiers"] if d["kind"] == "desa" and d["pack"] == "pti"]
    assert {d["verdict"] for d in pti} == {"WAJIB", "BELUM_MEMENUHI", "BUKAN_PARTISIPAN"}
    uu = [d for d in report["dossiers"] if d["pack"] == "uu-desa"]
    assert len(uu) == 2 and all(d["verdict"] is None for d in uu)  # no integration verdict under UU 6/2014
    kecamatan = [d for d in report["dossiers"] if d["kind"] == "kecamatan"]
    assert kecamatan and all(d["verdict"] is None for d in kecamatan)


def test_console_script_and_module_entry_points():
    script = shutil.which("cek-integrasi", path=str(Path(sys.executable).parent))
    assert script, "the console script is installed beside the interpreter"
    for command in ([script], [sys.executable, "-m", "cek_integrasi"]):
        done = subprocess.run([*command, "check", str(FIXTURE), *AS_OF], capture_output=True, text=True)
        assert done.returncode == 0, done.stderr
        assert "Tidak ada temuan." in done.stdout


def test_reports_are_reproducible_and_record_their_inputs(tmp_path):
    first = run("check", *SAMPLE_DOSSIERS, "--format", "json", "--jobs", "2", *AS_OF).stdout
    second = run("check", *SAMPLE_DOSSIERS, "--format", "json", "--jobs", "1", *AS_OF).stdout
    assert first == second
    report = json.loads(first)
    assert report["version"] and len(report["rule_pack"]["sha256"]) == 64
    for dossier in report["dossiers"]:
        assert dossier["sha256"] == hashlib.sha256(Path(dossier["file"]).read_bytes()).hexdigest()


def test_a_plan_year_no_pack_covers_is_an_input_problem_unless_the_pack_is_named(tmp_path):
    """pack.yaml plan_years: a 2005 dossier is judged by no pack in silence; the message names the
    packs and their years; the batch goes on."""
    early = tmp_path / "b_2005.yaml"
    early.write_text(FIXTURE.read_text("utf-8").replace("tahun_rencana: 2013", "tahun_rencana: 2005"), "utf-8")
    shutil.copy(FIXTURE, tmp_path / "a_2013.yaml")
    for command in (["check", "--format", "json", *AS_OF], ["validate"]):
        result = run(*command, str(tmp_path))
        assert result.exit_code == 2
        assert "tahun rencana 2005 tidak dicakup paket aturan yang tersedia: pti (2010-2015), uu-desa (2016-2100)" in result.output
        assert "b_2005.yaml" in result.output and "--pack" in result.output
    report = json.loads(run("check", str(tmp_path), "--format", "json", *AS_OF).output)
    assert [Path(d["file"]).name for d in report["dossiers"]] == ["a_2013.yaml"]  # the other file is still checked
    forced = run("check", str(early), "--pack", "pti", "--format", "json", *AS_OF)
    assert forced.exit_code in (0, 1) and json.loads(forced.output)["dossiers"][0]["pack"] == "pti"
    assert run("check", str(early), "--lang", "en", *AS_OF).output.count("plan year 2005 is not covered") == 1


UU_FIXTURE = Path(__file__).parent / "fixtures" / "desa_uu_lengkap.yaml"


def test_a_mixed_batch_is_judged_pack_by_pack_and_the_report_says_which(tmp_path):
    """A PTI village (2013) and a UU 6/2014 village (2018) in one run: each judged by its own pack."""
    shutil.copy(FIXTURE, tmp_path / "a_2013.yaml")
    shutil.copy(UU_FIXTURE, tmp_path / "b_2018.yaml")
    result = run("check", str(tmp_path), "--format", "json", "--as-of", "2018-03-01", "--jobs", "1")
    report = json.loads(result.output)
    assert result.exit_code == 0  # both compliant, each by its own pack
    assert {Path(d["file"]).name: d["pack"] for d in report["dossiers"]} == {"a_2013.yaml": "pti", "b_2018.yaml": "uu-desa"}
    uu = next(d for d in report["dossiers"] if d["pack"] == "uu-desa")
    assert uu["findings"] == [] and "ELG-00" not in uu["results"] and "EST-16" in uu["results"]
    assert [p["id"] for p in report["rule_packs"]] == ["pti", "uu-desa"]
    assert report["rule_pack"]["id"] == "pti, uu-desa" and len(report["rule_pack"]["sha256"]) == 64
    table = run("check", str(tmp_path / "b_2018.yaml"), "--as-of", "2018-03-01").output
    assert "Paket aturan: uu-desa" in table


def test_a_pti_dossier_forced_into_the_uu_desa_pack_names_what_that_pack_does_not_know(tmp_path):
    result = run("check", str(FIXTURE), "--pack", "uu-desa", *AS_OF)
    assert result.exit_code == 2 and "kode tahap 'mad_sosialisasi' tidak dikenal" in result.output
    kecamatan = yaml.safe_load((Path(__file__).parent / "fixtures" / "kecamatan_lengkap.yaml").read_text("utf-8"))
    kecamatan.update(tahun_rencana=2018, tahapan=[])
    (tmp_path / "kec.yaml").write_text(yaml.safe_dump(kecamatan), "utf-8")
    result = run("check", str(tmp_path / "kec.yaml"), *AS_OF)
    assert result.exit_code == 2 and "paket aturan uu-desa tidak menilai berkas berjenis kecamatan" in result.output


def test_the_pti_pack_needs_the_pnpm_fields_the_model_leaves_optional(tmp_path):
    text = "\n".join(l for l in FIXTURE.read_text("utf-8").splitlines() if not l.startswith("peserta_pnpm"))
    (tmp_path / "d.yaml").write_text(text, "utf-8")
    result = run("check", str(tmp_path / "d.yaml"), *AS_OF)
    assert result.exit_code == 2 and "peserta_pnpm wajib diisi untuk paket aturan pti" in result.output


def test_catalogue_commands_take_the_pack():
    assert "EST-16" in run("rules", "list", "--pack", "uu-desa").output
    assert "EST-16" not in run("rules", "list").output
    assert "akhir bulan September" in run("rules", "show", "EST-16", "--pack", "uu-desa").output
    assert "musdes_rkp" in run("stages", "--pack", "uu-desa").output


def test_before_a_step_of_one_pack_in_a_mixed_batch_names_the_other_packs_files():
    """--before musdes_rkp is a step of uu-desa only: a PTI village of the same run is an input
    problem saying so (not an internal error); a step both packs have pre-checks both."""
    result = run("check", str(FIXTURE), str(UU_FIXTURE), "--before", "musdes_rkp", "--as-of", "2018-03-01", "--jobs", "1")
    assert result.exit_code == 2 and "Traceback" not in result.output
    assert "--before musdes_rkp bukan tahap paket aturan pti" in result.output and "kesalahan di dalam" not in result.output
    both = run("check", str(FIXTURE), str(UU_FIXTURE), "--before", "musrenbangdes_rkp", "--as-of", "2018-03-01", "--format", "json")
    assert both.exit_code == 0 and len(json.loads(both.output)["dossiers"]) == 2


def test_each_command_is_imported_from_the_module_the_group_names_and_no_other():
    """The group imports a command's module when the command is used (base.COMMANDS): every command of those modules
    is named there with its module, and a command line imports its own module alone."""
    from cek_integrasi.cli.base import COMMANDS

    for module in set(COMMANDS.values()):
        __import__(f"cek_integrasi.cli.{module}")
    assert {name: command.callback.__module__ for name, command in main.commands.items()} == \
        {name: f"cek_integrasi.cli.{module}" for name, module in COMMANDS.items()}
    probe = ("import sys; from cek_integrasi.cli import main; main.get_command(None, 'screen'); "
             "print(' '.join(sorted(m for m in sys.modules if m.startswith('cek_integrasi.cli.'))))")
    loaded = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, check=True).stdout.split()
    assert "cek_integrasi.cli.spreadsheets" in loaded
    others = {f"cek_integrasi.cli.{m}" for m in COMMANDS.values()} - {"cek_integrasi.cli.spreadsheets"}
    assert others & set(loaded) == set()
    listed = run("--help").output  # `--help` imports them all to list them
    assert [name for name in COMMANDS if f"\n  {name} " not in listed] == []


def test_the_command_line_starts_without_the_libraries_of_other_commands():
    """`check` and `screen` start without the database, spreadsheet, table and web libraries, nor the Unicode
    look-alike data (read for the first name outside ASCII); `server recheck` without the web's: those are
    imported by the commands and outputs that use them."""
    def loaded(modules: tuple[str, ...], libraries: tuple[str, ...]) -> list[str]:
        probe = f"import sys, {', '.join(modules)}; print(' '.join(m for m in {libraries!r} if m in sys.modules))"
        return subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, check=True).stdout.split()

    commands = ("cek_integrasi.cli", "cek_integrasi.cli.checking", "cek_integrasi.cli.spreadsheets")  # check's and screen's
    assert loaded(commands, ("sqlalchemy", "openpyxl", "tabulate", "flask", "jinja2", "confusable_homoglyphs")) == []
    recheck = ("cek_integrasi.cli.server", "cek_integrasi.service.recheck")
    assert loaded(recheck, ("openpyxl", "flask", "jinja2", "PIL")) == []  # `server recheck` needs no web
