"""Two app servers, one PostgreSQL, one Redis (issue 16 acceptance).

Two gunicorn instances (gunicorn.conf.py, as `make serve` and systemd run them) on different
ports with separate search index directories, as on two machines. A product created and
certified through the first is listed and searchable on the second within 10 s; a revoked
certificate takes the product off both at once; the sign-in rate limit is shared through Redis.
The servers start once for the module (a few seconds); every wait polls, none sleeps blindly.
Runs when TEST_DATABASE_URL (PostgreSQL) and REDIS_URL are set, as `.ci/run` does.
"""

from __future__ import annotations

import os
import random
import re
import signal
import socket
import subprocess
import sys
import time
import urllib.parse
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
import requests

from config import TestingConfig
from core.db import db
from storefront import create_app
from tests.ops.nginx_sample import nginx_binary, nginx_command, render

ROOT = Path(__file__).resolve().parents[2]
FOLLOW_DEADLINE = 10.0  # the acceptance bound

pytestmark = pytest.mark.skipif(
    not (
        os.environ.get("TEST_DATABASE_URL", "").startswith("postgresql")
        and os.environ.get("REDIS_URL")
    ),
    reason="needs TEST_DATABASE_URL (PostgreSQL) and REDIS_URL",
)

ADMIN_EMAIL = "can-bo@ocop.test"
ADMIN_PASSWORD = "mat-khau-can-bo-2026"


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@dataclass
class Server:
    name: str
    url: str
    process: subprocess.Popen
    log: Path

    def get(self, path: str, session: requests.Session | None = None) -> requests.Response:
        return (session or requests).get(self.url + path, timeout=30)


def _wait_ready(server: Server, deadline: float) -> None:
    while time.monotonic() < deadline:
        if server.process.poll() is not None:
            raise RuntimeError(f"{server.name} exited:\n{server.log.read_text()[-3000:]}")
        try:
            if server.get("/readyz").status_code == 200:
                return
        except requests.RequestException:  # not listening yet, or workers still importing
            pass
        time.sleep(0.2)
    raise RuntimeError(f"{server.name} not ready:\n{server.log.read_text()[-3000:]}")


@pytest.fixture(scope="module")
def servers(database_url: str, tmp_path_factory) -> Iterator[tuple[Server, Server]]:
    from tests.conftest import _empty_all_tables

    app = create_app(TestingConfig, SQLALCHEMY_DATABASE_URI=database_url)
    with app.app_context():
        _empty_all_tables()
        from accounts.service import create_admin

        create_admin(ADMIN_EMAIL, "Cán bộ OCOP", ADMIN_PASSWORD)
        db.session.commit()
        db.session.remove()
        db.engine.dispose()
    base = tmp_path_factory.mktemp("two-servers")
    env = {
        **os.environ,
        "APP_ENV": "development",
        "SECRET_KEY": "two-servers-test-secret",
        "DATABASE_URL": database_url,
        "MEDIA_ROOT": str(base / "media"),  # shared, as a shared volume would be
        "CERTIFICATE_SCAN_ROOT": str(base / "scans"),
        "SEARCH_FOLLOW_SECONDS": "0.5",
        "LOGIN_ATTEMPTS_PER_WINDOW": "4",
        # An unusual window: counters left in Redis by another run never share our window.
        "RATE_LIMIT_WINDOW_SECONDS": str(random.randint(50_000, 90_000)),
        "LOAD_DEMO_CATALOG": "false",
        "LOG_FORMAT": "json",
        "GUNICORN_WORKERS": "2",
        "GUNICORN_THREADS": "2",
        "METRICS_ENABLED": "true",
        "METRICS_TOKEN": "two-servers-metrics",
    }
    started: list[Server] = []
    try:
        for name in ("a", "b"):
            port = _free_port()
            log = base / f"{name}.log"
            server_env = {
                **env,
                "GUNICORN_BIND": f"127.0.0.1:{port}",
                "SEARCH_INDEX_DIR": str(base / name / "index"),  # one per "machine"
                "PROMETHEUS_MULTIPROC_DIR": str(base / name / "metrics"),
            }
            with log.open("wb") as log_file:
                process = subprocess.Popen(
                    [str(Path(sys.executable).with_name("gunicorn")), "-c", "gunicorn.conf.py"],
                    cwd=ROOT,
                    env=server_env,
                    stdout=log_file,
                    stderr=subprocess.STDOUT,
                )
            started.append(Server(name, f"http://127.0.0.1:{port}", process, log))
        deadline = time.monotonic() + 180  # app start-up on a busy 2-core machine
        for server in started:
            # Its first request starts the follower, which builds the missing index.
            _wait_ready(server, deadline)
        yield started[0], started[1]
    finally:
        for server in started:
            if server.process.poll() is None:
                server.process.send_signal(signal.SIGTERM)
        for server in started:
            try:
                server.process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                server.process.kill()
                server.process.wait()


