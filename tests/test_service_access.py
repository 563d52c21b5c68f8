"""Authorization of the service, route by route: every route of the app, for every role, at the HTTP level.

A route must declare its roles; each role gets what it is allowed and nothing else; a facilitator
or supervisor of Rilau Ale gets nothing of Kindang, whatever the route. Also: sign-in, throttling,
sign-out, password change, CSRF, cookies.
"""

from __future__ import annotations

import io
import re

import pytest
from PIL import Image
from servicekit import KINDANG, PASSWORD, ROOT, SAMPLES, check_pool, csrf, login, make_app, sample_files, upload  # noqa: F401

from cek_integrasi.service.access import ANY, PUBLIC
from cek_integrasi.service.runtime import service

# endpoint -> roles the route serves; SCOPED routes are about one kecamatan (Kindang, below)
ROUTES = {
    "auth.login": {PUBLIC}, "auth.logout": set(ANY), "auth.password": set(ANY),
    "dashboard.overview": set(ANY), "dashboard.kecamatan": set(ANY), "dashboard.dossier": set(ANY),
    "dashboard.original": set(ANY), "dashboard.report_kabupaten": set(ANY), "dashboard.open_findings": set(ANY), "dashboard.report_kecamatan": set(ANY),
    "submit.upload": {"facilitator", "admin"},
    "admin.users": {"admin"}, "admin.add": {"admin"}, "admin.places": {"admin"}, "admin.add_place": {"admin"},
    "admin.options": {"admin"}, "admin.audit": {"admin"},
    "admin.waivers": {"admin"}, "admin.add_waivers": {"admin"}, "admin.deactivate_waivers": {"admin"},
    "about.about": set(ANY),
    "screening.rounds": set(ANY), "screening.new_round": {"admin", "supervisor"}, "screening.one_round": set(ANY),
    "waivers.requests": {"facilitator", "admin"}, "waivers.ask": {"facilitator", "admin"}, "waivers.decide": {"admin"},
    "admin.api_tokens": {"admin"}, "admin.issue_token": {"admin"}, "admin.revoke_token": {"admin"},
    "api.openapi": {PUBLIC}, "api.kecamatan": set(ANY), "api.villages": set(ANY), "api.dossier": set(ANY), "api.versions": set(ANY),
    "api.submit": {"facilitator", "admin"}, "api.screening_round": set(ANY),
    "evidence.attach": {"facilitator", "admin"}, "evidence.download": set(ANY), "evidence.thumbnail": set(ANY),
    "evidence.remove": {"facilitator", "admin"},
    "review.submit_for_review": {"facilitator", "admin"}, "review.decide": {"supervisor", "admin"},
    "review.judge": {"supervisor", "admin"}, "review.note": set(ANY),
    "forms.edit": {"facilitator", "admin"}, "forms.new": {"facilitator", "admin"},
}
SCOPED = {"dashboard.kecamatan", "dashboard.dossier", "dashboard.original", "dashboard.report_kecamatan", "api.dossier", "api.versions",
          "evidence.attach", "evidence.download", "evidence.thumbnail", "evidence.remove",
          "review.submit_for_review", "review.decide", "review.judge", "review.note", "forms.edit"}
BINARY = {"dashboard.original", "evidence.download", "evidence.thumbnail"}  # their body is the file, not a page naming Kindang
ROLE = {"admin": "admin", "supervisor": "supervisor", "supervisor_rilau": "supervisor", "fas_rilau": "facilitator", "fas_kindang": "facilitator"}
WAIVERS = ROOT / "docs" / "examples" / "pengecualian_rilau_ale.yaml"
SEES_KINDANG = {"admin", "supervisor", "fas_kindang"}
PNG = io.BytesIO()
Image.new("RGB", (40, 30)).save(PNG, "PNG")
PNG = PNG.getvalue()


