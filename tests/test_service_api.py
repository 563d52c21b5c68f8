"""The JSON API with tokens an admin issues: each endpoint, its scope, refusals, revocation, the OpenAPI description."""

from __future__ import annotations

import io
import json
import re

import pytest
from servicekit import KINDANG, RILAU, SAMPLES, check_pool, csrf, login, make_app, sample_files, upload  # noqa: F401
from sqlalchemy import select

from cek_integrasi.service.store import ApiToken, AuditEntry
from cek_integrasi.service.runtime import service

VILLAGE = sample_files()[5]  # 05_batu_lappa_banyak_masalah.yaml


@pytest.fixture(scope="module")
def app(check_pool, tmp_path_factory):
    data = tmp_path_factory.mktemp("api")
    app = make_app(f"sqlite:///{data}/s.sqlite3", data, check_pool)
    for name, files in (("fas_rilau", sample_files()), ("fas_kindang", sorted((SAMPLES / "kindang").glob("*.yaml")))):
        client = app.test_client()
        login(client, name)
        assert "tidak disimpan" not in upload(client, *files).get_data(as_text=True)
    return app


def issue(app, label: str, role: str, kecamatan: list[str]) -> str:
    """A token issued on the admin page, as an admin does it."""
    admin = app.test_client()
    login(admin, "admin")
    token = csrf(admin.get("/admin/token").get_data(as_text=True))
    page = admin.post("/admin/token", data={"label": label, "role": role, "kecamatan": kecamatan, "csrf_token": token})
    assert page.status_code == 200
    return re.search(r'<code id="token-value">([^<]+)</code>', page.get_data(as_text=True)).group(1)


def bearer(token: str) -> dict:
    return {"Authorization": f"Bearer {token}"}


def test_the_store_keeps_only_the_hash_and_the_page_shows_the_token_once(app):
    token = issue(app, "sistem-hash", "supervisor", [])
    with service(app).store.reading() as db:
        row = db.scalars(select(ApiToken).where(ApiToken.label == "sistem-hash")).one()
        assert row.token_hash != token and len(row.token_hash) == 64 and token not in repr(row.__dict__)
        assert db.scalars(select(AuditEntry.detail).where(AuditEntry.action == "token_issued")).all()
    admin = app.test_client()
    login(admin, "admin")
    listing = admin.get("/admin/token").get_data(as_text=True)
    assert "sistem-hash" in listing and token not in listing


def test_villages_are_listed_with_their_latest_state_within_the_token_scope(app):
    token = issue(app, "sistem-rilau", "facilitator", [RILAU])
    body = app.test_client().get("/api/desa", headers=bearer(token)).get_json()
    codes = {v["code"] for v in body["desa"]}
    assert codes and all(c.startswith(RILAU + ".") for c in codes)
    batu = next(v for v in body["desa"] if v["name"].lower().startswith("batu lappa"))
    assert batu["verdict"] == "BELUM_MEMENUHI" and batu["errors"] > 0 and batu["version"] == 1 and batu["as_of"] == "2014-03-01"
    everything = app.test_client().get("/api/desa", headers=bearer(issue(app, "sistem-kab", "supervisor", []))).get_json()
    assert len(everything["desa"]) == len(codes) == 9  # Kindang has a kecamatan dossier only: villages are listed, not it
    only = app.test_client().get(f"/api/desa?kecamatan={KINDANG}", headers=bearer(token)).get_json()
    assert only == {"desa": []}  # another kecamatan: nothing, not an error that tells it exists


def test_one_village_result_and_history(app):
    token = issue(app, "sistem-hist", "supervisor", [RILAU])
    listed = app.test_client().get("/api/desa", headers=bearer(token)).get_json()["desa"]
    code = next(v["code"] for v in listed if v["name"].lower().startswith("batu lappa"))
    result = app.test_client().get(f"/api/desa/{code}?lang=en", headers=bearer(token)).get_json()
    assert result["code"] == code and result["verdict"] == "BELUM_MEMENUHI" and result["findings"]
    history = app.test_client().get(f"/api/desa/{code}/versi", headers=bearer(token)).get_json()
    assert [v["version"] for v in history["versions"]] == [1] and history["rechecks"] == []
    assert app.test_client().get(f"/api/desa/{KINDANG}", headers=bearer(token)).status_code == 404  # outside its kecamatan


