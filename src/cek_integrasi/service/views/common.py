"""What the views share: the store, the pool and the packs of the running app, the language, pages."""

from __future__ import annotations

from flask import current_app, render_template, request

from ..app import current_lang
from ..checking import CheckPool
from ..progress import WeeklyCache
from ..store import Store


def store() -> Store:
    return current_app.extensions["cek_store"]


def pool() -> CheckPool:
    return current_app.extensions["cek_pool"]


def weekly_progress() -> WeeklyCache:
    """The weekly progress of the app's store, kept between visits until the store changes."""
    return current_app.extensions["cek_progress"]


def packs():
    return current_app.extensions["cek_packs"]


def lang() -> str:
    return current_lang()


def page(template: str, status: int = 200, **context):
    return render_template(template, **context), status


def address() -> str:
    return request.remote_addr or ""


def throttle():
    return current_app.extensions["cek_throttle"]