@pytest.fixture(scope="module")
def app(pack, check_pool, tmp_path_factory):
    data = tmp_path_factory.mktemp("access")
    app = make_app(f"sqlite:///{data}/s.sqlite3", data, check_pool)
    for name, files in (("fas_rilau", sample_files()), ("fas_kindang", sorted((SAMPLES / "kindang").glob("*.yaml")))):
        client = app.test_client()
        login(client, name)
        assert "tidak disimpan" not in upload(client, *files).get_data(as_text=True)
    admin = app.test_client()
    login(admin, "admin")
    token = csrf(admin.get("/admin/pengecualian").get_data(as_text=True))
    with open(WAIVERS, "rb") as handle:
        assert admin.post("/admin/pengecualian", data={"waivers": (handle, WAIVERS.name), "csrf_token": token},
                          content_type="multipart/form-data").status_code == 302
    assert admin.post("/admin/token", data={"label": "sistem-bappeda", "role": "supervisor", "csrf_token": token}).status_code == 200
    kindang = app.test_client()
    login(kindang, "fas_kindang")
    form = csrf(kindang.get("/pengecualian").get_data(as_text=True))
    assert kindang.post("/pengecualian", data={"aturan": "MRK-02", "kode": KINDANG, "alasan": "Rapat kecamatan_kindang diulang",
                                                "csrf_token": form}).status_code == 302  # request 1, of Kindang
    document = re.search(r'data-document="([^"]+)"', kindang.get(f"/desa/{KINDANG}").get_data(as_text=True)).group(1)
    for name in ("bukti.png", "bukti_lagi.png"):  # evidence 1 (viewed) and 2 (removed) of the Kindang kecamatan dossier
        assert kindang.post(f"/desa/{KINDANG}/bukti", data={"dokumen": document, "bukti": (io.BytesIO(PNG), name), "csrf_token": form},
                            content_type="multipart/form-data").status_code == 302
    assert 'data-evidence="2"' in kindang.get(f"/desa/{KINDANG}").get_data(as_text=True)
    from cek_integrasi.service import screening_rounds

    screening_rounds.from_store(service(app).store, check_pool, "admin")  # round 1
    return app


@pytest.fixture(autouse=True)
def fresh_throttle(app):
    """The per-address throttle starts empty in each test (the test client always comes from 127.0.0.1):
    the failed logins of earlier tests are made older than the throttle looks back."""
    import datetime as dt

    from sqlalchemy import update

    from cek_integrasi.service.accounts import FAILED_LOGIN, LOCK_MINUTES
    from cek_integrasi.service.store import AuditEntry, utcnow

    with service(app).store.writing() as db, db.begin():
        db.execute(update(AuditEntry).where(AuditEntry.action == FAILED_LOGIN)
                   .values(at=utcnow() - dt.timedelta(minutes=LOCK_MINUTES + 1)))


def _kindang_submission(app) -> int:
    from cek_integrasi.service.store import Subject

    with service(app).store.reading() as db:
        return db.get(Subject, KINDANG).latest_id


def _url(app, rule) -> str:
    values = {"code": KINDANG, "kode": KINDANG, "fmt": "html", "submission_id": _kindang_submission(app)}
    return rule.rule.replace("<int:submission_id>", str(values["submission_id"])).replace("<code>", KINDANG) \
        .replace("<kode>", KINDANG).replace("<fmt>", "html").replace("<int:file_id>", "1") \
        .replace("<int:evidence_id>", "2" if rule.endpoint == "evidence.remove" else "1") \
        .replace("<any(kembalikan, terima):action>", "terima").replace("<int:token_id>", "1").replace("<int:request_id>", "1").replace("<int:round_id>", "1")


def test_every_route_declares_its_roles_and_is_in_this_table(app):
    endpoints = {rule.endpoint for rule in app.url_map.iter_rules()}
    assert endpoints == set(ROUTES)  # a new route must be added here, with its roles
    for endpoint in endpoints:
        assert getattr(app.view_functions[endpoint], "allowed", None) == ROUTES[endpoint]


def _expect(app, account, rule, method, response, url) -> None:
    """The answer `account` (None: signed out) must get from a route, whatever way it signs in."""
    textual = response.mimetype.startswith("text/") or response.mimetype == "application/json"
    body = response.get_data(as_text=True) if textual else response.data.decode("latin-1")  # a zipped XLSX: its scope is tested in test_service_news.py
    allowed = ROUTES[rule.endpoint]
    where = f"{account} {method} {url}: {response.status_code}"
    if PUBLIC in allowed:
        assert response.status_code < 500, where
    elif account is None:
        expected = 401 if url.startswith("/api/") else 302
        assert response.status_code == expected, where
        assert expected == 401 or response.headers["Location"].startswith("/masuk"), where
    elif ROLE[account] not in allowed:
        assert response.status_code == 403, where
    elif rule.endpoint in SCOPED and account not in SEES_KINDANG:
        assert response.status_code == 404, where
    else:
        assert response.status_code not in (401, 403, 404), where
        if method == "GET" and rule.endpoint in SCOPED:
            assert response.status_code == 200 and (KINDANG in body or "Kindang" in body or rule.endpoint in BINARY), where
    if account not in SEES_KINDANG:
        assert "Kindang" not in body and "kecamatan_kindang" not in body, where
        assert response.status_code == 302 or KINDANG not in body, where  # a redirect repeats its own URL


