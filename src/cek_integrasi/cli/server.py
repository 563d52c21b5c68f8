"""The kabupaten service: `server` (and its backup and restore) and `users add`."""

from __future__ import annotations

import atexit
import gc
import logging
import logging.handlers
import os
import shutil
import signal
import sys
import tempfile
from contextlib import contextmanager
from pathlib import Path

import click

from .. import i18n
from .base import _load_packs, main, pack_option
from .language import current

data_option = click.option("--data", type=click.Path(file_okay=False, path_type=Path), metavar="DIR",
                           help="Folder of the service: its SQLite store, secret key and logs.")
database_option = click.option("--database", metavar="URL",
                               help="Database URL instead of the SQLite file in DIR, e.g. postgresql://user:pw@host/db.")


def _say(key: str, **context) -> None:
    click.echo(i18n.text(f"svc_cli.{key}", current(), **context), err=True)


def _fail(key: str, **context) -> None:
    click.echo("cek-integrasi: " + i18n.text(f"svc_cli.{key}", current(), **context), err=True)
    sys.exit(2)


def _url(data: Path | None, database: str | None, create: bool = True) -> str:
    """The store's URL; `create`: make the folder of a new store (not for a backup of a store that must exist)."""
    from ..service.store import SQLITE_NAME, database_url

    if data is None:
        raise click.UsageError(i18n.text("svc_cli.data_needed", current()))
    if create:
        data.mkdir(parents=True, exist_ok=True)
    elif database is None and not (data / SQLITE_NAME).is_file():
        _fail("no_store", data=data)
    return database_url(data, database)


def _copying(step, url: str, path: Path) -> None:
    """A backup or restore step; its refusal in plain words with exit 2."""
    from ..service.backup import BackupError

    try:
        step(url, path)
    except BackupError as error:
        click.echo(f"cek-integrasi: {error}", err=True)
        sys.exit(2)


@contextmanager
def _store_opening(on_failure=lambda: None):
    """Where a store is opened: one that cannot be (wrong URL, database down) ends the command with a plain
    message, never a traceback, after `on_failure` (SQLAlchemy is imported here, not when a command starts)."""
    from sqlalchemy.exc import SQLAlchemyError

    try:
        yield
    except SQLAlchemyError as error:
        on_failure()
        _fail("store_failed", reason=str(getattr(error, "orig", None) or error).strip().splitlines()[0])


def _logging(data: Path, process: int = 0) -> None:
    """The service's log to stderr and to logs/service.log; a further server process (`process` > 0) writes its own
    file, service-2.log and so on (one rotating file has one writer)."""
    folder = data / "logs"
    folder.mkdir(parents=True, exist_ok=True)
    form = logging.Formatter("%(asctime)s %(levelname)s %(name)s %(message)s")
    name = f"service-{process + 1}.log" if process else "service.log"
    handlers = [logging.StreamHandler(sys.stderr),
                logging.handlers.RotatingFileHandler(folder / name, maxBytes=10_000_000, backupCount=5, encoding="utf-8")]
    log = logging.getLogger("cek_integrasi.service")
    log.setLevel(logging.INFO)
    for inherited in list(log.handlers):
        log.removeHandler(inherited)
        inherited.close()
    for handler in handlers:
        handler.setFormatter(form)
        log.addHandler(handler)


def _port_failed(host: str, port: int, error: OSError) -> None:
    _fail("port_failed", host=host, port=str(port), reason=error.strerror or str(error))


def _listening(host: str, port: int, first: bool):
    """A socket on the port that the server processes share (server_processes.listening_socket)."""
    from .server_processes import listening_socket

    try:
        return listening_socket(host, port, first)
    except OSError as error:
        _port_failed(host, port, error)


def _prepare(url: str, packs, jobs: int, check_timeout: float, forced: bool, demo: Path | None) -> None:
    """The store migrated once, and the demo's samples put in it (`demo`: its folder), before the server processes start."""
    from ..service.checking import service_pool
    from ..service.store import Store

    with _store_opening():
        store = Store(url)
    try:
        if demo:
            pool = service_pool(packs, jobs, check_timeout, forced=forced)
            try:
                _fill_demo(store, pool, demo)
            finally:
                pool.close()
    finally:
        store.close()


