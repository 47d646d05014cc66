"""Import rules between layers (docs/architecture.md), checked on the source with `ast`."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
DOMAIN = ("core", "accounts", "catalog", "orders", "search")
# Who may import whom (besides third-party packages and itself).
ALLOWED = {
    "core": set(),
    "accounts": {"core"},
    "catalog": {"core", "accounts"},
    "orders": {"core", "accounts", "catalog"},
    "search": {"core", "catalog"},
}
FLASK_REQUEST_STATE = {"request", "session", "g", "current_app", "url_for", "current_user"}


def _python_files(package: str) -> list[Path]:
    return sorted((ROOT / package).rglob("*.py")) if (ROOT / package).exists() else []


def _imports(path: Path) -> list[tuple[str, list[str]]]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    found = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found += [(alias.name, []) for alias in node.names]
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            found.append((node.module, [alias.name for alias in node.names]))
    return found


@pytest.mark.parametrize("package", DOMAIN)
def test_domain_packages_import_only_what_they_may(package):
    project = set(DOMAIN) | {"storefront", "config", "wsgi"}
    offences = []
    for path in _python_files(package):
        for module, names in _imports(path):
            top = module.split(".")[0]
            if top in project and top != package and top not in ALLOWED[package]:
                offences.append(f"{path.relative_to(ROOT)} imports {module}")
            if top in {"flask", "flask_login", "flask_babel"} and set(names) & FLASK_REQUEST_STATE:
                offences.append(
                    f"{path.relative_to(ROOT)} uses web state {sorted(set(names) & FLASK_REQUEST_STATE)}"
                )
            if top in {"flask_babel", "flask_login", "flask_wtf"}:
                offences.append(f"{path.relative_to(ROOT)} imports {module}")
    assert offences == []


def test_nothing_imports_storefront_but_wsgi_and_tests():
    offences = [
        f"{path.relative_to(ROOT)} imports {module}"
        for package in DOMAIN
        for path in _python_files(package)
        for module, _ in _imports(path)
        if module.split(".")[0] == "storefront"
    ]
    config = [
        m
        for m, _ in _imports(ROOT / "config.py")
        if m.split(".")[0] in set(DOMAIN) | {"storefront"}
    ]
    assert offences == [] and config == []


def test_the_for_sale_rule_is_written_once():
    """Only catalog/for_sale.py may compare certificate status/stars/validity dates."""
    needles = ("expires_on >=", "expires_on>=", ".stars >= 3", "stars >= MIN_STARS", "issued_on <=")
    offenders = []
    for package in (*DOMAIN, "storefront"):
        for path in _python_files(package):
            if path.name == "for_sale.py":
                continue
            text = path.read_text(encoding="utf-8")
            offenders += [f"{path.relative_to(ROOT)}: {n}" for n in needles if n in text]
    assert offenders == []
