"""The web layer's shape: the service's app module imports its views and never the reverse, and the
local page answers with the same security headers as the service."""

from __future__ import annotations

import ast
from pathlib import Path

from servicekit import check_pool, make_app  # noqa: F401

import cek_integrasi.service
from cek_integrasi.webpage.app import create_app

SERVICE = Path(cek_integrasi.service.__file__).parent


def imported_modules(path: Path) -> set[str]:
    """The absolute names of the modules a file of the service package imports (relative ones resolved)."""
    package = ".".join(("cek_integrasi", "service", *path.relative_to(SERVICE).parent.parts))
    names = set()
    for node in ast.walk(ast.parse(path.read_text("utf-8"))):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            base = package.split(".")[: len(package.split(".")) - node.level + 1] if node.level else []
            module = ".".join([*base, *([node.module] if node.module else [])])
            names.add(module)
            names.update(f"{module}.{alias.name}" for alias in node.names)  # `from .. import app`
    return names


def test_no_module_of_the_service_imports_its_app_module():
    views = sorted((SERVICE / "views").glob("*.py"))
    assert len(views) > 5
    others = [p for p in SERVICE.glob("*.py") if p.name != "app.py"]
    importing = [str(p.relative_to(SERVICE)) for p in views + others if "cek_integrasi.service.app" in imported_modules(p)]
    assert importing == []
    assert "cek_integrasi.service.views.dashboard" in imported_modules(SERVICE / "app.py")  # the app imports its views


def test_no_cache_of_a_module_of_the_service_is_keyed_by_a_store():
    """A cache of a store's data is an attribute of the service object (runtime.Service), not a module's
    memoized function holding every store it was given."""
    cached = []
    for path in SERVICE.rglob("*.py"):
        for node in ast.parse(path.read_text("utf-8")).body:
            if not isinstance(node, ast.FunctionDef):
                continue
            decorators = [ast.unparse(d.func if isinstance(d, ast.Call) else d) for d in node.decorator_list]
            parameters = [a for a in node.args.args if a.arg == "store" or (a.annotation and "Store" in ast.unparse(a.annotation))]
            if parameters and any(d.split(".")[-1] in ("cache", "lru_cache") for d in decorators):
                cached.append(f"{path.relative_to(SERVICE)}:{node.name}")
    assert cached == []


HEADERS = ("X-Content-Type-Options", "X-Frame-Options", "Content-Security-Policy", "Referrer-Policy")


def security_headers(response) -> dict[str, str | None]:
    return {name: response.headers.get(name) for name in HEADERS}


def test_the_local_page_sends_the_security_headers_of_the_service(pack, check_pool, tmp_path):
    """On its pages, its refusals and its errors alike: no sniffing, no framing, nothing from elsewhere."""
    service = make_app(f"sqlite:///{tmp_path}/s.sqlite3", tmp_path, check_pool).test_client()
    expected = security_headers(service.get("/masuk"))
    assert None not in expected.values() and "default-src 'none'" in expected["Content-Security-Policy"]
    assert security_headers(service.get("/tidak-ada")) == expected
    page = create_app(pack).test_client()
    answers = {"form": page.get("/"), "rules": page.get("/aturan?lang=en"), "not found": page.get("/tidak-ada"),
               "expired": page.get("/hasil/tidak-ada"), "other host": page.get("/", headers={"Host": "evil.example"}),
               "other site": page.post("/periksa", headers={"Origin": "http://evil.example"}), "no token": page.post("/periksa")}
    assert {what: response.status_code for what, response in answers.items()} == {
        "form": 200, "rules": 200, "not found": 404, "expired": 404, "other host": 403, "other site": 403, "no token": 400}
    for what, response in answers.items():
        assert security_headers(response) == expected, what


def test_the_routes_of_the_local_page_are_a_blueprint(pack):
    app = create_app(pack)
    endpoints = {rule.endpoint for rule in app.url_map.iter_rules()} - {"static"}
    assert endpoints == {"page.index", "page.template", "page.upload", "page.result", "page.download", "page.rules"}


def scope_tests(path: Path) -> list[str]:
    """The places of a file that test a scope themselves: `x in scope` and `column.in_(... scope ...)`."""
    found = []
    for node in ast.walk(ast.parse(path.read_text("utf-8"))):
        if isinstance(node, ast.Compare) and any(isinstance(op, (ast.In, ast.NotIn)) for op in node.ops):
            if any(isinstance(c, ast.Name) and c.id == "scope" for c in node.comparators):
                found.append(f"{path.name}:{node.lineno}")
        elif isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and node.func.attr == "in_":
            if any(isinstance(n, ast.Name) and n.id == "scope" for arg in node.args for n in ast.walk(arg)):
                found.append(f"{path.name}:{node.lineno}")
    return found


def test_what_a_user_may_see_is_decided_in_one_place():
    """Pages, queries, lists, reports and screening rounds limit what they show by scoping.py alone."""
    assert scope_tests(SERVICE / "scoping.py")  # the one place
    elsewhere = [place for path in SERVICE.rglob("*.py") if path.name != "scoping.py" for place in scope_tests(path)]
    assert elsewhere == []


def test_the_scope_of_each_role():
    from sqlalchemy import select

    from cek_integrasi.service.scoping import Principal, covers, limited
    from cek_integrasi.service.store import Subject

    rilau, kindang = "73.02.05", "73.02.08"
    scopes = {(role, given): Principal(1, "x", role, frozenset(given)).scope
              for role in ("admin", "supervisor", "facilitator") for given in ((), (rilau,))}
    assert scopes == {("admin", ()): None, ("admin", (rilau,)): None, ("supervisor", ()): None,
                      ("supervisor", (rilau,)): {rilau}, ("facilitator", ()): frozenset(), ("facilitator", (rilau,)): {rilau}}
    assert [covers(s, k) for s in (None, frozenset({rilau}), frozenset()) for k in (rilau, kindang)] == [True, True, True, False, False, False]
    query = select(Subject.code)
    assert limited(query, Subject.kecamatan, None) is query
    limited_sql = str(limited(query, Subject.kecamatan, frozenset({kindang, rilau})).compile(compile_kwargs={"literal_binds": True}))
    assert "subjects.kecamatan IN ('73.02.05', '73.02.08')" in limited_sql.replace('"', "")
