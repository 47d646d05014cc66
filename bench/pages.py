"""Page benchmark: the shop under gunicorn vs a bare Flask page, same run, same client.

    python bench/pages.py [--seconds 8] [--concurrency 4] [--workers 2]

Builds a temporary SQLite database with the demo catalog, serves the shop and the bare app with
gunicorn, drives each URL with a keep-alive client for a fixed time, and prints requests/s, p50
and p95 per page, and each page's throughput as a ratio of the bare page (target >= 0.5).
"""

from __future__ import annotations

import argparse
import http.client
import os
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
VENV_BIN = Path(sys.executable).parent


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _wait_until_up(port: int, timeout: float = 30) -> None:
    deadline = time.time() + timeout
    while time.time() < deadline:
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=0.5):
                return
        except OSError:
            time.sleep(0.2)
    raise RuntimeError(f"server on port {port} did not start")


def _gunicorn(
    app: str, port: int, workers: int, env: dict[str, str], cwd: Path
) -> subprocess.Popen:
    return subprocess.Popen(
        [
            str(VENV_BIN / "gunicorn"),
            "-w",
            str(workers),
            "-b",
            f"127.0.0.1:{port}",
            "--log-level",
            "warning",
            app,
        ],
        cwd=cwd,
        env=env,
    )


def _drive(
    port: int, path: str, seconds: float, concurrency: int
) -> tuple[float, float, float, int]:
    latencies: list[float] = []
    errors = 0
    lock = threading.Lock()
    stop_at = time.perf_counter() + seconds

    def worker() -> None:
        nonlocal errors
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
        local: list[float] = []
        while time.perf_counter() < stop_at:
            start = time.perf_counter()
            conn.request("GET", path, headers={"Accept-Language": "vi"})
            response = conn.getresponse()
            response.read()
            if response.status != 200:
                with lock:
                    errors += 1
            local.append(time.perf_counter() - start)
        conn.close()
        with lock:
            latencies.extend(local)

    threads = [threading.Thread(target=worker) for _ in range(concurrency)]
    started = time.perf_counter()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    elapsed = time.perf_counter() - started
    latencies.sort()
    p95 = latencies[int(len(latencies) * 0.95) - 1] * 1000
    return len(latencies) / elapsed, statistics.median(latencies) * 1000, p95, errors


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--seconds", type=float, default=8)
    parser.add_argument("--concurrency", type=int, default=4)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--no-cache", action="store_true", help="turn the fragment cache off")
    args = parser.parse_args()

    workdir = Path(tempfile.mkdtemp(prefix="ocop-bench-"))
    env = dict(os.environ)
    env.update(
        APP_ENV="development",
        DATABASE_URL=f"sqlite:///{workdir / 'bench.sqlite3'}",
        SEARCH_INDEX_DIR=str(workdir / "index"),
        MEDIA_ROOT=str(workdir / "media"),
        PYTHONPATH=str(ROOT),
        FRAGMENT_CACHE_ENTRIES="0" if args.no_cache else "512",
    )
    flask = [str(VENV_BIN / "flask"), "--app", "wsgi"]
    subprocess.run([*flask, "db", "upgrade"], cwd=ROOT, env=env, check=True, capture_output=True)
    subprocess.run(
        [*flask, "catalog", "load-demo"], cwd=ROOT, env=env, check=True, capture_output=True
    )

    from sqlalchemy import create_engine, text

    engine = create_engine(env["DATABASE_URL"])
    with engine.connect() as conn:
        slug = conn.execute(text("SELECT slug FROM product ORDER BY id LIMIT 1")).scalar_one()
        products = conn.execute(text("SELECT count(*) FROM product")).scalar_one()
    engine.dispose()

    shop_port, bare_port = _free_port(), _free_port()
    servers = [
        _gunicorn("wsgi:app", shop_port, args.workers, env, ROOT),
        _gunicorn("bare_app:app", bare_port, args.workers, env, ROOT / "bench"),
    ]
    try:
        _wait_until_up(shop_port)
        _wait_until_up(bare_port)
        targets = [
            ("bare Flask, 24-item template", bare_port, "/"),
            ("home", shop_port, "/"),
            ("listing (24 per page)", shop_port, "/products"),
            ("listing, 5★ filter", shop_port, "/products?stars=5"),
            ("product page", shop_port, f"/products/{slug}"),
        ]
        for _, port, path in targets:  # warm up each worker
            _drive(port, path, 1, args.concurrency)
        rows = [
            (name, *_drive(port, path, args.seconds, args.concurrency))
            for name, port, path in targets
        ]
    finally:
        for server in servers:
            server.send_signal(signal.SIGTERM)
            server.wait(timeout=10)
        shutil.rmtree(workdir, ignore_errors=True)

    bare_rps = rows[0][1]
    print(
        f"\nPages under gunicorn ({args.workers} workers), {args.concurrency} keep-alive clients, "
        f"{args.seconds:g} s per page, {products} products (demo catalog), SQLite, "
        f"fragment cache {'off' if args.no_cache else 'on'}\n"
    )
    print("| page | req/s | p50 ms | p95 ms | errors | ratio to bare |")
    print("|---|---:|---:|---:|---:|---:|")
    for name, rps, p50, p95, errors in rows:
        print(f"| {name} | {rps:.0f} | {p50:.1f} | {p95:.1f} | {errors} | {rps / bare_rps:.2f} |")
    worst = min(row[1] for row in rows[1:]) / bare_rps
    print(f"\nworst ratio {worst:.2f} (target >= 0.50): {'OK' if worst >= 0.5 else 'BELOW TARGET'}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