def _methods(rule) -> list[str]:
    return sorted(rule.methods - {"HEAD", "OPTIONS"})


@pytest.mark.parametrize("account", [None, *ROLE])
def test_every_route_for_every_role(app, account):
    """Every route of app.url_map (test_every_route_declares_its_roles_and_is_in_this_table keeps ROUTES whole)."""
    for rule in app.url_map.iter_rules():
        for method in _methods(rule):
            client = app.test_client()
            if account:
                assert login(client, account).status_code == 302
            token = csrf(client.get("/masuk").get_data(as_text=True))
            url = _url(app, rule)
            response = client.open(url, method=method, data={"csrf_token": token} if method == "POST" else None)
            _expect(app, account, rule, method, response, url)


@pytest.fixture(scope="module")
def api_tokens(app):
    """A token per account of ROLE, with that account's role and kecamatan, and one revoked token."""
    from cek_integrasi.service import tokens
    from servicekit import ACCOUNTS

    store = service(app).store
    issued = {name: tokens.issue(store, f"sistem-{name}", role, kecamatan, by="test") for name, role, kecamatan in ACCOUNTS}
    revoked = tokens.issue(store, "dicabut", "admin", [], by="test")
    with store.reading() as db:
        from cek_integrasi.service.store import ApiToken

        tokens.revoke(store, db.query(ApiToken).filter_by(label="dicabut").one().id, by="test")
    return issued, revoked


@pytest.mark.parametrize("account", [None, "revoked", *ROLE])
def test_every_api_route_for_every_token(app, api_tokens, account):
    """The API answers a token as it answers a login of the same role and kecamatan, without a CSRF token."""
    issued, revoked = api_tokens
    checked = 0
    for rule in app.url_map.iter_rules():
        if not rule.rule.startswith("/api/"):
            continue
        for method in _methods(rule):
            headers = {"Authorization": f"Bearer {issued[account] if account in issued else revoked}"} if account else {}
            url = _url(app, rule)
            response = app.test_client().open(url, method=method, headers=headers)
            _expect(app, None if account == "revoked" else account, rule, method, response, url)
            checked += 1
    assert checked == len([e for e in ROUTES if e.startswith("api.")]) == 7


def test_a_scoped_user_sees_only_its_kecamatan_in_lists_and_reports(app):
    client = app.test_client()
    login(client, "fas_rilau")
    assert "Rilau Ale" in client.get("/").get_data(as_text=True)
    kabupaten = client.get("/laporan/kabupaten.html").get_data(as_text=True)
    assert "Batu Lappa" in kabupaten and "Kindang" not in kabupaten
    assert [k["kode"] for k in client.get("/api/kecamatan").get_json()["kecamatan"]] == ["73.02.05"]
    assert client.get(f"/?kecamatan={KINDANG}").status_code == 404
    assert "Kindang" not in client.get("/?status=WAJIB").get_data(as_text=True)


def test_forms_without_the_csrf_token_are_refused(app):
    client = app.test_client()
    assert client.post("/masuk", data={"name": "admin", "password": PASSWORD}).status_code == 400
    login(client, "admin")
    response = client.post("/admin/pengguna", data={"name": "x", "role": "admin", "password": "panjang-sekali"})
    assert response.status_code == 400 and "muat ulang" in response.get_data(as_text=True)
    assert 'data-name="x"' not in client.get("/admin/pengguna").get_data(as_text=True)


def test_session_cookie_is_httponly_samesite_and_logout_ends_the_session(app):
    client = app.test_client()
    response = login(client, "supervisor")
    cookie = response.headers["Set-Cookie"]
    assert "HttpOnly" in cookie and "SameSite=Lax" in cookie
    stolen = client.get_cookie("cek_sesi").value
    assert client.get("/").status_code == 200
    client.post("/keluar", data={"csrf_token": csrf(client.get("/").get_data(as_text=True))})
    assert client.get("/").status_code == 302
    replay = app.test_client()
    replay.set_cookie("cek_sesi", stolen)
    assert replay.get("/").status_code == 302  # the old cookie is worth nothing after sign-out


