"""Who may use the local page: requests for a loopback host name, posted from the page itself.

A web page the facilitator visits elsewhere must not drive the checker: a DNS-rebinding page
reaches 127.0.0.1 under its own host name (refused by the Host check), a cross-site form posts
with its own Origin (refused by the Origin check, and by the CSRF token Flask-WTF puts in every
form and checks on every POST).
"""

from __future__ import annotations

from collections.abc import Iterable
from urllib.parse import urlsplit

LOOPBACK = frozenset({"127.0.0.1", "localhost", "::1"})


def host_name(host: str | None) -> str:
    """The name in a Host header or URL authority, without port or brackets, lower case."""
    host = (host or "").strip().lower()
    if host.startswith("["):
        return host[1 : host.find("]")] if "]" in host else host[1:]
    return host.rsplit(":", 1)[0] if host.count(":") == 1 else host


def allowed_names(extra: Iterable[str] = ()) -> frozenset[str]:
    """The loopback names, and any the user named when serving on another address (--allow-host)."""
    return LOOPBACK | {host_name(name) for name in extra if host_name(name) not in ("", "0.0.0.0", "::")}


def host_allowed(host: str | None, names: frozenset[str]) -> bool:
    return host_name(host) in names


def origin_allowed(origin: str | None, names: frozenset[str]) -> bool:
    """A POST's Origin: absent (an older client; the CSRF token still guards it) or one of our names."""
    if origin is None:
        return True
    try:
        return urlsplit(origin).hostname in names
    except ValueError:
        return False
