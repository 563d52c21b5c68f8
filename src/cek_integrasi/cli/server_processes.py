"""Several server processes on one port (`server --processes N`), where the system allows it.

The threads of one process share one interpreter lock, so one process uses about one processor
core. With N processes each has its own listening socket on the same address (SO_REUSEPORT): the
kernel spreads new connections over them. The first process forks the others before any of them
opens its store, checking workers or threads; it stops them when it stops (Ctrl+C or SIGTERM),
and each of them stops when the first is gone. Linux and macOS only (fork and SO_REUSEPORT):
on Windows the service runs in one process.
"""

from __future__ import annotations

import atexit
import os
import signal
import socket
import sys
import threading

PARENT_WATCH_SECONDS = 1.0


def supported() -> bool:
    return hasattr(socket, "SO_REUSEPORT") and hasattr(os, "fork")


def listening_socket(host: str, port: int, first: bool) -> socket.socket:
    """A socket listening on (host, port) that the other server processes bind too. `first`: the port must be
    free (OSError if not): without that check a second service started on the same port would share it."""
    family, kind, proto, _, address = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)[0]
    if first:
        with socket.socket(family, kind, proto) as probe:  # no SO_REUSEPORT: fails if anything listens there
            probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
            probe.bind(address)
    sock = socket.socket(family, kind, proto)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEPORT, 1)
    try:
        sock.bind(address)
        sock.listen(1024)
    except OSError:
        sock.close()
        raise
    return sock


def fork_servers(count: int) -> int:
    """Fork `count - 1` more processes; this process's number (0: the first, which stops the others when it stops)."""
    first = os.getpid()
    children = []
    for number in range(1, count):
        pid = os.fork()
        if pid == 0:
            _stop_with(first)
            return number
        children.append(pid)
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(0))  # a clean exit, so that the children are stopped too
    atexit.register(_stop, children)
    return 0


def _stop(children: list[int]) -> None:
    for pid in children:
        try:
            os.kill(pid, signal.SIGTERM)
        except ProcessLookupError:
            continue
    for pid in children:
        try:
            os.waitpid(pid, 0)
        except ChildProcessError:
            continue


def _stop_with(first: int) -> None:
    """A forked process ends cleanly on SIGTERM, and on its own when the first process is gone (even killed)."""
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(0))

    def watch() -> None:
        while os.getppid() == first:
            threading.Event().wait(PARENT_WATCH_SECONDS)
        os.kill(os.getpid(), signal.SIGTERM)

    threading.Thread(target=watch, name="first-process-watch", daemon=True).start()
