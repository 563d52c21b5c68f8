"""`config`: which configuration file is used and the defaults it sets, or an example to start from."""

from __future__ import annotations

import json

import click

from .. import i18n
from .config import find, places
from ..escaping import terminal
from .base import lang_option, main

EXAMPLE = {
    "id": """\
# cek-integrasi.toml: nilai bawaan yang tidak perlu diketik lagi (docs/config.md).
# Di atas: berlaku untuk setiap perintah yang punya opsi itu. [perintah]: hanya perintah itu.
# Opsi yang ditulis di baris perintah selalu menang.

lang = "id"                  # bahasa: id atau en
csv-separator = ";"          # pemisah sel CSV: ";" (Excel Indonesia) atau ","

[check]
fail-on = "warning"          # kode keluar 1 mulai dari peringatan

[report]
format = "xlsx"              # bila -o tidak berakhiran .html/.xlsx/.csv/.json/.md
kop = ["PEMERINTAH KABUPATEN BULUKUMBA", "KECAMATAN RILAU ALE"]
tempat = "Palampang"
mengetahui = "Camat Rilau Ale; Drs. Andi Baso Tenri; 19650101 199003 1 005"
pembuat = "Fasilitator Kecamatan; Nurhayati, S.Sos"

[screen]
as-of = "2014-03-01"
""",
    "en": """\
# cek-integrasi.toml: defaults you need not type again (docs/config.md).
# At the top: for every command with that option. [command]: that command only.
# An option given on the command line always wins.

lang = "en"                  # language: id or en
csv-separator = ","          # CSV cell separator: ";" (Indonesian Excel) or ","

[check]
fail-on = "warning"          # exit 1 from warnings up

[report]
format = "xlsx"              # when -o does not end in .html/.xlsx/.csv/.json/.md
kop = ["PEMERINTAH KABUPATEN BULUKUMBA", "KECAMATAN RILAU ALE"]   # letterhead lines
tempat = "Palampang"         # place of signing
mengetahui = "Camat Rilau Ale; Drs. Andi Baso Tenri; 19650101 199003 1 005"
pembuat = "Fasilitator Kecamatan; Nurhayati, S.Sos"

[screen]
as-of = "2014-03-01"
""",
}


@main.command("config")
@click.option("--example", is_flag=True, help="Print an example cek-integrasi.toml to start from.")
@lang_option
def config(example, lang) -> None:
    """Show the configuration file in use (cek-integrasi.toml) and the defaults it sets."""
    if example:
        click.echo(EXAMPLE[lang], nl=False)
        return
    t = lambda key, **kw: i18n.text(f"config.{key}", lang, **kw)  # noqa: E731
    found = find()  # already read and checked when the command group started
    if found.path is None:
        click.echo(t("none", places=", ".join(map(str, places()))))
        click.echo(t("how"))
        return
    click.echo(terminal(t("using", path=found.path)))
    top = {k: v for k, v in found.settings.items() if not isinstance(v, dict)}
    if top:
        click.echo(t("everywhere"))
        _settings(top)
    for path, values in _sections(found.settings, []):
        click.echo(f"\n[{'.'.join(path)}]")
        _settings(values)


def _settings(values: dict) -> None:
    for key, value in values.items():
        click.echo(terminal(f"{key} = {json.dumps(value, ensure_ascii=False, default=str)}"))


def _sections(settings: dict, path: list[str]):
    """Every table of the file with the settings written in it, in the file's order."""
    for name, value in settings.items():
        if isinstance(value, dict):
            own = {k: v for k, v in value.items() if not isinstance(v, dict)}
            if own:
                yield [*path, name], own
            yield from _sections(value, [*path, name])
