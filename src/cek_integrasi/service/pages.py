"""What every page of the service shares: the reader's language, the template helpers and the error page.

Imported by the application factory and by the views alike (the views never import the app module)."""

from __future__ import annotations

from flask import g, render_template, request

from .. import __version__, i18n


def current_lang() -> str:
    """The reader's language: ?lang= of this request, else the language cookie, else Indonesian."""
    chosen = request.args.get("lang") or request.cookies.get("lang") or i18n.DEFAULT
    return chosen if chosen in i18n.LANGUAGES else i18n.DEFAULT


def template_helpers() -> dict:
    """What every template reads: the language, its texts and shown values, the user, the version."""
    lang = current_lang()
    return dict(
        lang=lang, t=lambda key, **kw: i18n.text(key, lang, **kw), show=lambda value: i18n.show(value, lang),
        user=g.get("user"), version=__version__,
    )


def error_page(status: int, key: str, **context):
    """A refusal or failure in the reader's language: JSON under /api/, else the error page."""
    message = i18n.text(key, current_lang(), **context)
    if request.path.startswith("/api/"):
        return {"error": message}, status
    return render_template("svc_error.html.j2", code=status, message=message), status
