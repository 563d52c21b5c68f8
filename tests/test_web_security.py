"""The local page cannot be used from another site, answers while uploads are checked, and says
truly what went wrong, in the user's language (issue 13.8). HTTP-level tests with Flask's client
and with the real server on 127.0.0.1; one in Chromium for the browser's own cross-site form."""

from __future__ import annotations

import http.client
import re
import threading
import time
import uuid
from pathlib import Path
from urllib.parse import quote

import pytest

from browser import CHROMIUM, needs_chromium
from cek_integrasi.webpage.app import create_app
from test_web import server  # noqa: F401  (the real server on 127.0.0.1)

FIXTURES = Path(__file__).parent / "fixtures"
DOSSIER = FIXTURES / "desa_lengkap.yaml"


@pytest.fixture()
def app(pack, tmp_path):
    app = create_app(pack, max_upload_mb=1, max_files=3)
    app.config["TESTING"] = True
    return app


def _token(client, **headers) -> str:
    return re.search(r'name="csrf_token" value="([^"]+)"', client.get("/", headers=headers).get_data(as_text=True)).group(1)


def _files(count: int) -> list:
    return [(open(DOSSIER, "rb"), f"desa{i}.yaml") for i in range(count)]


@pytest.mark.parametrize("host", ["evil.example", "evil.example:8000", "127.0.0.1.evil.example", "192.168.1.9"])
def test_another_host_name_is_refused_in_the_users_language(app, host):
    client = app.test_client()
    response = client.get("/", headers={"Host": host})
    assert response.status_code == 403
    assert f"bukan &#39;{host}&#39;" in response.get_data(as_text=True) and 'id="error"' in response.get_data(as_text=True)
    english = client.get("/hasil/x?lang=en", headers={"Host": host})
    assert english.status_code == 403 and "only serves this computer&#39;s own address" in english.get_data(as_text=True)


@pytest.mark.parametrize("host", ["localhost", "localhost:8000", "127.0.0.1:5000", "[::1]:8000", "LOCALHOST"])
def test_loopback_names_are_served(app, host):
    assert app.test_client().get("/", headers={"Host": host}).status_code == 200


def test_a_name_given_with_allow_host_is_served(pack):
    client = create_app(pack, allow_hosts=["0.0.0.0", "laptop-pkk.lan"]).test_client()
    assert client.get("/", headers={"Host": "laptop-pkk.lan:8000"}).status_code == 200
    assert client.get("/", headers={"Host": "0.0.0.0:8000"}).status_code == 403


def test_a_post_from_another_site_or_without_the_pages_token_is_refused(app, tmp_path):
    client = app.test_client()
    token = _token(client)
    data = {"dossier": _files(1), "csrf_token": token, "lang": "id"}
    cross = client.post("/periksa", data=data, headers={"Origin": "http://evil.example"}, content_type="multipart/form-data")
    assert cross.status_code == 403 and "berasal dari situs lain" in cross.get_data(as_text=True)
    null = client.post("/periksa", data={"dossier": _files(1), "csrf_token": token}, headers={"Origin": "null"})
    assert null.status_code == 403
    forged = client.post("/periksa?lang=en", data={"dossier": _files(1)}, content_type="multipart/form-data")
    assert forged.status_code == 400 and "was not sent from this page" in forged.get_data(as_text=True)
    own = client.post("/periksa", data={"dossier": _files(1), "csrf_token": token}, headers={"Origin": "http://localhost"})
    assert own.status_code == 303 and "/hasil/" in own.location


def test_too_many_files_says_so_and_not_too_large(app):
    client = app.test_client()
    few_too_many = client.post("/periksa", data={"dossier": _files(4), "csrf_token": _token(client)}, content_type="multipart/form-data")
    assert few_too_many.status_code == 413
    page = few_too_many.get_data(as_text=True)
    assert "Terlalu banyak file: 4; paling banyak 3 file" in page and "terlalu besar" not in page
    # far too many: werkzeug stops reading at its limit of form parts, before the files are counted
    many = client.post("/periksa?lang=en", data={"dossier": _files(40), "csrf_token": _token(client)}, content_type="multipart/form-data")
    assert many.status_code == 413
    page = many.get_data(as_text=True)
    assert "Too many files in one upload; at most 3 files" in page and "too large" not in page


def test_an_expired_or_unknown_link_gives_a_page_in_the_users_language(app):
    client = app.test_client()
    expired = client.get("/hasil/sudah-lama")
    assert expired.status_code == 404 and "Hasil ini sudah tidak tersimpan" in expired.get_data(as_text=True)
    english = client.get("/laporan/sudah-lama.xlsx?lang=en")
    assert english.status_code == 404 and "These results are no longer kept" in english.get_data(as_text=True)
    unknown = client.get("/tidak-ada")
    assert unknown.status_code == 404 and "Halaman ini tidak ada." in unknown.get_data(as_text=True)
    assert 'lang="id"' in unknown.get_data(as_text=True) and "Not Found" not in unknown.get_data(as_text=True)