def test_a_login_past_its_end_is_signed_out_and_a_user_of_two_kecamatan_sees_both(app):
    import datetime as dt

    from sqlalchemy import update

    from cek_integrasi.service.accounts import add_user
    from cek_integrasi.service.store import LoginSession, User

    store = service(app).store
    with store.writing() as db, db.begin():
        add_user(db, "supervisor_dua", "supervisor", PASSWORD, ["73.02.05", KINDANG], by="test")
    client = app.test_client()
    login(client, "supervisor_dua")
    assert {k["kode"] for k in client.get("/api/kecamatan").get_json()["kecamatan"]} == {"73.02.05", KINDANG}
    assert client.get(f"/kecamatan/{KINDANG}").status_code == 200 and client.get("/kecamatan/73.02.05").status_code == 200
    with store.writing() as db, db.begin():
        user_id = db.query(User.id).filter_by(name="supervisor_dua").scalar()
        db.execute(update(LoginSession).where(LoginSession.user_id == user_id).values(expires_at=dt.datetime(2020, 1, 1)))
    assert client.get("/").status_code == 302  # the cookie still signed, the login in the store ended
    assert client.get("/api/kecamatan").status_code == 401


def test_failed_logins_lock_the_account(app):
    from cek_integrasi.service.accounts import add_user

    with service(app).store.writing() as db, db.begin():
        add_user(db, "korban", "supervisor", PASSWORD, [], by="test")
    client = app.test_client()
    for _ in range(5):
        assert login(client, "korban", "salah-salah").status_code == 401
    locked = login(client, "korban", PASSWORD)
    assert locked.status_code == 429 and "15 menit" in locked.get_data(as_text=True)


def test_many_failures_from_one_address_are_throttled(app):
    client = app.test_client()
    statuses = [login(client, f"tidak_ada_{i}", "salah-salah").status_code for i in range(11)]
    assert statuses[:10] == [401] * 10 and statuses[10] == 429


def test_password_change_ends_other_sessions(app):
    from cek_integrasi.service.accounts import add_user

    with service(app).store.writing() as db, db.begin():
        add_user(db, "ganti", "supervisor", PASSWORD, [], by="test")
    first, second = app.test_client(), app.test_client()
    login(first, "ganti")
    login(second, "ganti")
    token = csrf(first.get("/akun/sandi").get_data(as_text=True))
    short = first.post("/akun/sandi", data={"current": PASSWORD, "new": "pendek", "repeat": "pendek", "csrf_token": token})
    assert short.status_code == 400
    done = first.post("/akun/sandi", data={"current": PASSWORD, "new": "sandi-baru-123", "repeat": "sandi-baru-123", "csrf_token": token})
    assert done.status_code == 200
    assert first.get("/").status_code == 200 and second.get("/").status_code == 302
    assert login(app.test_client(), "ganti").status_code == 401
    assert login(app.test_client(), "ganti", "sandi-baru-123").status_code == 302


@pytest.mark.parametrize("target", ["//evil.example/", "/\t/evil.example", "/\n/evil.example", "/\\evil.example", "https://evil.example/"])
def test_login_redirects_only_inside_the_site(app, target):
    client = app.test_client()
    token = csrf(client.get("/masuk").get_data(as_text=True))
    response = client.post("/masuk", data={"name": "admin", "password": PASSWORD, "csrf_token": token, "next": target})
    assert response.headers["Location"] == "/"


def test_login_goes_on_to_the_page_asked_for(app):
    client = app.test_client()
    token = csrf(client.get("/masuk").get_data(as_text=True))
    response = client.post("/masuk", data={"name": "admin", "password": PASSWORD, "csrf_token": token, "next": "/tentang"})
    assert response.headers["Location"] == "/tentang"


def test_refusals_are_pages_in_the_users_language_and_uploads_are_bounded_in_files(app, tmp_path):
    client = app.test_client()
    login(client, "fas_rilau")
    missing = client.get("/tidak-ada")
    assert missing.status_code == 404 and "Halaman ini tidak ada." in missing.get_data(as_text=True)
    assert "Not Found" not in missing.get_data(as_text=True)
    forbidden = client.get("/admin/pengguna")
    assert forbidden.status_code in (403, 404) and "Forbidden" not in forbidden.get_data(as_text=True)
    many = []
    for i in range(51):  # MAX_FILES + 1, each tiny: the count is refused before any check
        path = tmp_path / f"b{i}.yaml"
        path.write_text("jenis: desa\n", "utf-8")
        many.append(path)
    refused = upload(client, *many)
    assert refused.status_code == 413 and "Terlalu banyak file: 51; paling banyak 50" in refused.get_data(as_text=True)
