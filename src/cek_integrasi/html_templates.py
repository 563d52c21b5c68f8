"""The HTML reports' templates (templates/): one Jinja2 environment, autoescaped and strict, made when a
report is first written (Jinja2 is not imported by a command that writes none)."""

from __future__ import annotations

from functools import cache


@cache
def _environment():
    from jinja2 import Environment, PackageLoader, StrictUndefined

    return Environment(loader=PackageLoader("cek_integrasi", "templates"), autoescape=True, undefined=StrictUndefined)


def template(name: str):
    """The template of templates/ named `name` (Jinja2 caches what it has loaded)."""
    return _environment().get_template(name)
