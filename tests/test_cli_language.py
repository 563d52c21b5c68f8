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


def _fresh_translation(monkeypatch, cache):
    from cek_integrasi.cli import language

    monkeypatch.setenv("CEK_INTEGRASI_CACHE_DIR", str(cache))
    language._translation.cache_clear()
    return language


def test_clicks_catalogue_is_compiled_once_and_read_compiled_after(monkeypatch, tmp_path):
    """A command starts without Babel: the Indonesian catalogue of click's messages is compiled the first time and
    read back compiled after (a changed catalogue, or another version of the program, is compiled again)."""
    language = _fresh_translation(monkeypatch, tmp_path / "cache")
    first = language._translation("id").gettext("Show this message and exit.")
    assert first == "Tampilkan pesan ini lalu keluar."
    [compiled] = (tmp_path / "cache" / "catalogues").glob("click.id.*.mo")
    language._translation.cache_clear()
    monkeypatch.setattr(language, "_compiled", lambda source: pytest.fail("compiled again"))
    assert language._translation("id").gettext("Show this message and exit.") == first
    monkeypatch.setattr(language, "__version__", "0.0.0-other")
    language._translation.cache_clear()
    with pytest.raises(pytest.fail.Exception, match="compiled again"):
        language._translation("id")
    language._translation.cache_clear()


@pytest.mark.parametrize("damage", [b"", b"not a catalogue", None])
def test_a_damaged_or_unwritable_catalogue_cache_only_means_compiling_again(monkeypatch, tmp_path, damage):
    cache = tmp_path / "cache" if damage is not None else tmp_path / "a-file" / "cache"
    language = _fresh_translation(monkeypatch, cache)
    if damage is None:
        (tmp_path / "a-file").write_text("not a folder")
    else:
        language._translation("id")
        [compiled] = (cache / "catalogues").glob("click.id.*.mo")
        compiled.write_bytes(damage)
        language._translation.cache_clear()
    assert language._translation("id").gettext("Show this message and exit.") == "Tampilkan pesan ini lalu keluar."
    if damage is not None:
        assert compiled.read_bytes() != damage  # written whole again
    language._translation.cache_clear()


def test_a_catalogue_that_cannot_be_put_in_place_leaves_no_partial_file(monkeypatch, tmp_path):
    language = _fresh_translation(monkeypatch, tmp_path / "cache")

    def refused(source, target):
        raise PermissionError(13, "Permission denied", str(target))

    monkeypatch.setattr(language.os, "replace", refused)
    assert language._translation("id").gettext("Show this message and exit.") == "Tampilkan pesan ini lalu keluar."
    assert list((tmp_path / "cache" / "catalogues").iterdir()) == []
    language._translation.cache_clear()


def test_a_command_that_prints_none_of_clicks_messages_starts_without_babel(tmp_path):
    """What the compiled catalogue is for: measured in a new process, as a user starts the program."""
    import os
    import subprocess
    import sys

    probe = ("import sys; from cek_integrasi.cli import run; sys.argv = ['cek-integrasi', 'rules', 'list'];\n"
             "try: run()\nexcept SystemExit: pass\nprint('BABEL' if any(m.startswith('babel') for m in sys.modules) else 'NONE')")
    env = {**os.environ, "CEK_INTEGRASI_CACHE_DIR": str(tmp_path / "cache"), "LANG": "C.UTF-8", "LC_ALL": ""}
    runs = [subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, env=env, check=True) for _ in range(2)]
    assert [r.stdout.strip().splitlines()[-1] for r in runs] == ["BABEL", "NONE"]