def _remove_demo(data: Path, owner: int) -> None:
    """The demo's throwaway store removed when its server stops; by the process that made it (further server
    processes inherit this exit hook)."""
    if os.getpid() == owner:
        shutil.rmtree(data, ignore_errors=True)


def _fill_demo(store, pool, data: Path) -> None:
    from ..service.demo import fill

    passwords = fill(store, pool)
    _say("demo_store", data=data)
    for name, password in passwords.items():
        click.echo(f"  {name:20} {password}", err=True)


@main.group(invoke_without_command=True)
@data_option
@database_option
@click.option("--host", default="127.0.0.1", show_default=True,
              help="Address to listen on. Only this machine by default; for the office network put a TLS reverse proxy in front (docs/service.md).")
@click.option("--port", type=click.IntRange(1, 65535), default=8080, show_default=True)
@click.option("--demo", is_flag=True, help="A throwaway store filled with the samples and one account per role.")
@click.option("--max-upload-mb", type=click.IntRange(1, 100), default=10, show_default=True, help="Largest upload (all files of one form).")
@click.option("--max-evidence-mb", type=click.IntRange(1, 100), default=10, show_default=True,
              help="Largest evidence file (a scan or photo of a document).")
@click.option("--jobs", type=click.IntRange(1, 16), default=2, show_default=True, help="Worker processes checking uploads.")
@click.option("--threads", type=click.IntRange(2, 64), default=4, show_default=True,
              help="Requests served at once (the others wait their turn).")
@click.option("--processes", type=click.IntRange(1, 16), default=1, show_default=True,
              help="Server processes sharing the port, one per processor core to use (Linux and macOS); --jobs is shared among them.")
@click.option("--check-timeout", type=click.FloatRange(1, 600), default=20, show_default=True,
              help="Seconds one file may take to check (a re-check's batch of files: a twentieth more per further file).")