def _csrf(html: str) -> str:
    found = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', html) or re.search(
        r'value="([^"]+)"[^>]*name="csrf_token"', html
    )
    assert found, "no CSRF token on the page"
    return found.group(1)


@pytest.fixture(scope="module")
def admin_on_a(servers) -> requests.Session:
    a, _ = servers
    session = requests.Session()
    form = session.get(a.url + "/account/login", timeout=30).text
    response = session.post(
        a.url + "/account/login",
        data={"csrf_token": _csrf(form), "email": ADMIN_EMAIL, "password": ADMIN_PASSWORD},
        timeout=30,
    )
    assert response.status_code == 200, response.text[:500]
    assert session.get(a.url + "/admin/", timeout=30).status_code == 200  # signed in as staff
    return session


def _registry_row(sku: str, name: str) -> str:
    from catalog.importer import COLUMNS

    values = {
        "sku": sku,
        "name": name,
        "name_en": "Two servers test product",
        "group": "Thực phẩm",
        "stars": "4",
        "certificate_no": f"{sku}/GCN",
        "decision_no": "1/QĐ-UBND",
        "issued_by": "UBND tỉnh Tây Ninh",
        "issued_on": "2025-01-10",
        "expires_on": "2099-01-09",
        "certificate_status": "verified",
        "producer": "HTX Hai Máy Chủ",
        "producer_kind": "cooperative",
        "province": "Tây Ninh",
        "price_vnd": "30000",
        "stock": "50",
        "unit": "Gói 500 g",
    }
    unknown = set(values) - set(COLUMNS)
    assert not unknown, f"importer columns changed: {unknown}"
    header = ",".join(COLUMNS)
    row = ",".join(values.get(column, "") for column in COLUMNS)
    return f"{header}\n{row}\n"


def _visible(html: str) -> str:
    return re.sub(r"<[^>]+>", "", html)  # highlights (<mark>) split a name in the markup


def _shows(server: Server, name: str) -> dict[str, bool]:
    # Searched without diacritics, so the echoed query is not mistaken for a result.
    query = urllib.parse.quote_plus("banh trang phoi suong hai may chu")
    return {
        "search": name in _visible(server.get(f"/search?q={query}").text),
        "listing": name in server.get("/products").text,
    }


def test_two_instances_on_one_machine_do_not_clash(servers):
    for server in servers:
        assert server.process.poll() is None
        body = server.get("/readyz").json()
        assert body["checks"]["redis"]["ok"] is True
        assert "already in use" not in server.log.read_text()


def test_metrics_sum_every_worker_of_an_instance(servers):
    a, _ = servers
    for _ in range(6):  # spread over both workers
        assert a.get("/readyz").status_code == 200
    response = requests.get(
        a.url + "/metrics", headers={"Authorization": "Bearer two-servers-metrics"}, timeout=30
    )
    assert response.status_code == 200
    counted = re.search(
        r'^ocop_http_requests_total\{[^}]*endpoint="ops.readyz"[^}]*status="200"[^}]*\} (\S+)$',
        response.text,
        re.MULTILINE,
    )
    assert counted and float(counted.group(1)) >= 6
    assert re.search(r"^ocop_search_index_lag_seconds 0\.0$", response.text, re.MULTILINE)