def test_uploads_are_checked_once_whatever_the_language_and_only_the_last_ones_are_kept():
    import datetime as dt

    from cek_integrasi.webpage.jobs import Checks, Upload

    done = []
    checks = Checks(lambda upload: done.append(upload.before) or f"{upload.before}-checked", keep=2)
    tokens = [checks.add(Upload([], f"u{i}", dt.date(2014, 3, 1))) for i in range(3)]
    assert checks.checked(tokens[0]) is None  # the oldest link has expired
    assert checks.checked(tokens[2]).result(timeout=10) == "u2-checked"
    assert checks.checked(tokens[2]).result(timeout=10) == "u2-checked" and checks.checked(tokens[1]).result(timeout=10) == "u1-checked"
    assert sorted(done) == ["u1", "u2"]  # each upload checked once


# ---------------------------------------------------------------- the real server


def _request(url: str, method: str = "GET", path: str = "/", body: bytes | None = None, headers: dict | None = None):
    host = url.split("//")[1].rstrip("/")
    connection = http.client.HTTPConnection(host, timeout=60)
    connection.request(method, path, body=body, headers={"Host": host, **(headers or {})})
    response = connection.getresponse()
    return response.status, dict(response.getheaders()), response.read().decode("utf-8")


def _multipart(fields: dict, files: list[tuple[str, bytes]]) -> tuple[bytes, str]:
    boundary = uuid.uuid4().hex
    parts = [f'--{boundary}\r\nContent-Disposition: form-data; name="{k}"\r\n\r\n{v}\r\n'.encode() for k, v in fields.items()]
    for name, data in files:
        head = f'--{boundary}\r\nContent-Disposition: form-data; name="dossier"; filename="{name}"\r\nContent-Type: application/x-yaml\r\n\r\n'
        parts.append(head.encode() + data + b"\r\n")
    return b"".join(parts) + f"--{boundary}--\r\n".encode(), f"multipart/form-data; boundary={boundary}"


def test_the_real_server_refuses_a_rebinding_host(server):  # noqa: F811
    status, _, page = _request(server, headers={"Host": "evil.example"})
    assert status == 403 and "bukan &#39;evil.example&#39;" in page


@pytest.fixture()
def live(pack, tmp_path):
    """The page in waitress on 127.0.0.1, as `serve` runs it, that never waits for a check (wait_seconds=0)."""
    from waitress import create_server

    app = create_app(pack, wait_seconds=0)
    wsgi = create_server(app, host="127.0.0.1", port=0, threads=4)
    thread = threading.Thread(target=wsgi.run, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{wsgi.effective_port}/"
    wsgi.close()
    thread.join(timeout=10)


def test_the_home_page_answers_while_big_uploads_are_being_checked(live):
    server = live
    status, headers, page = _request(server)
    cookie = headers["Set-Cookie"].split(";")[0] if "Set-Cookie" in headers else ""
    token = re.search(r'name="csrf_token" value="([^"]+)"', page).group(1)
    body, kind = _multipart({"csrf_token": token, "lang": "id", "as_of": "2014-03-01"}, [(f"desa{i}.yaml", DOSSIER.read_bytes()) for i in range(150)])
    results = []
    for _ in range(4):  # more big uploads than the server has request threads
        status, headers, _ = _request(server, "POST", "/periksa", body, {"Content-Type": kind, "Cookie": cookie})
        assert status == 303
        results.append(headers["Location"])
    status, _, page = _request(server)
    assert status == 200 and "Periksa Berkas Desa" in page
    status, _, page = _request(server, path=results[-1])
    assert status == 202 and "Sedang diperiksa" in page  # the home page answered before the checks were done
    for location in results:
        for _ in range(1200):
            status, _, page = _request(server, path=location)
            if status != 202:
                break
            time.sleep(0.1)
        assert status == 200 and page.count('class="card dossier"') == 150


@needs_chromium
def test_a_form_on_another_site_cannot_post_to_the_page_in_chromium(server):  # noqa: F811
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=["--no-sandbox", "--disable-gpu", "--disable-background-networking"])
        page = browser.new_page()
        form = (
            f'<form id="f" method="post" action="{server}periksa" enctype="multipart/form-data">'
            '<input name="lang" value="id"><input name="as_of" value="2014-03-01"></form>'
        )
        page.goto(server)  # the facilitator has the page open: its cookie is in the browser
        page.goto("data:text/html," + quote(form))  # another site (here one without an origin) posts to it
        with page.expect_navigation():
            page.evaluate("document.getElementById('f').submit()")
        assert "berasal dari situs lain" in page.inner_text("main")
        page.goto(server)
        page.set_content(form)  # even from the page's own origin, a form without its token is refused
        with page.expect_navigation():
            page.evaluate("document.getElementById('f').submit()")
        assert "tidak dikirim dari halaman ini" in page.inner_text("main")
        browser.close()
