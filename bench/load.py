"""Load benchmark: the shop under gunicorn, driven by wrk on random paths, against bare pages.

    python bench/load.py                         # SQLite, 20,000 products, 20 s per page
    python bench/load.py --db postgresql         # a fresh loadbench_20k database
    python bench/load.py --quick                 # 2,000 products, 5 s per page (smoke run)
    python bench/load.py --pages product,search --json results.json

One run, on loopback only:
1. generates `--products` rows from the real OCOP products (`bench/load_catalog.py`), imports
   them with the app's importer (`flask catalog import`) into a fresh SQLite file or PostgreSQL
   database, and builds the search index with `flask search reindex` — nothing else: on
   PostgreSQL the pages are measured right after the bulk import, with whatever planner
   statistics the import left (this script never runs ANALYZE);
2. serves the shop (`wsgi:app`, APP_ENV=production) and two reference pages from
   `bench/bare_app.py` — Flask "hello" and a page that reads 24 rows with sqlite3 and renders
   them with Jinja — each with `gunicorn -w 2`;
3. drives every page with `wrk -t1 -c20` (`bench/load.lua`): each request takes a random line
   of a paths file (`bench/load_paths.py`), so caches see the long tail a real catalog gets;
4. prints a markdown table: requests/s (successful responses only), p50/p95/p99 latency,
   errors (non-2xx/3xx responses and socket errors, including wrk timeouts), and the ratio to
   the bare sqlite3+Jinja page and to the bare hello page measured in the same run.

Method and recorded results: docs/benchmarks.md. Installs wrk with apt when it is missing.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import re
import secrets
import shutil
import signal
import socket
import sqlite3
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from collections.abc import Sequence
from dataclasses import asdict, dataclass, field
from datetime import UTC, date, datetime
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

BENCH = Path(__file__).resolve().parent
ROOT = BENCH.parent
VENV_BIN = Path(sys.executable).parent
sys.path.insert(0, str(BENCH))

import load_catalog  # noqa: E402
import load_paths  # noqa: E402

LUA_SCRIPT = BENCH / "load.lua"
THREADS = 1
CONNECTIONS = 20
WORKERS = 2
WRK_TIMEOUT_S = 10  # a slower response counts as an error (wrk's default of 2 s hides tails)
PG_SERVER = "postgresql://postgres@127.0.0.1:5432"


@dataclass(frozen=True)
class Page:
    """One row of the table: which server, which paths, and the issue's target for it."""

    key: str
    label: str
    server: str  # "hello", "rows" or "shop"
    min_ratio: float | None = None  # of the bare sqlite3+Jinja page's requests/s
    max_p95_ms: float | None = None


# Issue 12's acceptance: product and listing pages >= 0.5 of the bare page, search >= 0.3,
# origin >= 0.6, product p95 <= 50 ms, no errors anywhere.
PAGES: tuple[Page, ...] = (
    Page("hello", "bare Flask hello", "hello"),
    Page("rows", "bare Flask, 24 rows sqlite3 + Jinja", "rows"),
    Page("home", "home", "shop"),
    Page("product_warm", "one product, cache warm", "shop", 0.5, 50),
    Page("listing", "random listing (filters, sorts, pages)", "shop", 0.5),
    Page("province", "random province page", "shop", 0.5),
    Page("product", "random product", "shop", 0.5, 50),
    Page("search", "random search (106 queries, Zipf)", "shop", 0.3),
    Page("origin", "random origin page /o/<code>", "shop", 0.6),
    Page("rows_end", "bare Flask, 24 rows (again, at the end)", "rows"),
)
PAGE_KEYS = {page.key: page for page in PAGES}


@dataclass
class Result:
    key: str
    label: str
    paths: int
    requests: int
    duration_s: float
    rps: float  # successful (2xx/3xx) responses per second
    p50_ms: float
    p95_ms: float
    p99_ms: float
    max_ms: float
    errors: dict[str, int]
    loadavg: float
    ratio_rows: float | None = None
    ratio_hello: float | None = None
    verdict: str = ""

    @property
    def error_total(self) -> int:
        return sum(self.errors.values())


