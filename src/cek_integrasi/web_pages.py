"""What the local page (`serve`) and the kabupaten service (`server`) answer alike: the security headers of
every response, and the error pages of a stale form token, an upload too large, an HTTP error and a defect
of ours. Each app shows them with its own page and words (`ErrorPages`), in the reader's language."""

from __future__ import annotations

import logging
from collections.abc import Callable, Mapping
from dataclasses import dataclass

from flask import Flask, Response, g, request
from flask.typing import ResponseReturnValue
from flask_wtf.csrf import CSRFError
from werkzeug.exceptions import HTTPException, RequestEntityTooLarge

MB = 1024 * 1024
SECURITY_HEADERS = {
    "X-Content-Type-Options": "nosniff",
    "X-Frame-Options": "DENY",
    "Content-Security-Policy": "default-src 'none'; style-src 'unsafe-inline'; img-src 'self' data:; form-action 'self'",
    "Referrer-Policy": "same-origin",
}


def add_security_headers(response: Response) -> Response:
    """No sniffing, no framing, nothing loaded from elsewhere, no address sent to other sites (a view may set its own)."""
    for name, value in SECURITY_HEADERS.items():
        response.headers.setdefault(name, value)
    return response


@dataclass(frozen=True)
class ErrorPages:
    """How an app answers errors. `show(status, key, **context)`: its page with the catalogue text `key`;
    `csrf`, `internal`: the keys of a refused form token and of a defect; `statuses`: the key of an HTTP
    error by its status (web.bad_request for the others); `max_files`: the files one upload may hold."""

    show: Callable[..., ResponseReturnValue]
    csrf: str
    internal: str
    statuses: Mapping[int, str]
    max_files: int
    log: logging.Logger


def install(app: Flask, pages: ErrorPages) -> None:
    """Send the security headers with every response of `app` and answer its errors with `pages`."""
    app.after_request(add_security_headers)

    @app.errorhandler(CSRFError)
    def stale_form(_error):
        return pages.show(400, pages.csrf)

    @app.errorhandler(RequestEntityTooLarge)
    def too_large(_error):
        if (request.content_length or 0) <= request.max_content_length:  # werkzeug: more parts than MAX_FORM_PARTS
            return pages.show(413, "web.too_many_parts", max_files=pages.max_files)
        limit = g.get("upload_limit_mb", app.config["MAX_CONTENT_LENGTH"] // MB)  # a view with a limit of its own sets it
        return pages.show(413, "web.too_large", max_mb=limit)

    @app.errorhandler(HTTPException)
    def http_error(error: HTTPException):
        return pages.show(error.code or 500, pages.statuses.get(error.code, "web.bad_request"))

    @app.errorhandler(Exception)
    def failure(error: Exception):  # a defect of ours: logged, and a page in the reader's language, never a traceback
        pages.log.exception("error on %s %s", request.method, request.path)
        return pages.show(500, pages.internal, reason=type(error).__name__)