@click.option("--secure-cookies", is_flag=True, help="Send the session cookie over HTTPS only (behind a TLS reverse proxy).")
@click.option("--no-daily-recheck", is_flag=True, help="Do not re-check stale results at start and after each midnight.")
@pack_option
@click.pass_context
def server(ctx, data, database, host, port, demo, max_upload_mb, max_evidence_mb, jobs, threads, processes, check_timeout, secure_cookies, no_daily_recheck, pack_id) -> None:
    """Start the kabupaten service: facilitators submit, supervisors follow, in a browser."""
    if ctx.invoked_subcommand is not None:
        return
    from waitress import create_server

    from ..service.app import create_app
    from ..service.runtime import Settings, service
    from ..service.checking import service_pool
    from . import server_processes

    if processes > 1 and not server_processes.supported():
        _fail("processes_unsupported")
    packs = _load_packs(pack_id)
    if demo:  # a throwaway store, removed when the server stops (Ctrl+C or SIGTERM)
        data = Path(tempfile.mkdtemp(prefix="cek-integrasi-demo-"))
        database = None
        atexit.register(_remove_demo, data, os.getpid())
        signal.signal(signal.SIGTERM, lambda *_: sys.exit(0))
    url = _url(data, database)
    _logging(data)
    jobs = max(1, jobs // processes)  # in each process
    listening = dict(host=host, port=port)
    process = 0
    if processes > 1:
        _prepare(url, packs, jobs, check_timeout, pack_id is not None, data if demo else None)
        sock = _listening(host, port, first=True)  # taken here, before the others start: a taken port is said once
        process = server_processes.fork_servers(processes)
        if process:
            sock.close()  # the first process's socket: each process accepts on its own
            _logging(data, process)
            sock = _listening(host, port, first=False)
        listening = dict(sockets=[sock])
    pool = service_pool(packs, jobs, check_timeout, forced=pack_id is not None)  # workers start before the threads
    with _store_opening(on_failure=pool.close):
        app = create_app(packs, Settings(data=data, database=url, max_upload_mb=max_upload_mb, max_evidence_mb=max_evidence_mb, jobs=jobs,
                                        check_timeout=check_timeout, secure_cookies=secure_cookies), pool)
    try:  # listening from here on; requests wait until it runs
        serving = create_server(app, **listening, threads=threads, max_request_body_size=(max(max_upload_mb, max_evidence_mb) + 1) * 1024 * 1024)
    except OSError as error:  # the one process's port taken
        pool.close()
        _port_failed(host, port, error)
    if demo and processes == 1:
        _fill_demo(service(app).store, pool, data)
    if not no_daily_recheck and process == 0:  # one re-check for the store, whatever the processes
        from ..service.recheck import start_daily

        start_daily(service(app).store, pool)
    if process == 0 and host not in ("127.0.0.1", "localhost", "::1"):
        _say("open_network", host=host)
    gc.freeze()  # the packs, the app and the store's metadata live as long as the server: never scanned for cycles again
    if process == 0:
        _say("listening", host=host, port=str(port))  # a port, not a number to group as 18.771
    serving.run()


@server.command()
@data_option
@database_option
@click.option("-o", "--output", required=True, type=click.Path(dir_okay=False, path_type=Path), help="Backup file to write.")
def backup(data, database, output) -> None:
    """Copy the store into a file (SQLite online backup, or pg_dump)."""
    from ..service.backup import backup as run_backup

    url = _url(data, database, create=False)
    if output.exists():
        raise click.UsageError(i18n.text("svc_cli.output_exists", current(), path=output))
    _copying(run_backup, url, output)
    _say("backup_written", path=output)


@server.command()
@data_option
@database_option
@click.argument("source", type=click.Path(dir_okay=False, path_type=Path))
def restore(data, database, source) -> None:
    """Replace the store's contents with a backup (stop the server first)."""
    from ..service.backup import restore as run_restore

    _copying(run_restore, _url(data, database), source)
    _say("restored", path=source)


@server.command()
@data_option
@database_option
@click.option("--as-of", "as_of", type=click.DateTime(formats=["%Y-%m-%d"]), metavar="YYYY-MM-DD",
              help="Re-check as on this date instead of the kabupaten's date (today unless an admin fixed one).")
@click.option("--jobs", type=click.IntRange(1, 16), default=2, show_default=True, help="Worker processes checking the files.")
@click.option("--check-timeout", type=click.FloatRange(1, 600), default=60, show_default=True,
              help="Seconds one file may take to check (a batch of files: a twentieth more per further file).")
@pack_option
def recheck(data, database, as_of, jobs, check_timeout, pack_id) -> None:
    """Re-check the latest version of every dossier whose result is stale (older date, changed pack or waivers)."""
    from ..evaluation.pool import poll_often, start_fork_server
    from ..service.checking import service_pool

    start_fork_server()  # it imports the checking code while this process loads the packs
    poll_often()
    pool = service_pool(_load_packs(pack_id), jobs, check_timeout, forced=pack_id is not None, start_now=True)
    from ..service.recheck import recheck as run_recheck  # SQLAlchemy is imported while they start
    from ..service.store import Store

    with _store_opening(on_failure=pool.close):
        store = Store(_url(data, database))
    try:
        summary = run_recheck(store, pool, as_of.date() if as_of else None, by="cli")
    finally:
        pool.close()
        store.close()
    click.echo(f"as-of {summary.as_of.isoformat()}: {summary.stale} stale, {summary.rechecked} re-checked, "
               f"{summary.changed} changed, {len(summary.failed)} failed", err=True)
    for code in summary.failed:
        click.echo(f"  {code}: could not be checked again (see the service log)", err=True)
    if summary.failed:
        sys.exit(1)


@main.group()
def users() -> None:
    """Accounts of the kabupaten service."""


@users.command("add")
@click.argument("name")
@click.option("--role", required=True, type=click.Choice(("admin", "supervisor", "facilitator")), help="Role of the account.")
@click.option("--kecamatan", multiple=True, metavar="CODE", help="Kecamatan code (repeatable): a facilitator's, or a supervisor's limit.")
@data_option
@database_option
def add_user_command(name, role, kecamatan, data, database) -> None:
    """Add an account; the password is asked (or read from standard input)."""
    from .. import i18n
    from ..service.accounts import AccountError, add_user
    from ..service.store import Store

    if sys.stdin.isatty():
        password = click.prompt("Password / kata sandi", hide_input=True, confirmation_prompt=True)
    else:
        password = sys.stdin.readline().rstrip("\n")
    with _store_opening():
        store = Store(_url(data, database))
    try:
        with store.writing() as db, db.begin():
            add_user(db, name, role, password, list(kecamatan), by="cli")
    except AccountError as error:
        click.echo(f"cek-integrasi: {i18n.text(f'svc.{error}')}", err=True)
        sys.exit(2)
    finally:
        store.close()
    _say("user_added", name=name, role=role)