def test_a_dossier_is_submitted_with_a_token_without_a_csrf_token(app):
    token = issue(app, "sistem-kirim", "facilitator", [RILAU])
    sent = app.test_client().post("/api/kirim", headers=bearer(token), content_type="multipart/form-data",
                                  data={"dossier": (io.BytesIO(VILLAGE.read_bytes()), VILLAGE.name)})
    assert sent.status_code == 200, sent.get_data(as_text=True)
    [outcome] = sent.get_json()["outcomes"]
    assert outcome["accepted"] and outcome["version"] == 2 and outcome["verdict"] == "BELUM_MEMENUHI"
    with service(app).store.reading() as db:
        detail = json.loads(db.scalars(select(AuditEntry.detail).where(AuditEntry.user == "token:sistem-kirim")).one())
        assert (detail["code"], detail["version"], detail["file"]) == (outcome["code"], 2, VILLAGE.name)
    bad = app.test_client().post("/api/kirim", headers=bearer(token), content_type="multipart/form-data",
                                 data={"dossier": (io.BytesIO(b"kode: [\n"), "rusak.yaml")})
    assert bad.status_code == 422 and bad.get_json()["outcomes"][0]["messages"]
    kindang = sorted((SAMPLES / "kindang").glob("*.yaml"))[-1]
    foreign = app.test_client().post("/api/kirim", headers=bearer(token), content_type="multipart/form-data",
                                     data={"dossier": (io.BytesIO(kindang.read_bytes()), kindang.name)})
    assert foreign.status_code == 422 and not foreign.get_json()["outcomes"][0]["accepted"]


def test_refusals_a_supervisor_token_cannot_submit_a_revoked_token_nothing_a_session_needs_csrf(app):
    supervisor = issue(app, "sistem-baca", "supervisor", [])
    refused = app.test_client().post("/api/kirim", headers=bearer(supervisor), content_type="multipart/form-data",
                                     data={"dossier": (io.BytesIO(VILLAGE.read_bytes()), VILLAGE.name)})
    assert refused.status_code == 403 and refused.get_json()["error"]
    token = issue(app, "sistem-lama", "admin", [])
    assert app.test_client().get("/api/desa", headers=bearer(token)).status_code == 200
    admin = app.test_client()
    login(admin, "admin")
    with service(app).store.reading() as db:
        token_id = db.scalars(select(ApiToken.id).where(ApiToken.label == "sistem-lama")).one()
    form = csrf(admin.get("/admin/token").get_data(as_text=True))
    assert admin.post(f"/admin/token/{token_id}/cabut", data={"csrf_token": form}).status_code == 302
    gone = app.test_client().get("/api/desa", headers=bearer(token))
    assert gone.status_code == 401 and gone.get_json() == {"error": "Token tidak dikenal atau sudah dicabut."}
    assert app.test_client().get("/api/desa", headers=bearer("cek_tebakan")).status_code == 401
    fas = app.test_client()
    login(fas, "fas_rilau")
    no_csrf = fas.post("/api/kirim", content_type="multipart/form-data", data={"dossier": (io.BytesIO(VILLAGE.read_bytes()), VILLAGE.name)})
    assert no_csrf.status_code == 400 and "error" in no_csrf.get_json()


def test_the_openapi_description_names_every_api_route(app):
    description = app.test_client().get("/api/openapi.json").get_json()
    assert description["openapi"].startswith("3.")
    routes = {re.sub(r"<(?:\w+:)?(\w+)>", r"{\1}", r.rule) for r in app.url_map.iter_rules() if r.rule.startswith("/api/")}
    assert set(description["paths"]) == routes
    for path, operations in description["paths"].items():
        for method in operations:
            rule = next(r for r in app.url_map.iter_rules() if re.sub(r"<(?:\w+:)?(\w+)>", r"{\1}", r.rule) == path)
            assert method.upper() in rule.methods, path
