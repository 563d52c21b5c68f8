"""Backup and restore of the store: SQLite's online backup, or pg_dump / pg_restore for PostgreSQL.

A backup is written beside its target and renamed into place, so a failed backup never leaves half
a file under the name asked for. Restore replaces the store's contents with the backup's; stop the
server first.
"""

from __future__ import annotations

import os
import shutil
import sqlite3
import subprocess
from pathlib import Path

from sqlalchemy.engine import make_url


class BackupError(RuntimeError):
    pass


def _sqlite_path(url: str) -> Path:
    return Path(make_url(url).database)


def _libpq_url(url: str) -> str:
    """The URL as libpq tools read it (no SQLAlchemy driver name)."""
    return make_url(url).set(drivername="postgresql").render_as_string(hide_password=False)


def _pg_tool(name: str) -> str:
    found = shutil.which(name)
    if found is None:
        raise BackupError(f"{name} not found: install the PostgreSQL client (Debian: postgresql-client)")
    return found


def backup(url: str, output: Path) -> None:
    partial = output.with_name(output.name + ".partial")
    try:
        if url.startswith("sqlite"):
            source = sqlite3.connect(_sqlite_path(url))
            target = sqlite3.connect(partial)
            with target:
                source.backup(target)
            source.close()
            target.close()
        else:
            done = subprocess.run([_pg_tool("pg_dump"), "--format=custom", "--no-owner", f"--file={partial}", _libpq_url(url)],
                                  capture_output=True, text=True)
            if done.returncode != 0:
                raise BackupError(done.stderr.strip())
        os.replace(partial, output)
    finally:
        partial.unlink(missing_ok=True)


def restore(url: str, source: Path) -> None:
    if not source.is_file():
        raise BackupError(f"{source}: no such file")
    if url.startswith("sqlite"):
        try:
            backup_db = sqlite3.connect(f"file:{source}?mode=ro", uri=True)
            tables = {row[0] for row in backup_db.execute("select name from sqlite_master where type='table'")}
        except sqlite3.DatabaseError as error:
            raise BackupError(f"{source}: not a cek-integrasi SQLite backup ({error})") from None
        if not {"submissions", "blobs", "alembic_version"} <= tables:
            raise BackupError(f"{source}: not a cek-integrasi SQLite backup")
        target = sqlite3.connect(_sqlite_path(url))
        with target:
            backup_db.backup(target)
        backup_db.close()
        target.close()
        return
    done = subprocess.run([_pg_tool("pg_restore"), "--clean", "--if-exists", "--no-owner", "--single-transaction",
                           f"--dbname={_libpq_url(url)}", str(source)], capture_output=True, text=True)
    if done.returncode != 0:
        raise BackupError(done.stderr.strip())
