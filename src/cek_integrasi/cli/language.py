"""The language of the command line: its help, click's own messages (usage errors) and progress text.

Progress and other text a command writes comes from the catalogues in `current()` language.

Indonesian by default; English with `--lang en` (anywhere on the command line), with `lang = "en"`
in the configuration file, or in an English environment (LC_ALL, LC_MESSAGES or LANG starting
with `en`), in that order. The language is chosen when the
command line is read, before click parses it, so `--help` and usage errors already speak it.

- Help of commands and options: the catalogue's `cli` section, keyed by the command
  (`cli.check`, `cli.rules_list`) and by the option (`cli.check.output`, or `cli.output` for every
  command); the English help written in the code is used where the catalogue has none.
- click's own messages ("Missing argument", "Show this message and exit."): click asks gettext for
  them; `install` gives click's modules the Indonesian translation in catalogues/click.id.po,
  compiled by Babel once and then kept compiled in the program's cache folder.
"""

from __future__ import annotations

import contextlib
import gettext
import hashlib
import importlib
import io
import os
import struct
import sys
from collections.abc import Sequence
from functools import cache
from importlib import resources
from pathlib import Path

import click

from .. import __version__, i18n
from ..user_cache import cache_dir
from .config import ConfigError, find
from .defaults import ConfiguredGroup

_CLICK_MODULES = ("core", "decorators", "exceptions", "formatting", "parser", "termui", "types", "utils")
_current = {"lang": i18n.DEFAULT}


def chosen(args: Sequence[str]) -> str:
    """The language a command line asks for: `--lang X` / `--lang=X`, else the configuration's, else the environment's."""
    for i, arg in enumerate(args):
        value = arg.partition("=")[2] if arg.startswith("--lang=") else args[i + 1] if arg == "--lang" and i + 1 < len(args) else None
        if value in i18n.LANGUAGES:
            return value
    try:
        configured = find().settings.get("lang")
    except ConfigError:  # reported by ConfiguredGroup, in the language of the command line
        configured = None
    return configured if configured in i18n.LANGUAGES else i18n.environment_language()


def current() -> str:
    return _current["lang"]


@cache
def _translation(lang: str) -> gettext.NullTranslations:
    """click's messages in `lang`: catalogues/click.LANG.po, compiled by Babel the first time and kept compiled in the
    program's cache folder (user_cache.py), so that a command starts without importing Babel."""
    if lang == "en":
        return gettext.NullTranslations()
    source = resources.files("cek_integrasi").joinpath(f"catalogues/click.{lang}.po").read_bytes()
    digest = hashlib.sha256(__version__.encode() + b"\0" + source).hexdigest()
    compiled = cache_dir() / "catalogues" / f"click.{lang}.{digest[:32]}.mo"
    try:
        with open(compiled, "rb") as handle:
            return gettext.GNUTranslations(handle)
    except (OSError, ValueError, IndexError, struct.error):  # not compiled yet, or a file gettext cannot read
        pass
    data = _compiled(source)
    _keep(compiled, data)
    return gettext.GNUTranslations(io.BytesIO(data))


def _compiled(source: bytes) -> bytes:
    from babel.messages.mofile import write_mo
    from babel.messages.pofile import read_po

    compiled = io.BytesIO()
    write_mo(compiled, read_po(io.BytesIO(source)))
    return compiled.getvalue()


def _keep(path: Path, data: bytes) -> None:
    """Write a compiled catalogue whole or not at all (silently not, where the cache folder cannot be written), leaving
    no partial file behind."""
    partial = path.with_name(f"{path.name}.{os.getpid()}.part")
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        partial.write_bytes(data)
        os.replace(partial, path)
    except OSError:
        with contextlib.suppress(OSError):
            partial.unlink(missing_ok=True)


def install(lang: str) -> None:
    """Make the command line speak `lang`: our help texts and click's own messages."""
    _current["lang"] = lang
    translation = _translation(lang)
    for name in _CLICK_MODULES:
        module = sys.modules.get(f"click.{name}")
        if module is not None and hasattr(module, "_"):
            module._ = translation.gettext
            if hasattr(module, "ngettext"):
                module.ngettext = translation.ngettext


def _key(ctx: click.Context) -> str:
    return "_".join(ctx.command_path.split()[1:]) or "main"


def _help(key: str, written: str | None) -> str | None:
    """The catalogue's text for `key` in the current language, else the text written in the code."""
    return i18n.catalogue(current()).get(f"cli.{key}") or written


class Command(click.Command):
    """A command whose help and option help speak the chosen language."""

    def format_help_text(self, ctx: click.Context, formatter: click.HelpFormatter) -> None:
        text = _help(_key(ctx), self.help)
        if text:
            formatter.write_paragraph()
            with formatter.indentation():
                formatter.write_text(text.partition("\f")[0])

    def get_short_help_str(self, limit: int = 45) -> str:
        text = i18n.catalogue(current()).get(f"cli.{self._path}") if hasattr(self, "_path") else None
        if not text or self.short_help:
            return super().get_short_help_str(limit)
        written, self.help = self.help, text  # click shortens the help it holds
        try:
            return super().get_short_help_str(limit)
        finally:
            self.help = written

    def get_help_option(self, ctx: click.Context):
        self._help_option = None  # click keeps it with its help in the language of the first call
        return super().get_help_option(ctx)

    def format_options(self, ctx: click.Context, formatter: click.HelpFormatter) -> None:
        rows = []
        for param in self.get_params(ctx):
            record = param.get_help_record(ctx)
            if record is None or isinstance(param, click.Argument):
                continue
            term, text = record
            written = getattr(param, "help", None) or ""
            translated = (
                _help(f"{_key(ctx)}.{param.name}", None) or _help(str(param.name), None)
                or (written and _translation(current()).gettext(written))  # click's own (--version)
            )
            if translated and written and text.startswith(written):
                text = translated + text[len(written):]
            elif translated and not written:
                text = f"{translated}  {text}" if text else translated
            rows.append((term, text))
        if rows:
            with formatter.section(_translation(current()).gettext("Options")):
                formatter.write_dl(rows)
        if isinstance(self, click.Group):
            self.format_commands(ctx, formatter)


class Group(Command, ConfiguredGroup):
    """The command group: chooses the language from the command line, then reads the configuration and lets click parse it.

    `lazy` names the module of this package that registers each command not registered yet: it is imported when the
    command is asked for, so that a command starts without the modules of the others (click's "lazily loading
    subcommands").
    """

    command_class = Command
    group_class = type  # subgroups are of this class too

    def __init__(self, *args, lazy: dict[str, str] | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        self.lazy = lazy or {}

    def list_commands(self, ctx: click.Context | None) -> list[str]:
        return sorted({*self.commands, *self.lazy})

    def get_command(self, ctx: click.Context | None, cmd_name: str) -> click.Command | None:
        if cmd_name not in self.commands and cmd_name in self.lazy:
            importlib.import_module(f"{__package__}.{self.lazy[cmd_name]}")  # its decorators add it to this group
        return super().get_command(ctx, cmd_name)

    def main(self, args: Sequence[str] | None = None, *rest, **extra):
        args = list(sys.argv[1:] if args is None else args)
        install(chosen(args))
        return super().main(args, *rest, **extra)

    def add_command(self, cmd: click.Command, name: str | None = None) -> None:
        super().add_command(cmd, name)
        prefix = getattr(self, "_path", "")
        cmd._path = f"{prefix}_{name or cmd.name}" if prefix else (name or cmd.name)
