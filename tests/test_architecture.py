"""The rules of docs/architecture.md, checked on the source with `ast`.

Each rule is a function over a source tree, run on the project and — so that it can be seen
failing — on a small synthetic tree that breaks it.
"""

from __future__ import annotations

import ast
import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
DOMAIN = ("core", "accounts", "catalog", "orders", "search", "settlement")
# Who may import whom (besides third-party packages and itself).
ALLOWED = {
    "core": set(),
    "accounts": {"core"},
    "catalog": {"core", "accounts"},
    "orders": {"core", "accounts", "catalog"},
    "search": {"core", "catalog"},
    "settlement": {"core", "accounts", "catalog", "orders"},
}
FLASK_REQUEST_STATE = {"request", "session", "g", "current_app", "url_for", "current_user"}
# Web modules the domain must not touch: HTTP is the web layer's business.
HTTP_MODULES = ("flask", "flask_babel", "flask_login", "flask_wtf", "werkzeug.exceptions", "http")
HTTP_NAMES = {"http_status", "status_code"}
# storefront/ packages that are not blueprints.
NOT_BLUEPRINTS = {"common", "cli", "templates", "static", "translations"}


def _python_files(root: Path, package: str) -> list[Path]:
    return sorted((root / package).rglob("*.py")) if (root / package).exists() else []


