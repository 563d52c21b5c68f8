"""A throwaway PostgreSQL cluster for the store tests, from Debian's binaries (package `postgresql`).

The cluster lives in a temporary folder, listens on 127.0.0.1 only and is removed afterwards. As
root, initdb refuses to run, so the cluster is made and run as the user `nobody` in a folder given
to it. CEK_INTEGRASI_TEST_POSTGRES=URL uses a server of one's own instead.
"""

from __future__ import annotations

import contextlib
import glob
import os
import pwd
import shutil
import socket
import subprocess
import tempfile
from collections.abc import Iterator
from pathlib import Path

BINARIES = sorted(glob.glob("/usr/lib/postgresql/*/bin/initdb"))


def available() -> bool:
    return bool(os.environ.get("CEK_INTEGRASI_TEST_POSTGRES") or BINARIES)


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@contextlib.contextmanager
def cluster() -> Iterator[str]:
    """The URL of a superuser connection to a running throwaway cluster."""
    if os.environ.get("CEK_INTEGRASI_TEST_POSTGRES"):
        yield os.environ["CEK_INTEGRASI_TEST_POSTGRES"]
        return
    bindir = Path(BINARIES[-1]).parent
    folder = Path(tempfile.mkdtemp(prefix="cek-integrasi-pg-"))
    as_user: list[str] = []
    if os.geteuid() == 0:
        nobody = pwd.getpwnam("nobody")
        os.chown(folder, nobody.pw_uid, nobody.pw_gid)
        as_user = ["runuser", "-u", "nobody", "--"]
    data, port = folder / "data", _free_port()

    def run(*args: str) -> None:
        done = subprocess.run([*as_user, *args], capture_output=True, text=True, cwd=folder, timeout=120)
        if done.returncode != 0:
            raise RuntimeError(f"{args[0]} failed: {done.stderr or done.stdout}")

    try:
        run(str(bindir / "initdb"), "-D", str(data), "-U", "postgres", "-A", "trust", "--no-sync", "-E", "UTF8")
        options = f"-c listen_addresses=127.0.0.1 -p {port} -k {folder} -c fsync=off"
        run(str(bindir / "pg_ctl"), "-D", str(data), "-o", options, "-l", str(folder / "log"), "-w", "start")
        yield f"postgresql://postgres@127.0.0.1:{port}/postgres"
    finally:
        subprocess.run([*as_user, str(bindir / "pg_ctl"), "-D", str(data), "-m", "immediate", "stop"], capture_output=True, cwd=folder)
        shutil.rmtree(folder, ignore_errors=True)


def new_database(server_url: str, name: str) -> str:
    """A fresh empty database on the server; its URL."""
    import psycopg

    with psycopg.connect(server_url, autocommit=True) as connection:
        connection.execute(f'DROP DATABASE IF EXISTS "{name}"')
        connection.execute(f'CREATE DATABASE "{name}"')
    return server_url.rsplit("/", 1)[0] + f"/{name}"