@dataclass
class Run:
    db: str
    products: int
    seconds: float
    warmup_s: float
    started_at: str
    commit: str
    wrk_version: str
    load: dict[str, float] = field(default_factory=dict)
    statistics: list[dict] | None = None
    results: list[Result] = field(default_factory=list)
    bare_rows_rps: float = 0.0
    bare_hello_rps: float = 0.0
    loadavg_start: tuple[float, ...] = ()
    loadavg_end: tuple[float, ...] = ()
    app_log_errors: int = 0
    workdir: str = ""


# --- wrk ---------------------------------------------------------------------------------------


def ensure_wrk() -> str:
    """The wrk binary; installs Debian's package when missing (like `make browser`)."""
    found = shutil.which("wrk")
    if found:
        return found
    print("installing wrk (apt)", file=sys.stderr)
    env = {**os.environ, "DEBIAN_FRONTEND": "noninteractive"}
    subprocess.run(["apt-get", "update", "-qq"], env=env, check=False)
    subprocess.run(["apt-get", "install", "-y", "-qq", "wrk"], env=env, check=True)
    found = shutil.which("wrk")
    if not found:
        raise SystemExit("wrk is not installed and apt could not install it")
    return found


def wrk_version(wrk: str) -> str:
    out = subprocess.run([wrk, "--version"], capture_output=True, text=True, check=False)
    first = (out.stdout or out.stderr).splitlines()
    return first[0].split(" [")[0] if first else "wrk"


def parse_wrk_output(text: str) -> dict[str, float]:
    """The `WRK_JSON {...}` line that load.lua's done() prints."""
    for line in text.splitlines():
        if line.startswith("WRK_JSON "):
            return json.loads(line.removeprefix("WRK_JSON "))
    raise ValueError("wrk printed no WRK_JSON line:\n" + text[-2000:])


def run_wrk(
    wrk: str, base_url: str, paths_file: Path, seconds: float, seed: int
) -> dict[str, float]:
    command = [
        wrk,
        f"-t{THREADS}",
        f"-c{CONNECTIONS}",
        f"-d{max(1, round(seconds))}s",
        f"--timeout={WRK_TIMEOUT_S}s",
        "-s",
        str(LUA_SCRIPT),
        base_url,
        "--",
        str(paths_file),
        str(seed),
    ]
    out = subprocess.run(command, capture_output=True, text=True, check=False)
    if out.returncode != 0:
        raise RuntimeError(f"wrk failed ({out.returncode}): {out.stderr.strip()}")
    return parse_wrk_output(out.stdout)


def summarize(page: Page, raw: dict[str, float], paths: int, loadavg: float) -> Result:
    duration_s = raw["duration_us"] / 1e6
    status_errors = int(raw["status"])
    ok = max(0, int(raw["requests"]) - status_errors)
    return Result(
        key=page.key,
        label=page.label,
        paths=paths,
        requests=int(raw["requests"]),
        duration_s=duration_s,
        rps=ok / duration_s if duration_s else 0.0,
        p50_ms=raw["p50_us"] / 1000,
        p95_ms=raw["p95_us"] / 1000,
        p99_ms=raw["p99_us"] / 1000,
        max_ms=raw["max_us"] / 1000,
        errors={
            "non-2xx/3xx": status_errors,
            "timeout": int(raw["timeout"]),
            "connect": int(raw["connect"]),
            "read": int(raw["read"]),
            "write": int(raw["write"]),
        },
        loadavg=loadavg,
    )


# --- results -----------------------------------------------------------------------------------


def apply_ratios(results: Sequence[Result]) -> tuple[float, float]:
    """Set each row's ratios and verdict; return (bare rows req/s, bare hello req/s).

    The bare rows page is measured first and last; its mean is the reference, so drift of a
    shared machine during the run moves the reference with it.
    """
    rows = [r.rps for r in results if r.key in ("rows", "rows_end") and r.rps > 0]
    hello = [r.rps for r in results if r.key == "hello" and r.rps > 0]
    rows_rps = sum(rows) / len(rows) if rows else 0.0
    hello_rps = hello[0] if hello else 0.0
    for result in results:
        result.ratio_rows = result.rps / rows_rps if rows_rps else None
        result.ratio_hello = result.rps / hello_rps if hello_rps else None
        result.verdict = verdict(PAGE_KEYS.get(result.key), result)
    return rows_rps, hello_rps