def _imports(path: Path) -> list[tuple[str, list[str]]]:
    """Absolute imports of a module: (module, names)."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    found = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found += [(alias.name, []) for alias in node.names]
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            found.append((node.module, [alias.name for alias in node.names]))
    return found


def _resolved_imports(path: Path, root: Path) -> list[str]:
    """Every module a file imports, relative imports resolved to dotted names from `root`."""
    # The package a module's relative imports start from (for __init__.py: the package itself).
    package = list(path.relative_to(root).with_suffix("").parts)[:-1]
    found = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            found += [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            if node.level == 0:
                base = node.module or ""
            else:
                parent = package[: len(package) - (node.level - 1)]
                base = ".".join([*parent, *([node.module] if node.module else [])])
            found.append(base)
            if not node.module:  # `from . import routes` / `from .. import common`: modules
                found += [f"{base}.{alias.name}" for alias in node.names]
    return found


# --- the rules ----------------------------------------------------------------------------------


def layer_offences(root: Path) -> list[str]:
    """Domain packages import only the packages below them, and no web request state."""
    project = set(DOMAIN) | {"storefront", "config", "wsgi"}
    offences = []
    for package in DOMAIN:
        for path in _python_files(root, package):
            for module, names in _imports(path):
                top = module.split(".")[0]
                if top in project and top != package and top not in ALLOWED[package]:
                    offences.append(f"{path.relative_to(root)} imports {module}")
                if (
                    top in {"flask", "flask_login", "flask_babel"}
                    and set(names) & FLASK_REQUEST_STATE
                ):
                    offences.append(
                        f"{path.relative_to(root)} uses web state "
                        f"{sorted(set(names) & FLASK_REQUEST_STATE)}"
                    )
    return offences


def storefront_importers(root: Path) -> list[str]:
    """Nothing imports `storefront` except wsgi.py and the tests; config.py imports nothing."""
    offences = [
        f"{path.relative_to(root)} imports {module}"
        for package in DOMAIN
        for path in _python_files(root, package)
        for module, _ in _imports(path)
        if module.split(".")[0] == "storefront"
    ]
    config = root / "config.py"
    if config.exists():
        offences += [
            f"config.py imports {module}"
            for module, _ in _imports(config)
            if module.split(".")[0] in set(DOMAIN) | {"storefront"}
        ]
    return offences


def http_in_domain_offences(root: Path) -> list[str]:
    """The domain speaks no HTTP: no web framework imports, no status codes on its errors."""
    offences = []
    for package in DOMAIN:
        for path in _python_files(root, package):
            where = path.relative_to(root)
            for module, _ in _imports(path):
                if any(module == m or module.startswith(m + ".") for m in HTTP_MODULES):
                    offences.append(f"{where} imports {module}")
            for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
                targets = []
                if isinstance(node, ast.Assign):
                    targets = node.targets
                elif isinstance(node, ast.AnnAssign):
                    targets = [node.target]
                for target in targets:
                    name = getattr(target, "id", None) or getattr(target, "attr", None)
                    if name in HTTP_NAMES:
                        offences.append(f"{where}:{node.lineno} sets {name}")
    return offences


def blueprints(root: Path) -> set[str]:
    web = root / "storefront"
    if not web.exists():
        return set()
    return {
        child.name
        for child in web.iterdir()
        if child.is_dir() and (child / "__init__.py").exists() and child.name not in NOT_BLUEPRINTS
    }


def blueprint_import_offences(root: Path) -> list[str]:
    """A blueprint imports no module of another blueprint; shared code imports no blueprint."""
    areas = blueprints(root)
    offences = []
    for path in _python_files(root, "storefront"):
        parts = path.relative_to(root / "storefront").parts
        own = parts[0] if len(parts) > 1 and parts[0] in areas else None
        is_factory = parts == ("__init__.py",)
        for module in _resolved_imports(path, root):
            pieces = module.split(".")
            if len(pieces) < 2 or pieces[0] != "storefront" or pieces[1] not in areas:
                continue
            if pieces[1] == own:
                continue
            if is_factory and pieces[2:] in ([], ["bp"]):
                continue  # create_app registers each blueprint's `bp`
            offences.append(f"storefront/{'/'.join(parts)} imports {module}")
    return sorted(set(offences))


_STAR_TUPLE = re.compile(r"\(\s*[1-5]\s*,\s*[1-5]\s*(,\s*[1-5]\s*)+\)")


_STAR_WORD = re.compile(r"(?<![a-z])stars?(?![a-z])")


def _mentions_stars(node: ast.AST) -> bool:
    """A name, attribute or string in `node` speaks of stars (`cert.stars`, `args.get("stars")`)."""
    for sub in ast.walk(node):
        text = getattr(sub, "id", None) or getattr(sub, "attr", None)
        if text is None and isinstance(sub, ast.Constant) and isinstance(sub.value, str):
            text = sub.value
        # Words, not substrings: `stars`, `min_stars`, `OCOP 5★ stars` — never `start`.
        if text and _STAR_WORD.search(text.lower()):
            return True
    return False


def _is_star_number(node: ast.AST) -> bool:
    return (
        isinstance(node, ast.Constant)
        and isinstance(node.value, int)
        and not isinstance(node.value, bool)
        and 1 <= node.value <= 5
    )


def star_bound_offences(root: Path) -> list[str]:
    """Star bounds come from catalog/for_sale.py: no star compared with, or listed as, a bare 1–5
    anywhere else (Python or templates)."""
    offences = []
    for package in (*DOMAIN, "storefront"):
        for path in _python_files(root, package):
            if path.relative_to(root) == Path("catalog/for_sale.py"):
                continue
            where = path.relative_to(root)
            text = path.read_text(encoding="utf-8")
            for node in ast.walk(ast.parse(text)):
                if isinstance(node, ast.Compare):
                    operands = [node.left, *node.comparators]
                    if any(_mentions_stars(o) for o in operands) and any(
                        _is_star_number(o) for o in operands
                    ):
                        offences.append(f"{where}:{node.lineno} compares stars with a number")
                elif (
                    isinstance(node, ast.BinOp)
                    and isinstance(node.op, ast.Add | ast.Sub)
                    and (_mentions_stars(node.left) or _mentions_stars(node.right))
                    and (_is_star_number(node.left) or _is_star_number(node.right))
                ):
                    offences.append(f"{where}:{node.lineno} counts stars from a number")
                elif isinstance(node, ast.Call) and _mentions_stars(node):
                    numbers = [a for a in node.args if _is_star_number(a)]
                    if len(numbers) >= 2:
                        offences.append(f"{where}:{node.lineno} passes star bounds as numbers")
            for match in _STAR_TUPLE.finditer(text):
                line = text.count("\n", 0, match.start()) + 1
                offences.append(f"{where}:{line} lists stars as numbers {match.group()}")
        templates = root / package / "templates"
        for path in sorted(templates.rglob("*.html")) if templates.exists() else []:
            text = path.read_text(encoding="utf-8")
            for match in _STAR_TUPLE.finditer(text):
                line = text.count("\n", 0, match.start()) + 1
                offences.append(f"{path.relative_to(root)}:{line} lists stars as numbers")
    return offences


def for_sale_rule_offences(root: Path) -> list[str]:
    """Only catalog/for_sale.py may compare certificate status/stars/validity dates."""
    needles = ("expires_on >=", "expires_on>=", ".stars >= 3", "stars >= MIN_STARS", "issued_on <=")
    offenders = []
    for package in (*DOMAIN, "storefront"):
        for path in _python_files(root, package):
            if path.name == "for_sale.py":
                continue
            text = path.read_text(encoding="utf-8")
            offenders += [f"{path.relative_to(root)}: {n}" for n in needles if n in text]
    return offenders


# --- on the project -----------------------------------------------------------------------------


def test_domain_packages_import_only_what_they_may():
    assert layer_offences(ROOT) == []


def test_nothing_imports_storefront_but_wsgi_and_tests():
    assert storefront_importers(ROOT) == []


def test_the_domain_speaks_no_http():
    assert http_in_domain_offences(ROOT) == []


def test_no_blueprint_imports_another_blueprint():
    assert blueprints(ROOT) >= {"shop", "api", "search", "checkout", "orders", "admin", "producer"}
    assert blueprint_import_offences(ROOT) == []


def test_star_bounds_come_from_the_for_sale_rule():
    assert star_bound_offences(ROOT) == []


def test_the_for_sale_rule_is_written_once():
    assert for_sale_rule_offences(ROOT) == []


# --- each rule fails on a tree that breaks it ----------------------------------------------------


def _tree(tmp_path: Path, files: dict[str, str]) -> Path:
    for name, text in files.items():
        path = tmp_path / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
    return tmp_path


def test_the_layer_rule_catches_the_domain_importing_upwards(tmp_path):
    root = _tree(
        tmp_path,
        {
            "catalog/__init__.py": "",
            "catalog/cart_rules.py": "from orders.cart import add_item\n",
            "orders/__init__.py": "",
            "orders/views.py": "from flask import request\n",
        },
    )
    assert layer_offences(root) == [
        "catalog/cart_rules.py imports orders.cart",
        "orders/views.py uses web state ['request']",
    ]


def test_the_storefront_rule_catches_the_domain_importing_the_web(tmp_path):
    root = _tree(tmp_path, {"search/query.py": "from storefront.common.urls import public_url\n"})
    assert storefront_importers(root) == ["search/query.py imports storefront.common.urls"]


@pytest.mark.parametrize(
    ("source", "offence"),
    [
        ("class Gone(Exception):\n    http_status = 404\n", "catalog/errors.py:2 sets http_status"),
        (
            "from werkzeug.exceptions import NotFound\n",
            "catalog/errors.py imports werkzeug.exceptions",
        ),
        ("from flask import abort\n", "catalog/errors.py imports flask"),
        ("def fail(error):\n    error.status_code = 409\n", "catalog/errors.py:2 sets status_code"),
    ],
)
def test_the_http_rule_catches_statuses_and_web_imports_in_the_domain(tmp_path, source, offence):
    root = _tree(tmp_path, {"catalog/errors.py": source})
    assert http_in_domain_offences(root) == [offence]


def test_the_blueprint_rule_catches_imports_between_blueprints(tmp_path):
    root = _tree(
        tmp_path,
        {
            "storefront/__init__.py": "from .shop import bp\n",
            "storefront/common/__init__.py": "",
            "storefront/common/urls.py": "from ..shop.routes import home\n",
            "storefront/shop/__init__.py": "from . import routes\n",
            "storefront/shop/routes.py": "from ..common.urls import public_url\n",
            "storefront/admin/__init__.py": "",
            "storefront/admin/routes.py": (
                "from ..producer.routes import send_scan\n"
                "from storefront.shop import filters\n"
                "from .. import producer\n"
            ),
            "storefront/producer/__init__.py": "",
            "storefront/producer/routes.py": "from ..admin.forms import ReasonForm\n",
        },
    )
    assert blueprint_import_offences(root) == [
        "storefront/admin/routes.py imports storefront.producer",
        "storefront/admin/routes.py imports storefront.producer.routes",
        "storefront/admin/routes.py imports storefront.shop",
        "storefront/common/urls.py imports storefront.shop.routes",
        "storefront/producer/routes.py imports storefront.admin.forms",
    ]


@pytest.mark.parametrize(
    "source",
    [
        "ok = 3 <= row.stars <= 5\n",
        "if cert.stars < 3:\n    pass\n",
        "stars = int_arg(args.get('stars'), 3, 5)\n",
        "choices = [str(n) for n in (3, 4, 5)]\n",
        "boost = 1.0 + 0.03 * (row.stars - 3)\n",
    ],
)
def test_the_star_rule_catches_bare_star_numbers(tmp_path, source):
    root = _tree(tmp_path, {"catalog/for_sale.py": "MIN_STARS = 3\n", "orders/rules.py": source})
    assert len(star_bound_offences(root)) == 1
    assert star_bound_offences(root)[0].startswith("orders/rules.py")


def test_the_star_rule_reads_templates_and_spares_for_sale(tmp_path):
    root = _tree(
        tmp_path,
        {
            "catalog/for_sale.py": "ok = 3 <= cert.stars <= 5\n",
            "storefront/templates/filters.html": "{% for n in (5, 4, 3) %}{{ n }}{% endfor %}",
        },
    )
    assert star_bound_offences(root) == [
        "storefront/templates/filters.html:1 lists stars as numbers"
    ]


def test_the_for_sale_rule_check_catches_a_second_validity_test(tmp_path):
    root = _tree(tmp_path, {"orders/cart.py": "ok = cert.expires_on >= today\n"})
    assert for_sale_rule_offences(root) == ["orders/cart.py: expires_on >="]
