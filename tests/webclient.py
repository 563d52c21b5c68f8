"""A small HTTP client for a running service (a subprocess): cookies, the CSRF token, multipart uploads.

Used by the kill test and by bench/service.py; standard library only.
"""

from __future__ import annotations

import http.cookiejar
import re
import socket
import subprocess
import time
import urllib.error
import urllib.parse
import urllib.request
import uuid


class NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


class Browser:
    def __init__(self, base: str, timeout: float = 60):
        self.base, self.timeout = base, timeout
        self.opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(http.cookiejar.CookieJar()), NoRedirect)

    def request(self, path: str, data: bytes | None = None, headers: dict | None = None) -> tuple[int, bytes]:
        req = urllib.request.Request(self.base + path, data=data, headers=headers or {})
        try:
            with self.opener.open(req, timeout=self.timeout) as response:
                return response.status, response.read()
        except urllib.error.HTTPError as error:
            return error.code, error.read()

    def token(self, path: str) -> str:
        return re.search(rb'name="csrf_token" value="([^"]+)"', self.request(path)[1]).group(1).decode()

    def login(self, name: str, password: str) -> int:
        form = urllib.parse.urlencode({"name": name, "password": password, "csrf_token": self.token("/masuk")}).encode()
        return self.request("/masuk", form, {"Content-Type": "application/x-www-form-urlencoded"})[0]

    def upload(self, files: list[tuple[str, bytes]], token: str | None = None) -> tuple[int, bytes]:
        boundary = uuid.uuid4().hex
        parts = [f'--{boundary}\r\nContent-Disposition: form-data; name="csrf_token"\r\n\r\n{token or self.token("/kirim")}\r\n'.encode()]
        for name, data in files:
            head = f'--{boundary}\r\nContent-Disposition: form-data; name="dossier"; filename="{name}"\r\n'
            parts.append(head.encode() + b"Content-Type: application/octet-stream\r\n\r\n" + data + b"\r\n")
        parts.append(f"--{boundary}--\r\n".encode())
        return self.request("/kirim", b"".join(parts), {"Content-Type": f"multipart/form-data; boundary={boundary}"})


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_for(port: int, process: subprocess.Popen, seconds: float = 60) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"server ended with {process.returncode}: {process.stderr.read().decode() if process.stderr else ''}")
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=0.5):
                return
        except OSError:
            time.sleep(0.2)
    raise TimeoutError("server did not start")
