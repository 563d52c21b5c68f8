"""The command line speaks Indonesian by default and English with --lang en or LANG=en: its help,
click's own usage errors and the output."""

from __future__ import annotations

from pathlib import Path

import click
import pytest
from click.testing import CliRunner

from cek_integrasi import i18n
from cek_integrasi.cli import main

SAMPLE = Path(__file__).resolve().parents[1] / "samples" / "rilau_ale" / "01_bonto_bangun_lengkap.yaml"
NEUTRAL = {"LC_ALL": None, "LC_MESSAGES": None, "LANG": "C.UTF-8"}
ENGLISH = {"LC_ALL": None, "LC_MESSAGES": None, "LANG": "en_US.UTF-8"}


def run(*args, env=NEUTRAL):  # click names the program "main" here
    return CliRunner().invoke(main, [str(a) for a in args], env=env, catch_exceptions=False)


def test_help_is_indonesian_by_default():
    out = run("check", "--help").output
    assert "Cara pakai: main check [OPTIONS]" in out and "Periksa file berkas" in out
    assert "Tampilkan pesan ini lalu keluar." in out and "Nilai berkas per tanggal ini" in out
    assert "Show this message" not in out and "Judge the dossiers" not in out


@pytest.mark.parametrize("args,env", [(["--lang", "en"], NEUTRAL), (["--lang=en"], NEUTRAL), ([], ENGLISH)])
def test_help_is_english_with_lang_en_or_an_english_environment(args, env):
    out = run("check", "--help", *args, env=env).output
    assert "Usage: main check [OPTIONS]" in out and "Check dossier files" in out and "Show this message and exit." in out


def test_usage_errors_speak_the_language():
    missing = run("check")
    assert missing.exit_code == 2 and "Kesalahan: Argumen belum diisi 'PATHS...'" in missing.output
    assert "Coba 'main check --help' untuk bantuan." in missing.output
    typo = run("chek")
    assert typo.exit_code == 2 and "Tidak ada perintah 'chek'. Maksudnya 'check'?" in typo.output
    bad_choice = run("check", SAMPLE, "--fail-on", "fatal")
    assert bad_choice.exit_code == 2 and "Nilai tidak sah untuk '--fail-on'" in bad_choice.output
    english = run("check", env=ENGLISH)
    assert english.exit_code == 2 and "Error: Missing argument 'PATHS...'" in english.output


def test_an_english_environment_makes_the_output_english_too():
    assert "Summary: 1 dossiers checked" in run("check", SAMPLE, env=ENGLISH).output
    assert "Ringkasan: 1 berkas diperiksa" in run("check", SAMPLE).output
    assert "Ringkasan: 1 berkas diperiksa" in run("check", SAMPLE, "--lang", "id", env=ENGLISH).output


def _commands(group: click.Group, prefix: str = ""):
    for name in group.list_commands(None):  # those the group imports when they are used included
        command = group.get_command(None, name)
        key = f"{prefix}_{name}" if prefix else name
        yield key, command
        if isinstance(command, click.Group):
            yield from _commands(command, key)


def test_every_command_and_option_has_indonesian_help():
    catalogue = i18n.catalogue("id")
    missing = []
    for key, command in _commands(main):
        if f"cli.{key}" not in catalogue:
            missing.append(key)
        for param in command.params:
            if isinstance(param, click.Option) and not param.hidden:
                if param.name not in ("help", "version") and not ({f"cli.{key}.{param.name}", f"cli.{param.name}"} & set(catalogue)):
                    missing.append(f"{key} --{param.name}")
    assert missing == []


def test_the_english_catalogue_says_what_the_code_says():
    """The code's help is the English text; the catalogue repeats it (same keys in both languages): no drift."""
    import inspect

    catalogue = {k: " ".join(v.split()) for k, v in i18n.catalogue("en").items()}
    drift = []
    for key, command in [("main", main), *_commands(main)]:
        if catalogue.get(f"cli.{key}") != " ".join(inspect.cleandoc(command.help or "").split()):
            drift.append(key)
        for param in command.params:
            if isinstance(param, click.Option) and param.help and param.name != "version":
                if (catalogue.get(f"cli.{key}.{param.name}") or catalogue.get(f"cli.{param.name}")) != param.help:
                    drift.append(f"{key} --{param.name}")
    assert drift == []
