"""Uploads of the local page, kept for a while and checked off the request threads.

A check runs in a checking thread, which hands the files to the worker processes of a Run
(evaluation/run.py, evaluation/workers.py); the request threads only start it and look whether it is done, so the page
answers while big uploads are being checked. Each upload is checked once, whatever the languages its
report is asked in (webpage/checking.py writes it in each). Only the last `keep` uploads are kept (in
memory, for the language switch and the downloads); an older link has expired.
"""

from __future__ import annotations

import datetime as dt
import secrets
import threading
from collections import OrderedDict
from collections.abc import Callable
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass
from typing import Any


@dataclass
class Upload:
    files: list[tuple[str, bytes]]
    before: str | None
    as_of: dt.date
    waivers: tuple[str, bytes] | None = None  # an approved waiver file (name, content), if one was given
    checked: Future | None = None  # its check, once started


class Checks:
    """The kept uploads and their checks, each upload checked once."""

    def __init__(self, check: Callable[[Upload], Any], keep: int = 20, threads: int = 2):
        self._check = check
        self._keep = keep
        self._uploads: OrderedDict[str, Upload] = OrderedDict()
        self._lock = threading.Lock()
        self._executor = ThreadPoolExecutor(threads, thread_name_prefix="cek-integrasi-check")

    def add(self, upload: Upload) -> str:
        """Keep an upload; the token of its result link. The oldest beyond `keep` is dropped."""
        token = secrets.token_urlsafe(12)
        with self._lock:
            self._uploads[token] = upload
            while len(self._uploads) > self._keep:
                _, dropped = self._uploads.popitem(last=False)
                if dropped.checked is not None:
                    dropped.checked.cancel()  # not started yet: never runs
        return token

    def get(self, token: str) -> Upload | None:
        with self._lock:
            return self._uploads.get(token)

    def checked(self, token: str) -> Future | None:
        """The check of an upload, started on first asking; None when the link has expired."""
        with self._lock:
            upload = self._uploads.get(token)
            if upload is None:
                return None
            if upload.checked is None:
                upload.checked = self._executor.submit(self._check, upload)
            return upload.checked
