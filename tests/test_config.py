"""cek-integrasi.toml: defaults for any option of any command, the command line wins, bad files in plain words."""

from __future__ import annotations

import io
import json
from pathlib import Path

import openpyxl
import pytest
import yaml
from click.testing import CliRunner

from casekit import load_base
from cek_integrasi.cli import main
from cek_integrasi.cli.defaults import default_map
from cek_integrasi.cli.config import Config

ROOT = Path(__file__).resolve().parents[1]
RILAU_ALE = ROOT / "samples" / "rilau_ale"
AS_OF = ["--as-of", "2014-03-01"]


def run(*args):
    return CliRunner().invoke(main, [str(a) for a in args], catch_exceptions=False)


@pytest.fixture()
def here(tmp_path, monkeypatch):
    """An empty working folder (and user configuration folder) for the test."""
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path / "user"))
    return tmp_path


@pytest.fixture()
def only_a_warning(tmp_path) -> Path:
    data = load_base("desa_lengkap.yaml")
    data["lkpj"] = data["lkpj"] + [dict(data["lkpj"][0])]  # GOV-04: one LKPj twice, a warning
    path = tmp_path / "desa.yaml"
    path.write_text(yaml.safe_dump(data, allow_unicode=True), "utf-8")
    return path


def test_without_a_file_nothing_changes_and_config_says_where_it_looked(here):
    shown = run("config")
    assert shown.exit_code == 0 and "Tidak ada file pengaturan" in shown.output
    assert str(here / "cek-integrasi.toml") in shown.output and str(here / "user" / "cek-integrasi") in shown.output


def test_settings_are_defaults_and_the_command_line_wins(here, only_a_warning):
    assert run("check", only_a_warning, *AS_OF).exit_code == 0
    (here / "cek-integrasi.toml").write_text('lang = "en"\n\n[check]\nfail-on = "warning"\n', "utf-8")
    configured = run("check", only_a_warning, *AS_OF)
    assert configured.exit_code == 1 and "Summary: 1 dossiers checked" in configured.output
    given = run("check", only_a_warning, "--fail-on", "error", "--lang", "id", *AS_OF)
    assert given.exit_code == 0 and "Ringkasan" in given.output
    shown = run("config")
    assert shown.exit_code == 0 and str(here / "cek-integrasi.toml") in shown.output
    assert 'lang = "en"' in shown.output and "[check]" in shown.output and 'fail-on = "warning"' in shown.output


def test_a_configured_format_yields_to_the_ending_of_the_output_file(here):
    (here / "cek-integrasi.toml").write_text('csv_separator = ","\n[report]\nformat = "xlsx"\n', "utf-8")
    assert run("report", RILAU_ALE, "-o", "laporan", *AS_OF).exit_code == 0
    assert openpyxl.load_workbook(io.BytesIO((here / "laporan").read_bytes())).sheetnames
    assert run("report", RILAU_ALE, "-o", "laporan.html", *AS_OF).exit_code == 0, "no contradiction: not given"
    assert (here / "laporan.html").read_bytes().lstrip().lower().startswith(b"<!doctype html")
    assert run("screen", ROOT / "samples" / "roster_kabupaten_bulukumba.csv", "-o", "s.csv", *AS_OF).exit_code == 0
    assert (here / "s.csv").read_text("utf-8-sig").startswith("Baris,Kode,Desa")


def test_the_user_configuration_folder_is_used_when_the_working_folder_has_none(here, only_a_warning):
    user = here / "user" / "cek-integrasi"
    user.mkdir(parents=True)
    (user / "cek-integrasi.toml").write_text('[check]\nfail_on = "warning"\n', "utf-8")
    assert run("check", only_a_warning, *AS_OF).exit_code == 1
    (here / "cek-integrasi.toml").write_text('[check]\nfail-on = "error"\n', "utf-8")
    assert run("check", only_a_warning, *AS_OF).exit_code == 0, "the working folder's file comes first"


def test_every_option_of_every_command_can_be_set():
    config = Config(Path("cek-integrasi.toml"), {"lang": "en", "serve": {"port": 9000}, "rules": {"list": {"format": "json"}}})
    defaults = default_map(main, config)
    assert defaults["serve"] == {"port": 9000}, "serve has no --lang"
    assert defaults["rules"]["list"] == {"lang": "en", "fmt": "json"} and defaults["check"]["lang"] == "en"
    assert json.loads(run("rules", "list", "--format", "json").output)["rules"], "sanity: the option exists"


@pytest.mark.parametrize("text, expected", [
    ('lang = "en\n', 'baris 1: bukan TOML yang benar'),
    ('[check]\n\nfail-on = "sometimes"\n', "baris 3: 'fail-on' tidak boleh 'sometimes'; pilihan: error, warning, info"),
    ('jobs = 0\n', "baris 1: 'jobs' tidak boleh '0'"),
    ('kabupaten_typo = "x"\n', "baris 1: 'kabupaten_typo' bukan pengaturan yang dikenal; yang dapat diatur: "),
    ('[check]\nport = 80\n', "baris 2: 'port' bukan pengaturan yang dikenal di [check]"),
    ('[chek]\nlang = "en"\n', "baris 1: [chek] bukan perintah cek-integrasi"),
])
def test_a_bad_file_is_named_with_its_line_and_stops_every_command(here, text, expected):
    (here / "cek-integrasi.toml").write_text(text, "utf-8")
    for args in (["check", RILAU_ALE], ["config"]):
        result = run(*args)
        assert result.exit_code == 2 and "Traceback" not in result.output
        assert result.stderr.startswith(f"File pengaturan {here / 'cek-integrasi.toml'}, ") and expected in result.stderr
    assert "Configuration file" in run("check", RILAU_ALE, "--lang", "en").stderr


def test_the_letterhead_and_signatories_of_a_report_come_from_the_file(here):
    (here / "cek-integrasi.toml").write_text(
        '[report]\nkop = ["PEMERINTAH KABUPATEN BULUKUMBA", "KECAMATAN RILAU ALE"]\ntempat = "Palampang"\n'
        'mengetahui = "Camat Rilau Ale; Drs. Andi Baso Tenri; 19650101 199003 1 005"\n', "utf-8")
    assert run("report", RILAU_ALE, "-o", "laporan.html", *AS_OF).exit_code == 0
    html = (here / "laporan.html").read_text("utf-8")
    assert "PEMERINTAH KABUPATEN BULUKUMBA" in html and "KECAMATAN RILAU ALE" in html
    assert "Mengetahui" in html and "Drs. Andi Baso Tenri" in html and "Palampang" in html
    (here / "cek-integrasi.toml").write_text('[report]\nmengetahui = "hanya satu bagian"\n', "utf-8")
    bad = run("report", RILAU_ALE, "-o", "laporan.html", *AS_OF)
    assert bad.exit_code == 2 and "Traceback" not in bad.output


@pytest.mark.parametrize("lang", ["id", "en"])
def test_the_example_file_is_a_valid_configuration(here, lang):
    example = run("config", "--example", "--lang", lang)
    assert example.exit_code == 0 and "[report]" in example.output
    (here / "cek-integrasi.toml").write_text(example.output, "utf-8")
    shown = run("config")
    assert shown.exit_code == 0 and "[check]" in shown.output and 'fail-on = "warning"' in shown.output
