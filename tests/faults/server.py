"""A real shop under gunicorn on loopback, for the fault suite: started once per test module
with its own environment, polled until it answers, its worker processes known by pid."""

from __future__ import annotations

import contextlib
import os
import re
import signal
import subprocess
import sys
import time
import urllib.error
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path

from tests.fixtures.network import free_port

ROOT = Path(__file__).resolve().parents[2]
GUNICORN = Path(sys.executable).with_name("gunicorn")
START_TIMEOUT_S = 120  # a generous bound for a loaded machine; not a speed claim
_CSRF = re.compile(r'name="csrf_token"[^>]*value="([^"]+)"')


def csrf_token(html: str) -> str:
    found = _CSRF.search(html)
    assert found, "no CSRF token on the page"
    return found.group(1)


def add_to_cart(session, base_url: str, slug: str, product_id: int, quantity: int):
    """What a browser does from an anonymous product page: its "add to cart" form has no CSRF
    token (no session yet); the browser says the POST comes from the shop (Sec-Fetch-Site).
    Returns (the add's response, the CSRF token of the cart page that follows, for checkout)."""
    page = session.get(f"{base_url}/products/{slug}", timeout=120)
    assert page.status_code == 200, page.status_code
    added = session.post(
        f"{base_url}/cart/add",
        data={"product_id": product_id, "quantity": quantity},
        headers={"Sec-Fetch-Site": "same-origin"},
        allow_redirects=False,
        timeout=120,
    )
    if added.status_code not in (302, 303):
        return added, ""
    return added, csrf_token(session.get(f"{base_url}/cart", timeout=120).text)


def shop_environment(database_url: str, tmp: Path, **extra: str) -> dict[str, str]:
    """The environment of a production-like shop on `database_url`, its files under `tmp`."""
    env = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith(("GUNICORN_", "FLASK_", "TEST_", "PYTEST_"))
    }
    env.update(
        DATABASE_URL=database_url,
        SECRET_KEY="fault-suite-secret",
        SEARCH_INDEX_DIR=str(tmp / "index"),
        MEDIA_ROOT=str(tmp / "media"),
        CERTIFICATE_SCAN_ROOT=str(tmp / "scans"),
        PUBLIC_BASE_URL="http://127.0.0.1",
        LOAD_DEMO_CATALOG="0",
        REDIS_URL="",
        LOG_LEVEL="WARNING",
    )
    env.update(extra)
    return env


@dataclass
class ShopServer:
    env: dict[str, str]
    log_path: Path
    workers: int = 2
    threads: int = 4
    port: int = field(default_factory=free_port)
    process: subprocess.Popen | None = None

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def start(self) -> ShopServer:
        env = dict(self.env)
        env.update(
            GUNICORN_BIND=f"127.0.0.1:{self.port}",
            GUNICORN_WORKERS=str(self.workers),
            GUNICORN_THREADS=str(self.threads),
            GUNICORN_CONTROL_SOCKET="off",
            GUNICORN_ACCESS_LOG="off",
            GUNICORN_TIMEOUT="60",
        )
        with self.log_path.open("ab") as log:  # the child keeps its own copy
            self.process = subprocess.Popen(
                [str(GUNICORN), "-c", str(ROOT / "gunicorn.conf.py"), "wsgi:app"],
                cwd=ROOT,
                env=env,
                stdout=log,
                stderr=subprocess.STDOUT,
            )
        self.wait_until_serving()
        return self

    def wait_until_serving(self) -> None:
        deadline = time.monotonic() + START_TIMEOUT_S
        while time.monotonic() < deadline:
            assert self.process is not None
            if self.process.poll() is not None:
                raise RuntimeError(f"gunicorn exited: {self.log_path.read_text()[-2000:]}")
            try:
                with urllib.request.urlopen(self.url + "/healthz", timeout=10) as answer:  # noqa: S310
                    if answer.status == 200 and len(self.worker_pids()) == self.workers:
                        return
            except (OSError, urllib.error.HTTPError):
                pass
            time.sleep(0.2)
        raise RuntimeError(f"gunicorn did not serve: {self.log_path.read_text()[-2000:]}")

    def worker_pids(self) -> list[int]:
        """The master's children, from /proc."""
        assert self.process is not None
        children = []
        for stat in Path("/proc").glob("[0-9]*/stat"):
            try:
                fields = stat.read_text().rsplit(")", 1)[1].split()
            except OSError:
                continue
            if int(fields[1]) == self.process.pid:
                children.append(int(stat.parent.name))
        return sorted(children)

    def stop(self) -> None:
        """Stop at once: every test has checked what it wanted by now, and a graceful stop (or
        even gunicorn's quick one) spent seconds per module waiting for its workers to leave."""
        if self.process is None or self.process.poll() is not None:
            return
        workers = self.worker_pids()
        self.process.send_signal(signal.SIGINT)
        for pid in workers:  # a gthread worker can take seconds to leave even on a quick stop
            with contextlib.suppress(ProcessLookupError):
                os.kill(pid, signal.SIGKILL)
        try:
            self.process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()

    def log(self) -> str:
        return self.log_path.read_text(errors="replace")
