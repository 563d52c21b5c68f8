"""The OpenAPI 3.1 description of the JSON API, served at /api/openapi.json (docs/api.md explains it)."""

from __future__ import annotations

from .. import __version__


def _json(description: str, schema: dict | None = None) -> dict:
    return {"description": description, "content": {"application/json": {"schema": schema or {"type": "object"}}}}


_CODE = {"name": "code", "in": "path", "required": True, "schema": {"type": "string"}, "description": "Village (PP.KK.CC.DDDD) or kecamatan (PP.KK.CC) code."}
_LANG = {"name": "lang", "in": "query", "schema": {"enum": ["id", "en"]}, "description": "Language of messages (default id)."}
_REFUSED = {"401": _json("No login session and no token, or a revoked or unknown token."),
            "403": _json("The role of the token or account does not serve this route.")}
_HIDDEN = {"404": _json("Unknown, or outside the kecamatan of the token or account.")}
_STATE = {"type": "object", "properties": {
    "code": {"type": "string"}, "name": {"type": "string"}, "kecamatan": {"type": "string"}, "version": {"type": "integer"},
    "submitted_at": {"type": "string"}, "as_of": {"type": "string", "format": "date"}, "pack": {"type": "string"},
    "verdict": {"type": ["string", "null"], "enum": ["WAJIB", "BELUM_MEMENUHI", "BUKAN_PARTISIPAN", None]},
    "errors": {"type": "integer"}, "warnings": {"type": "integer"}}}

DESCRIPTION = {
    "openapi": "3.1.0",
    "info": {"title": "cek-integrasi kabupaten service", "version": __version__,
             "description": "Village planning dossiers of the kabupaten: latest states, results, history, submissions. "
                            "Every call is authorized as the pages are: by role and kecamatan."},
    "servers": [{"url": "/"}],
    "components": {"securitySchemes": {
        "token": {"type": "http", "scheme": "bearer", "description": "A token an admin issues at /admin/token."},
        "session": {"type": "apiKey", "in": "cookie", "name": "cek_sesi", "description": "A login session (changes also need the CSRF token)."}}},
    "security": [{"token": []}, {"session": []}],
    "paths": {
        "/api/desa": {"get": {
            "summary": "Every village in scope with its latest state",
            "parameters": [{"name": "kecamatan", "in": "query", "schema": {"type": "string"}, "description": "Only this kecamatan."}],
            "responses": {"200": _json("The villages.", {"type": "object", "properties": {"desa": {"type": "array", "items": _STATE}}}), **_REFUSED}}},
        "/api/desa/{code}": {"get": {
            "summary": "The latest result of one dossier, as the JSON report of `check` (schemas/report.schema.json)",
            "parameters": [_CODE, _LANG], "responses": {"200": _json("The result."), **_REFUSED, **_HIDDEN}}},
        "/api/desa/{code}/versi": {"get": {
            "summary": "The versions of one dossier (newest first) and what each re-check changed",
            "parameters": [_CODE], "responses": {"200": _json("The history."), **_REFUSED, **_HIDDEN}}},
        "/api/kecamatan": {"get": {
            "summary": "Each kecamatan in scope with its villages counted",
            "responses": {"200": _json("The kecamatan."), **_REFUSED}}},
        "/api/kirim": {"post": {
            "summary": "Submit dossier files (facilitator of the kecamatan, or admin)",
            "parameters": [_LANG],
            "requestBody": {"required": True, "content": {"multipart/form-data": {"schema": {
                "type": "object", "properties": {"dossier": {"type": "array", "items": {"type": "string", "format": "binary"}}}}}}},
            "responses": {"200": _json("Each file: accepted with its version, or the messages why not."),
                          "400": _json("No file."), "413": _json("The upload is too large."),
                          "422": _json("No file was accepted."), **_REFUSED}}},
        "/api/penyaringan/{round_id}": {"get": {
            "summary": "A screening round within the scope (as `screen --format json`) and its comparison with the previous round",
            "parameters": [{"name": "round_id", "in": "path", "required": True, "schema": {"type": "integer"}}, _LANG],
            "responses": {"200": _json("The round."), **_REFUSED, "404": _json("No such round.")}}},
        "/api/openapi.json": {"get": {"summary": "This description", "security": [], "responses": {"200": _json("OpenAPI 3.1")}}},
    },
}