def test_a_product_certified_through_one_server_is_found_on_the_other(servers, admin_on_a):
    a, b = servers
    name = "Bánh tráng phơi sương Hai Máy Chủ"
    assert _shows(b, name) == {"search": False, "listing": False}
    form = admin_on_a.get(a.url + "/admin/import", timeout=30).text
    response = admin_on_a.post(
        a.url + "/admin/import",
        data={"csrf_token": _csrf(form)},
        files={"csv_file": ("registry.csv", _registry_row("TWO-1", name).encode(), "text/csv")},
        timeout=60,
    )
    assert response.status_code == 200, response.text[:1000]
    assert _shows(a, name) == {"search": True, "listing": True}  # at once where it was made
    deadline = time.monotonic() + FOLLOW_DEADLINE
    seen = _shows(b, name)
    while seen != {"search": True, "listing": True} and time.monotonic() < deadline:
        time.sleep(0.2)
        seen = _shows(b, name)
    assert seen == {"search": True, "listing": True}, f"not on the second server in 10 s: {seen}"


def test_a_revoked_certificate_takes_the_product_off_both_at_once(
    servers, admin_on_a, database_url
):
    from catalog.models import Certificate, Product

    a, b = servers
    name = "Bánh tráng phơi sương Hai Máy Chủ"
    assert _shows(b, name)["search"], "the previous test's product is missing"
    app = create_app(TestingConfig, SQLALCHEMY_DATABASE_URI=database_url)
    with app.app_context():
        product = db.session.query(Product).filter_by(sku="TWO-1").one()
        certificate_id = db.session.query(Certificate.id).filter_by(product_id=product.id).scalar()
        db.session.remove()
        db.engine.dispose()
    page = admin_on_a.get(a.url + "/admin/certificates?status=verified", timeout=30).text
    response = admin_on_a.post(
        a.url + f"/admin/certificates/{certificate_id}/revoke",
        data={"csrf_token": _csrf(page), "reason": "Thu hồi để thử hai máy chủ"},
        timeout=30,
    )
    assert response.status_code == 200, response.text[:500]
    # No waiting: the for-sale rule is checked against the database on every page.
    assert _shows(a, name) == {"search": False, "listing": False}
    assert _shows(b, name) == {"search": False, "listing": False}


