"""What the views share: the language, pages, upload limits and names (the service object: runtime.service)."""

from __future__ import annotations

from pathlib import PurePath

from flask import render_template, request
from werkzeug.datastructures import FileStorage
from werkzeug.utils import secure_filename

from ...evaluation.waivers import WaiverSet
from ..pages import current_lang
from ..runtime import service
from ..store import FILE_NAME


def active_waivers() -> WaiverSet:
    """The store's active waivers, kept by the service between submissions (waiver_files.ActiveWaivers)."""
    return service().waivers.of(service().store)


def upload_limit(setting: str):
    """Declare the Settings field (MB) that limits a view's upload instead of max_upload_mb (app._upload_limit)."""

    def mark(view):
        view.upload_setting = setting
        return view

    return mark


def lang() -> str:
    return current_lang()


def page(template: str, status: int = 200, **context):
    return render_template(template, **context), status


def address() -> str:
    return request.remote_addr or ""


def upload_name(upload: FileStorage, default: str) -> str:
    """An uploaded file's name as the service keeps it: made safe (secure_filename), `default` if
    nothing is left, cut to FILE_NAME characters keeping its suffix (a roster or a waiver file is
    written under this name to be read, and a file system takes no longer one)."""
    name = secure_filename(upload.filename or "") or default
    if len(name) <= FILE_NAME:
        return name
    suffix = PurePath(name).suffix
    suffix = suffix if len(suffix) <= 16 else ""  # a dot far from the end is no suffix
    return name[:FILE_NAME - len(suffix)] + suffix