def verdict(page: Page | None, result: Result) -> str:
    if result.error_total:
        return "**errors: not valid**"
    if page is None or (page.min_ratio is None and page.max_p95_ms is None):
        return ""
    misses, wants = [], []
    if page.min_ratio is not None:
        wants.append(f"≥ {page.min_ratio:.1f}×")
        if result.ratio_rows is None or result.ratio_rows < page.min_ratio:
            misses.append("ratio")
    if page.max_p95_ms is not None:
        wants.append(f"p95 ≤ {page.max_p95_ms:.0f} ms")
        if result.p95_ms > page.max_p95_ms:
            misses.append("p95")
    want = ", ".join(wants)
    return f"{want}: **missed** ({', '.join(misses)})" if misses else f"{want}: met"


def _errors_cell(result: Result) -> str:
    if not result.error_total:
        return "0"
    parts = ", ".join(f"{name} {count}" for name, count in result.errors.items() if count)
    return f"**{result.error_total}** ({parts})"


def _ratio(value: float | None) -> str:
    return "–" if value is None else f"{value:.2f}"


def format_table(results: Sequence[Result]) -> str:
    lines = [
        "| page | paths | req/s | p50 ms | p95 ms | p99 ms | errors | × bare rows | × hello "
        "| issue 12 target |",
        "|---|---:|---:|---:|---:|---:|---:|---:|---:|---|",
    ]
    for r in results:
        lines.append(
            f"| {r.label} | {r.paths:,} | {r.rps:,.0f} | {r.p50_ms:.1f} | {r.p95_ms:.1f} | "
            f"{r.p99_ms:.1f} | {_errors_cell(r)} | {_ratio(r.ratio_rows)} | "
            f"{_ratio(r.ratio_hello)} | {r.verdict} |"
        )
    return "\n".join(lines)


def format_report(run: Run) -> str:
    db = "SQLite" if run.db == "sqlite" else "PostgreSQL (right after the bulk import, no ANALYZE)"
    head = [
        f"{run.started_at[:10]}, commit {run.commit}, {db}, {run.products:,} products, "
        f"gunicorn -w {WORKERS} (sync), {run.wrk_version} -t{THREADS} -c{CONNECTIONS} "
        f"-d{run.seconds:g}s after {run.warmup_s:g} s warm-up per page, "
        f"load average {_loadavg(run.loadavg_start)} at start, {_loadavg(run.loadavg_end)} at end",
        "",
        format_table(run.results),
        "",
        f"Reference (mean of both runs of the bare rows page): {run.bare_rows_rps:,.0f} req/s; "
        f"bare hello {run.bare_hello_rps:,.0f} req/s.",
        f"Load: import {run.load.get('import_s', 0):.0f} s, "
        f"reindex {run.load.get('reindex_s', 0):.0f} s"
        + (f", {run.load['imported']:,.0f} rows imported" if "imported" in run.load else "")
        + ".",
    ]
    if run.statistics is not None:
        stats = "; ".join(
            f"{s['table']}: reltuples {s['reltuples']:.0f}, last analyze "
            f"{s['last_analyze'] or s['last_autoanalyze'] or 'never'}"
            for s in run.statistics
        )
        head.append(f"Planner statistics when measured: {stats}.")
    if run.app_log_errors:
        head.append(
            f"**The app logged {run.app_log_errors} error line(s)**: see {run.workdir}/shop.log."
        )
    return "\n".join(head)


def _loadavg(values: Sequence[float]) -> str:
    return " / ".join(f"{v:.1f}" for v in values) if values else "?"


def run_as_json(run: Run) -> str:
    data = asdict(run)
    for result, raw in zip(run.results, data["results"], strict=True):
        raw["error_total"] = result.error_total
    return json.dumps(data, ensure_ascii=False, indent=2)


