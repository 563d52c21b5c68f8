"""The local web page: `serve`."""

from __future__ import annotations

import click

from .. import i18n
from .base import _load_packs, main, pack_option

@main.command()
@click.option("--host", default="127.0.0.1", show_default=True, help="Address to listen on (local only by default).")
@click.option("--port", type=click.IntRange(1, 65535), default=8000, show_default=True)
@click.option("--max-upload-mb", type=click.IntRange(1, 100), default=10, show_default=True)
@click.option(
    "--allow-host", "allow_hosts", multiple=True, metavar="NAME",
    help="Host name the page may be opened under besides 127.0.0.1/localhost (repeatable; the --host address is allowed too).",
)
@pack_option
def serve(host, port, max_upload_mb, allow_hosts, pack_id) -> None:
    """Start the local web page: upload dossiers, read the findings, download the report.

    Only requests for this computer's loopback names (and --host, --allow-host) are served, and
    only forms posted from the page itself are accepted: another web site cannot use it."""
    from waitress import serve as serve_wsgi

    from ..webpage.app import create_app

    click.echo(i18n.text("ui.serving", i18n.DEFAULT, url=f"http://{host}:{port}/"), err=True)
    app = create_app(_load_packs(pack_id), max_upload_mb, allow_hosts=(host, *allow_hosts), forced=pack_id is not None)
    serve_wsgi(app, host=host, port=port, threads=4, _quiet=True)
