"""A small HTTP client for a running service (a subprocess): cookies, the CSRF token, multipart uploads.

Used by the kill test and by bench/service.py; standard library only. Like a browser it keeps its
connection open between requests (HTTP/1.1 keep-alive) and opens a new one when the server closed it.
"""

from __future__ import annotations

import http.client
import http.cookies
import re
import socket
import subprocess
import time
import urllib.parse
import uuid


class Browser:
    def __init__(self, base: str, timeout: float = 60):
        self.base, self.timeout = base, timeout
        address = urllib.parse.urlsplit(base)
        self.host, self.port = address.hostname, address.port
        self.cookies: dict[str, str] = {}
        self.connection: http.client.HTTPConnection | None = None

    def request(self, path: str, data: bytes | None = None, headers: dict | None = None) -> tuple[int, bytes]:
        """Status and body of one request (redirects are not followed); cookies set by the answer are kept."""
        headers = dict(headers or {})
        if self.cookies:
            headers["Cookie"] = "; ".join(f"{name}={value}" for name, value in self.cookies.items())
        for attempt in (1, 2):
            fresh = self.connection is None
            if fresh:
                self.connection = http.client.HTTPConnection(self.host, self.port, timeout=self.timeout)
            try:
                self.connection.request("POST" if data is not None else "GET", path, body=data, headers=headers)
                response = self.connection.getresponse()
                body = response.read()
            except (http.client.RemoteDisconnected, ConnectionResetError, BrokenPipeError):
                self.close()
                if fresh or attempt == 2:  # not a kept connection the server had closed meanwhile
                    raise
                continue
            for header in response.headers.get_all("Set-Cookie") or []:
                for name, morsel in http.cookies.SimpleCookie(header).items():
                    self.cookies[name] = morsel.value
            if response.will_close:
                self.close()
            return response.status, body
        raise AssertionError("unreachable")

    def close(self) -> None:
        if self.connection is not None:
            self.connection.close()
            self.connection = None

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