def test_an_index_damaged_in_place_under_load_costs_no_request_and_no_worker(servers):
    """Issue 11 step 4 over real processes: files truncated and zeroed under open readers."""
    _, b = servers
    boots = b.log.read_text().count("Booting worker")
    words = ["banh trang", "phoi suong", "hai may chu", "nuoc mam", "tra", "ca phe", "mat ong"]
    for word in words:  # open readers in every worker thread first
        assert b.get("/search?q=" + urllib.parse.quote_plus(word)).status_code == 200
    index = Path(b.log).parent / "b" / "index"
    for segment in Path(os.path.realpath(index)).glob("*.seg"):
        size = segment.stat().st_size
        with segment.open("r+b") as handle:  # in place: same inode the readers have open
            handle.truncate(size // 3)
            handle.seek(0)
            handle.write(b"\0" * (size // 3))
    statuses = [
        b.get("/search?q=" + urllib.parse.quote_plus(f"{word} {n}")).status_code
        for n in range(3)
        for word in words
    ]
    assert set(statuses) == {200}
    deadline = time.monotonic() + 60
    while b.get("/readyz").json()["checks"]["index"]["state"] != "ok":
        assert time.monotonic() < deadline, "the damaged index was not rebuilt"
        time.sleep(0.2)
    log = b.log.read_text()
    assert log.count("Booting worker") == boots, "a worker died and was replaced"
    assert "SIGBUS" not in log and "was sent" not in log


def test_the_sign_in_rate_limit_is_shared(servers):
    # Last in the module: it uses up this address's sign-in budget for the window.
    a, b = servers
    email = f"doan-mo-{random.randint(0, 10**9)}@ocop.test"

    def attempt(server: Server) -> int:
        session = requests.Session()
        form = session.get(server.url + "/account/login", timeout=30).text
        return session.post(
            server.url + "/account/login",
            data={"csrf_token": _csrf(form), "email": email, "password": "sai-mat-khau-1"},
            timeout=30,
        ).status_code

    statuses = []
    while not statuses or statuses[-1] != 429:
        statuses.append(attempt(a))
        assert len(statuses) <= 6, statuses  # limit 4 per window (+1 for the admin sign-in)
    # The second server has seen none of these attempts itself, yet refuses the next one.
    assert attempt(b) == 429


@pytest.mark.skipif(nginx_binary() is None, reason="nginx not installed (make nginx)")
def test_the_nginx_sample_serves_the_shop_from_both_servers(servers, tmp_path_factory):
    a, b = servers
    folder = tmp_path_factory.mktemp("nginx")
    http_port, https_port = _free_port(), _free_port()
    render(
        folder,
        upstreams=[a.url.removeprefix("http://"), b.url.removeprefix("http://")],
        http_port=http_port,
        https_port=https_port,
        media_root=folder / "media",
    )
    nginx = subprocess.Popen(
        nginx_command(str(nginx_binary()), folder, "-g", "daemon off;"),
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    shop = f"https://127.0.0.1:{https_port}"
    tls = str(folder / "fullchain.pem")  # the self-signed certificate the sample was given
    try:
        deadline = time.monotonic() + 30
        while True:
            try:
                home = requests.get(shop + "/", verify=tls, timeout=30)
                break
            except requests.ConnectionError:
                assert nginx.poll() is None and time.monotonic() < deadline, (
                    folder / "error.log"
                ).read_text()
                time.sleep(0.1)
        assert home.status_code == 200
        assert re.fullmatch(r"[0-9a-f]{32}", home.headers["X-Request-ID"])  # nginx's $request_id
        css = next((Path(__file__).resolve().parents[2] / "storefront/static/css").glob("*.css"))
        static = requests.get(
            f"{shop}/static/css/{css.name}",
            verify=tls,
            headers={"Accept-Encoding": "gzip"},
            timeout=30,
        )
        assert static.status_code == 200 and static.text.startswith(css.read_text()[:20])
        assert static.headers["Cache-Control"] == "max-age=604800, public"  # expires 7d
        assert "gunicorn" not in static.headers.get("Server", "")  # served by nginx itself
        if css.stat().st_size > 512:
            assert static.headers["Content-Encoding"] == "gzip"
        plain = requests.get(f"http://127.0.0.1:{http_port}/", allow_redirects=False, timeout=30)
        assert plain.status_code == 301 and plain.headers["Location"].startswith("https://")
        # Both app servers answer through nginx: each request's id (made by nginx) is in the
        # access log of the server that answered it.
        ids = {
            requests.get(shop + "/readyz", verify=tls, timeout=30).headers["X-Request-ID"]
            for _ in range(8)
        }
        deadline = time.monotonic() + 10
        answered: dict[str, set[str]] = {}
        while time.monotonic() < deadline:  # access log lines are flushed as written
            answered = {
                s.name: {i for i in ids if f"rid={i}" in s.log.read_text()} for s in servers
            }
            if set().union(*answered.values()) == ids:
                break
            time.sleep(0.1)
        assert set().union(*answered.values()) == ids
        assert answered["a"] and answered["b"], answered
    finally:
        nginx.terminate()
        nginx.wait(timeout=30)
