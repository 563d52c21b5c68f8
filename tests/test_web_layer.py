"""The web layer's shape: the service's app module imports its views and never the reverse, and the
local page answers with the same security headers as the service."""

from __future__ import annotations

import ast
from pathlib import Path

import cek_integrasi.service

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
