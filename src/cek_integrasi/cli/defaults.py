"""Defaults from `cek-integrasi.toml` for every option of every command, through click's default_map.

A setting is named like its option without the dashes in front (`fail-on`, `csv-separator`,
`lang`; `fail_on` works too). Values are checked against the option before any command runs, so a
wrong one is reported with the file and line, not as a surprise later. An option given on the
command line always wins over the file.
"""

from __future__ import annotations

import sys
from typing import Any

import click

from .. import i18n
from .config import Config, ConfigError, find
from ..escaping import terminal


def _key(name: str) -> str:
    return name.strip().replace("_", "-").lower()


def settable(command: click.Command) -> dict[str, click.Option]:
    """The options of a command by the name a setting uses (`fail-on` for --fail-on)."""
    return {opt[2:]: p for p in command.params if isinstance(p, click.Option) for opt in p.opts if opt.startswith("--")}


def default_map(root: click.Group, config: Config) -> dict[str, Any]:
    """click's default_map for the whole command tree, from the settings of `config`."""
    top = {k: v for k, v in config.settings.items() if not isinstance(v, dict)}
    used: set[str] = set()

    def walk(command: click.Command, section: dict[str, Any], path: list[str]) -> dict[str, Any]:
        out: dict[str, Any] = {}
        options = settable(command)
        if path:  # the top-level settings reach every command with that option, not the group itself
            for key, value in top.items():
                if (param := options.get(_key(key))) is not None:
                    out[param.name] = _checked(config, [], key, value, param)
                    used.add(key)
        commands = _subcommands(command)
        for key, value in section.items():
            if isinstance(value, dict):
                if key not in commands:
                    raise ConfigError(config.path, config.line_of([*path, key]), key,
                                      ("unknown_section", {"known": ", ".join(sorted(commands))}))
                continue
            if not path or (param := options.get(_key(key))) is None:
                raise ConfigError(config.path, config.line_of(path, key), key,
                                  ("unknown_key_in", {"section": ".".join(path), "known": ", ".join(sorted(options)) or "-"}))
            out[param.name] = _checked(config, path, key, value, param)
        for name, sub in commands.items():
            out[name] = walk(sub, section.get(name, {}), [*path, name])
        return out

    result = walk(root, {k: v for k, v in config.settings.items() if isinstance(v, dict)}, [])
    for key in top:
        if key not in used:
            known = sorted({name for command in _commands(root) for name in settable(command)})
            raise ConfigError(config.path, config.line_of([], key), key, ("unknown_key", {"known": ", ".join(known)}))
    return result


def _subcommands(command: click.Command) -> dict[str, click.Command]:
    """The commands of a group by name, those it loads when asked for included (language.Group); none of a command."""
    if not isinstance(command, click.Group):
        return {}
    return {name: command.get_command(None, name) for name in command.list_commands(None)}


def _commands(group: click.Group):
    for command in _subcommands(group).values():
        yield command
        if isinstance(command, click.Group):
            yield from _commands(command)


def _checked(config: Config, path: list[str], key: str, value: Any, param: click.Option) -> Any:
    """The value as written, once the option's type accepts it (every item for a repeatable option)."""
    values = value if param.multiple and isinstance(value, list) else [value]
    for item in values:
        try:
            if isinstance(item, (dict, list)):
                raise click.BadParameter(repr(item))
            param.type.convert(item, param, None)
        except click.BadParameter as error:
            choices = getattr(param.type, "choices", None)
            detail = ("bad_choice", {"value": item, "choices": ", ".join(map(str, choices))}) if choices else \
                ("bad_value", {"value": item, "reason": error.message})
            raise ConfigError(config.path, config.line_of(path, key), key, detail) from None
    return list(values) if param.multiple else value


def describe(error: ConfigError, lang: str) -> str:
    """A configuration problem in plain words: the file, the line and what to change."""
    code, context = error.detail if isinstance(error.detail, tuple) else ("toml", {"detail": error.detail})
    if code == "toml" and str(context["detail"]).startswith("utf-8:"):
        code = "utf8"
    place = i18n.text("ui.line", lang, line=error.line) if error.line else ""
    what = i18n.text(f"config.{code}", lang, setting=error.key, **context)
    return i18n.text("config.problem", lang, path=error.path, place=f", {place}" if place else "", what=what)


class ConfiguredGroup(click.Group):
    """The command group that reads the configuration file before any command parses its options."""

    def make_context(self, info_name, args, parent=None, **extra):
        if parent is None and "default_map" not in extra:
            try:
                config = find()
                extra["default_map"] = default_map(self, config) if config.path else None
            except ConfigError as error:
                lang = "en" if "--lang=en" in args or _after(args, "--lang") == "en" else i18n.DEFAULT
                click.echo(terminal(describe(error, lang)), err=True)
                sys.exit(2)
        return super().make_context(info_name, args, parent=parent, **extra)


def _after(args: list[str], flag: str) -> str | None:
    return args[args.index(flag) + 1] if flag in args[:-1] else None
