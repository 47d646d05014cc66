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
   statistics the import left (the importer analyzes the tables it filled; this script runs
   no ANALYZE of its own);
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
from datetime import UTC, date, datetime
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

BENCH = Path(__file__).resolve().parent
ROOT = BENCH.parent
VENV_BIN = Path(sys.executable).parent
sys.path.insert(0, str(BENCH))

import load_catalog  # noqa: E402
import load_paths  # noqa: E402
from load_report import (  # noqa: E402
    CONNECTIONS,
    PAGE_KEYS,
    PAGES,
    THREADS,
    WORKERS,
    Run,
    apply_ratios,
    format_report,
    parse_wrk_output,
    run_as_json,
    summarize,
)

LUA_SCRIPT = BENCH / "load.lua"
WRK_TIMEOUT_S = 10  # a slower response counts as an error (wrk's default of 2 s hides tails)
PG_SERVER = "postgresql://postgres@127.0.0.1:5432"


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
        str(WRK_TIMEOUT_S),
    ]
    out = subprocess.run(command, capture_output=True, text=True, check=False)
    if out.returncode != 0:
        raise RuntimeError(f"wrk failed ({out.returncode}): {out.stderr.strip()}")
    return parse_wrk_output(out.stdout)


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


def _cpu_seconds_of_children(parent: int) -> float:
    """CPU seconds (user + system) used so far by the processes whose parent is `parent`."""
    ticks = 0
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            with open(f"/proc/{entry}/stat", encoding="ascii") as handle:
                fields = handle.read().rsplit(")", 1)[1].split()
        except OSError:
            continue
        if int(fields[1]) == parent:  # fields after "(comm)": state, ppid, …, utime, stime
            ticks += int(fields[11]) + int(fields[12])
    return ticks / os.sysconf("SC_CLK_TCK")


def wait_until_idle(server, window: float = 2.0, share: float = 0.05, timeout: float = 300) -> float:
    """Wait until the shop's workers use less than `share` of a core over `window` seconds:
    after start-up and the path checks they load the for-sale snapshot, warm the searcher and
    catch up with the import in background threads, and that CPU would be taken from whatever
    page is measured next (the bare pages come first). Returns the seconds waited."""
    started = time.monotonic()
    before = _cpu_seconds_of_children(server.pid)
    while time.monotonic() - started < timeout:
        time.sleep(window)
        after = _cpu_seconds_of_children(server.pid)
        if after - before < share * window:
            return time.monotonic() - started
        before = after
    log(f"the shop's workers were still busy after {timeout:.0f} s")
    return time.monotonic() - started


def answers(url: str, within: float) -> bool:
    """Whether `url` answers (any status) within `within` seconds."""
    try:
        with urllib.request.urlopen(url, timeout=within) as response:  # noqa: S310
            response.read()
        return True
    except urllib.error.HTTPError:
        return True
    except OSError:
        return False


def stop(servers: Sequence, *, quick: bool = False) -> None:
    """Stop gunicorn masters: TERM waits for requests in progress, QUIT does not."""
    for server in servers:
        if server.poll() is None:
            server.send_signal(signal.SIGQUIT if quick else signal.SIGTERM)
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


def within_last_page(base_url: str, path_file: Path) -> int:
    """Listing and search paths past their last page answer 404 (as they should): replace each
    such path by its first page, so every request measured is a page. Returns how many."""
    from concurrent.futures import ThreadPoolExecutor
    from urllib.parse import parse_qsl, urlencode

    paths = path_file.read_text(encoding="utf-8").splitlines()
    deep = sorted({p for p in paths if "page=" in p})

    def status(path: str) -> int:
        request = urllib.request.Request(base_url + path, headers={"Accept-Language": "vi"})
        try:
            with urllib.request.urlopen(request, timeout=60) as response:  # noqa: S310
                response.read()
                return response.status
        except urllib.error.HTTPError as error:
            return error.code

    with ThreadPoolExecutor(max_workers=4) as pool:
        missing = {p for p, code in zip(deep, pool.map(status, deep), strict=True) if code == 404}

    def first_page(path: str) -> str:
        base, _, query = path.partition("?")
        args = [(k, v) for k, v in parse_qsl(query) if k != "page"]
        return base + ("?" + urlencode(args) if args else "")

    fixed = [first_page(p) if p in missing else p for p in paths]
    load_paths.write_paths(path_file, fixed)
    return sum(1 for p in paths if p in missing)


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
        # The shop reads gunicorn.conf.py from its folder; run it with the same worker model
        # as the bare pages (sync workers, no access log) so the ratios compare the apps.
        GUNICORN_THREADS="1",
        GUNICORN_ACCESS_LOG="off",
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
            health = "/healthz" if name == "shop" else "/"
            wait_until_serving(f"http://127.0.0.1:{ports[name]}{health}", server)
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
        for key in ("listing", "province", "search"):
            if key in args.pages:
                replaced = within_last_page(shop_url, files[key])
                log(f"{key}: {replaced} paths past their last page (404) asked as page 1")
        for page in selected:
            if page.server == "shop":
                paths = files[page.key].read_text(encoding="utf-8").splitlines()
                problems = check_paths(shop_url, paths)
                if problems:
                    raise RuntimeError(f"{page.key}: " + "; ".join(problems))
        run.shop_idle_after_s = round(wait_until_idle(servers["shop"]), 1)
        log(f"shop workers idle after {run.shop_idle_after_s:.0f} s")
        run.loadavg_start = os.getloadavg()
        for number, page in enumerate(selected):
            base_url = f"http://127.0.0.1:{ports[page.server]}"
            paths_file = files[page.key]
            if args.warmup > 0:
                run_wrk(wrk, base_url, paths_file, args.warmup, seed=args.seed + 1000 + number)
            raw = run_wrk(wrk, base_url, paths_file, args.seconds, seed=args.seed + number)
            distinct = len(set(paths_file.read_text(encoding="utf-8").splitlines()))
            result = summarize(page, raw, distinct, os.getloadavg()[0])
            run.results.append(result)
            if page.server == "shop" and not answers(shop_url + "/healthz", within=15):
                # Its workers are still busy with requests wrk gave up on (gunicorn kills a
                # worker only after 30 s): the next page would measure this page's backlog.
                stop([servers["shop"]], quick=True)
                servers["shop"] = start_gunicorn("wsgi:app", ports["shop"], env, ROOT, shop_log)
                wait_until_serving(shop_url + "/healthz", servers["shop"])
                result.note = "the shop stopped answering; restarted after this page"
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