# --- servers -----------------------------------------------------------------------------------


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def start_gunicorn(app: str, port: int, env: dict[str, str], cwd: Path, log: Path):
    handle = log.open("ab")
    return subprocess.Popen(
        [
            str(VENV_BIN / "gunicorn"),
            "-w",
            str(WORKERS),
            "-b",
            f"127.0.0.1:{port}",
            "--log-level",
            "warning",
            app,
        ],
        cwd=cwd,
        env=env,
        stdout=handle,
        stderr=subprocess.STDOUT,
    )


def wait_until_serving(url: str, server, timeout: float = 120) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if server.poll() is not None:
            raise RuntimeError(f"server for {url} exited with {server.returncode}")
        try:
            with urllib.request.urlopen(url, timeout=10) as response:  # noqa: S310
                if response.status < 400:
                    return
        except (OSError, urllib.error.HTTPError):
            time.sleep(0.3)
    raise RuntimeError(f"{url} did not answer within {timeout:.0f} s")


def stop(servers: Sequence) -> None:
    for server in servers:
        if server.poll() is None:
            server.send_signal(signal.SIGTERM)
    for server in servers:
        try:
            server.wait(timeout=20)
        except subprocess.TimeoutExpired:
            server.kill()
            server.wait()


def check_paths(base_url: str, paths: Sequence[str], sample: int = 5) -> list[str]:
    """Fetch the first few paths once; return problems (a path file that 404s is a bug here)."""
    problems = []
    for path in paths[:sample]:
        request = urllib.request.Request(base_url + path, headers={"Accept-Language": "vi"})
        try:
            with urllib.request.urlopen(request, timeout=60) as response:  # noqa: S310
                response.read()
        except urllib.error.HTTPError as error:
            problems.append(f"{path}: HTTP {error.code}")
        except OSError as error:
            problems.append(f"{path}: {error}")
    return problems


# --- databases ---------------------------------------------------------------------------------


def default_pg_url(products: int) -> str:
    name = f"loadbench_{products // 1000}k" if products % 1000 == 0 else f"loadbench_{products}"
    return f"{PG_SERVER}/{name}"


def sqlalchemy_url(url: str) -> str:
    if url.startswith("postgresql://"):
        return "postgresql+psycopg://" + url.removeprefix("postgresql://")
    return url


