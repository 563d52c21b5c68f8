"""Progress of long work on stderr: only when stderr is a terminal, only for many files, never with --quiet.

click's progress bar shows the count, the rate and the time left. Nothing is drawn when stderr
is a file or a pipe (a log stays clean), nor when the results themselves scroll on the same
terminal (they show the progress already).
"""

from __future__ import annotations

import sys
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager

import click

from .. import i18n

SHOW_FROM = 200  # files; a smaller run is over before a bar would help


def wanted(count: int, quiet: bool, printing_results: bool) -> bool:
    """Whether to draw a bar for `count` files."""
    return not quiet and count >= SHOW_FROM and sys.stderr.isatty() and not (printing_results and sys.stdout.isatty())


@contextmanager
def progress(count: int, lang: str, label: str, show: bool) -> Iterator[Callable[[int], None]]:
    """A function to call with the number of files done since the last call (a no-op when not shown)."""
    if not show:
        yield lambda _done: None
        return
    started = time.monotonic()
    with click.progressbar(
        length=count, label=i18n.text(f"progress.{label}", lang), file=sys.stderr, show_pos=True, show_eta=True,
        item_show_func=lambda rate: rate,
    ) as bar:
        def advance(done: int) -> None:
            elapsed = time.monotonic() - started
            rate = (bar.pos + done) / elapsed if elapsed > 0 else 0.0
            bar.update(done, i18n.text("progress.rate", lang, rate=rate))

        yield advance