def recreate_pg_database(url: str) -> None:
    """Drop and create the database named in `url` (only benchmark databases)."""
    import psycopg

    parts = urlsplit(url)
    name = parts.path.lstrip("/")
    if not re.fullmatch(r"[a-z0-9_]*bench[a-z0-9_]*", name):
        raise SystemExit(f"refusing to recreate {name!r}: use a database named like loadbench_*")
    admin = urlunsplit(parts._replace(path="/postgres"))
    with psycopg.connect(admin, autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        conn.execute(f'CREATE DATABASE "{name}"')


def pg_statistics(url: str) -> list[dict]:
    """What the planner knows about the catalog tables (reltuples -1: never analyzed)."""
    from sqlalchemy import create_engine, text

    engine = create_engine(sqlalchemy_url(url))
    try:
        with engine.connect() as conn:
            rows = conn.execute(
                text(
                    "SELECT s.relname, c.reltuples, s.n_live_tup, s.last_analyze, "
                    "s.last_autoanalyze FROM pg_stat_user_tables s "
                    "JOIN pg_class c ON c.oid = s.relid "
                    "WHERE s.relname IN ('product', 'producer', 'certificate') ORDER BY 1"
                )
            ).all()
    finally:
        engine.dispose()
    return [
        {
            "table": row[0],
            "reltuples": float(row[1]),
            "n_live_tup": int(row[2]),
            "last_analyze": row[3].isoformat() if row[3] else None,
            "last_autoanalyze": row[4].isoformat() if row[4] else None,
        }
        for row in rows
    ]


def catalog_keys(url: str) -> tuple[list[str], list[str], list[tuple[str, str, int]]]:
    """Product slugs and origin codes (in SKU order), and rows for the bare page's database."""
    from sqlalchemy import create_engine, text

    engine = create_engine(sqlalchemy_url(url))
    try:
        with engine.connect() as conn:
            rows = conn.execute(
                text("SELECT slug, origin_code, name, price_vnd FROM product ORDER BY sku")
            ).all()
    finally:
        engine.dispose()
    return (
        [r[0] for r in rows],
        [r[1] for r in rows],
        [(r[0], r[2], int(r[3])) for r in rows],
    )


def build_bare_db(path: Path, rows: Sequence[tuple[str, str, int]]) -> None:
    path.unlink(missing_ok=True)
    with sqlite3.connect(path) as conn:
        conn.execute(
            "CREATE TABLE product (id INTEGER PRIMARY KEY, slug TEXT, name TEXT, price_vnd INTEGER)"
        )
        conn.executemany("INSERT INTO product (slug, name, price_vnd) VALUES (?, ?, ?)", rows)
    conn.close()


def flask(env: dict[str, str], *args: str) -> float:
    """Run `flask --app wsgi …` as an operator would; return its wall time in seconds."""
    started = time.perf_counter()
    out = subprocess.run(
        [str(VENV_BIN / "flask"), "--app", "wsgi", *args],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    if out.returncode != 0:
        raise RuntimeError(f"flask {' '.join(args)} failed:\n{out.stdout}\n{out.stderr[-3000:]}")
    return time.perf_counter() - started


def load_catalog_into(env: dict[str, str], workdir: Path, products: int, seed: int) -> dict:
    csv_path = workdir / "catalog.csv"
    count = load_catalog.write_catalog_csv(csv_path, products, today=_today_vietnam(), seed=seed)
    flask(env, "db", "upgrade")
    started = time.perf_counter()
    out = subprocess.run(
        [str(VENV_BIN / "flask"), "--app", "wsgi", "catalog", "import", str(csv_path)],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    import_s = time.perf_counter() - started
    summary = out.stdout.strip().splitlines()[-1:] or [""]
    if out.returncode != 0 or f"created {count}," not in summary[0]:
        raise RuntimeError(f"import failed: {summary[0]}\n{out.stderr[-3000:]}")
    # With no index yet the importer queues every id as pending; the full rebuild below reads
    # them all anyway, and applying the queue after it would rewrite every document again.
    shutil.rmtree(env["SEARCH_INDEX_DIR"] + ".pending", ignore_errors=True)
    reindex_s = flask(env, "search", "reindex")
    return {"imported": float(count), "import_s": import_s, "reindex_s": reindex_s}


def _today_vietnam() -> date:
    from zoneinfo import ZoneInfo

    return datetime.now(ZoneInfo("Asia/Ho_Chi_Minh")).date()


def province_slugs_from(base_url: str) -> list[str]:
    """The province pages the home page links to (those with products for sale)."""
    with urllib.request.urlopen(base_url + "/", timeout=60) as response:  # noqa: S310
        html = response.read().decode("utf-8")
    return sorted(set(re.findall(r'href="/provinces/([a-z0-9-]+)"', html)))


def git_commit() -> str:
    def git(*args: str) -> str:
        out = subprocess.run(["git", *args], cwd=ROOT, capture_output=True, text=True, check=False)
        return out.stdout.strip()

    commit = git("rev-parse", "--short", "HEAD") or "unknown"
    return commit + ("+dirty" if git("status", "--porcelain", "--untracked-files=no") else "")


# --- the run -----------------------------------------------------------------------------------


def build_path_files(
    workdir: Path,
    *,
    slugs: Sequence[str],
    codes: Sequence[str],
    province_slugs: Sequence[str],
    products: int,
    seed: int,
) -> dict[str, Path]:
    rng = random.Random(seed)
    n = max(2000, min(products, 20_000))
    files = {
        "hello": ["/"],
        "rows": ["/"],
        "home": ["/"],
        "product_warm": [f"/products/{slugs[0]}"],
        "listing": load_paths.listing_paths(
            n, rng, products=products, province_slugs=province_slugs
        ),
        "province": load_paths.province_paths(
            n, rng, products=products, province_slugs=province_slugs
        ),
        "product": load_paths.every_once("/products/", slugs, rng),
        "search": load_paths.search_paths(n, rng, province_slugs),
        "origin": load_paths.every_once("/o/", codes, rng),
    }
    files["rows_end"] = files["rows"]
    return {
        key: load_paths.write_paths(workdir / f"paths-{key}.txt", paths)
        for key, paths in files.items()
    }


def base_env(workdir: Path, database_url: str, shop_url: str, extra: Sequence[str]) -> dict:
    env = dict(os.environ)
    env.pop("FLASK_DEBUG", None)
    env.update(
        APP_ENV="production",
        SECRET_KEY=secrets.token_hex(32),
        PUBLIC_BASE_URL=shop_url,
        DATABASE_URL=database_url,
        SEARCH_INDEX_DIR=str(workdir / "index"),
        MEDIA_ROOT=str(workdir / "media"),
        CERTIFICATE_SCAN_ROOT=str(workdir / "scans"),
        PYTHONPATH=str(ROOT),
    )
    for item in extra:
        key, _, value = item.partition("=")
        env[key] = value
    return env


def measure(args: argparse.Namespace) -> Run:
    wrk = ensure_wrk()
    workdir = Path(args.workdir or tempfile.mkdtemp(prefix="ocop-load-"))
    workdir.mkdir(parents=True, exist_ok=True)
    run = Run(
        db=args.db,
        products=args.products,
        seconds=args.seconds,
        warmup_s=args.warmup,
        started_at=datetime.now(UTC).isoformat(timespec="seconds"),
        commit=git_commit(),
        wrk_version=wrk_version(wrk),
        workdir=str(workdir),
    )
    if args.db == "sqlite":
        database_url = f"sqlite:///{workdir / 'shop.sqlite3'}"
        Path(workdir / "shop.sqlite3").unlink(missing_ok=True)
    else:
        database_url = args.database_url or default_pg_url(args.products)
        recreate_pg_database(database_url)
    shutil.rmtree(workdir / "index", ignore_errors=True)
    shutil.rmtree(workdir / "index.pending", ignore_errors=True)
    for old in workdir.glob("index.gen-*"):
        shutil.rmtree(old, ignore_errors=True)
    ports = {"shop": free_port(), "hello": free_port(), "rows": free_port()}
    shop_url = f"http://127.0.0.1:{ports['shop']}"
    env = base_env(workdir, database_url, shop_url, args.env)

    log(f"loading {args.products:,} products ({args.db}) …")
    run.load = load_catalog_into(env, workdir, args.products, args.seed)
    log(f"import {run.load['import_s']:.0f} s, reindex {run.load['reindex_s']:.0f} s")
    slugs, codes, bare_rows = catalog_keys(database_url)
    build_bare_db(workdir / "bare.sqlite3", bare_rows)
    if args.db == "postgresql":
        run.statistics = pg_statistics(database_url)

    shop_log = workdir / "shop.log"
    shop_log.unlink(missing_ok=True)
    bare_env = {**env, "BARE_DB": str(workdir / "bare.sqlite3")}
    servers = {
        "shop": start_gunicorn("wsgi:app", ports["shop"], env, ROOT, shop_log),
        "hello": start_gunicorn(
            "bare_app:hello_app", ports["hello"], bare_env, BENCH, workdir / "bare.log"
        ),
        "rows": start_gunicorn(
            "bare_app:rows_app", ports["rows"], bare_env, BENCH, workdir / "bare.log"
        ),
    }
    try:
        for name, server in servers.items():
            wait_until_serving(f"http://127.0.0.1:{ports[name]}/", server)
        province_slugs = province_slugs_from(shop_url)
        if not province_slugs:
            raise RuntimeError("the home page links no province: is anything for sale?")
        files = build_path_files(
            workdir,
            slugs=slugs,
            codes=codes,
            province_slugs=province_slugs,
            products=args.products,
            seed=args.seed,
        )
        selected = [p for p in PAGES if p.key in args.pages or p.server != "shop"]
        for page in selected:
            if page.server == "shop":
                paths = files[page.key].read_text(encoding="utf-8").splitlines()
                problems = check_paths(shop_url, paths)
                if problems:
                    raise RuntimeError(f"{page.key}: " + "; ".join(problems))
        run.loadavg_start = os.getloadavg()
        for number, page in enumerate(selected):
            base_url = f"http://127.0.0.1:{ports[page.server]}"
            paths_file = files[page.key]
            if args.warmup > 0:
                run_wrk(wrk, base_url, paths_file, args.warmup, seed=args.seed + 1000 + number)
            raw = run_wrk(wrk, base_url, paths_file, args.seconds, seed=args.seed + number)
            line_count = sum(1 for _ in paths_file.open(encoding="utf-8"))
            result = summarize(page, raw, line_count, os.getloadavg()[0])
            run.results.append(result)
            log(
                f"{page.label}: {result.rps:,.0f} req/s, p95 {result.p95_ms:.1f} ms, "
                f"errors {result.error_total}"
            )
        run.loadavg_end = os.getloadavg()
    finally:
        stop(list(servers.values()))
    run.bare_rows_rps, run.bare_hello_rps = apply_ratios(run.results)
    run.app_log_errors = count_error_lines(shop_log)
    return run


def count_error_lines(log_path: Path) -> int:
    if not log_path.exists():
        return 0
    text = log_path.read_text(encoding="utf-8", errors="replace")
    return sum(1 for line in text.splitlines() if "ERROR" in line or "Traceback" in line)


def log(message: str) -> None:
    print(f"[load] {message}", file=sys.stderr, flush=True)


def parse_args(argv: Sequence[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        description=__doc__.splitlines()[0], formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--db", choices=("sqlite", "postgresql"), default="sqlite")
    parser.add_argument(
        "--database-url",
        help="PostgreSQL database to (re)create and use "
        "(default postgresql://postgres@127.0.0.1:5432/loadbench_<N>k)",
    )
    parser.add_argument("--products", type=int, default=None, help="catalog size (20000)")
    parser.add_argument("--seconds", type=float, default=None, help="measured per page (20)")
    parser.add_argument("--warmup", type=float, default=None, help="unmeasured per page (2)")
    parser.add_argument(
        "--quick", action="store_true", help="smoke run: 2,000 products, 5 s per page"
    )
    parser.add_argument(
        "--pages",
        default=",".join(p.key for p in PAGES if p.server == "shop"),
        help="shop pages to measure, comma-separated (the bare pages always run)",
    )
    parser.add_argument("--seed", type=int, default=20_000)
    parser.add_argument(
        "--json", metavar="PATH", help="also write the results as JSON ('-': stdout)"
    )
    parser.add_argument("--workdir", help="keep files here (default: a temporary folder)")
    parser.add_argument("--keep", action="store_true", help="keep the temporary folder")
    parser.add_argument(
        "--env",
        action="append",
        default=[],
        metavar="KEY=VALUE",
        help="extra environment for the shop (e.g. FRAGMENT_CACHE_ENTRIES=0); repeatable",
    )
    args = parser.parse_args(argv)
    args.products = args.products or (2000 if args.quick else 20_000)
    args.seconds = args.seconds or (5.0 if args.quick else 20.0)
    args.warmup = args.warmup if args.warmup is not None else (1.0 if args.quick else 2.0)
    args.pages = [key.strip() for key in args.pages.split(",") if key.strip()]
    unknown = [key for key in args.pages if key not in PAGE_KEYS]
    if unknown:
        parser.error(f"unknown page(s) {', '.join(unknown)}; choose from {', '.join(PAGE_KEYS)}")
    if args.products < 30:
        parser.error("--products must be at least 30")
    return args


def main(argv: Sequence[str] | None = None) -> int:
    args = parse_args(argv)
    run = measure(args)
    print(format_report(run))
    if args.json:
        text = run_as_json(run)
        if args.json == "-":
            print(text)
        else:
            Path(args.json).write_text(text + "\n", encoding="utf-8")
    if not args.workdir and not args.keep:
        shutil.rmtree(run.workdir, ignore_errors=True)
    failed = [r for r in run.results if r.error_total] or run.app_log_errors
    return 1 if failed else 0


if __name__ == "__main__":
    raise SystemExit(main())
