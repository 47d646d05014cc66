"""The load benchmark's pages, results and report (table and JSON); no processes here.

The table states speed as a ratio to bare pages measured in the same run, with the latency
distribution wrk recorded and every error counted: requests/s counts successful (2xx/3xx)
responses only, and a page with any error is marked "not valid" whatever its speed.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import asdict, dataclass, field

from load_paths import QUERIES

THREADS = 1
CONNECTIONS = 20
WORKERS = 2


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
    Page("search", f"random search ({len(QUERIES)} queries, Zipf)", "shop", 0.3),
    Page("origin", "random origin page /o/<code>", "shop", 0.6),
    Page("rows_end", "bare Flask, 24 rows (again, at the end)", "rows"),
)
PAGE_KEYS = {page.key: page for page in PAGES}


@dataclass
class Result:
    key: str
    label: str
    distinct_paths: int
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
    note: str = ""  # e.g. "shop restarted after this page: it stopped answering"

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
    shop_idle_after_s: float = 0.0  # waited for the shop's background start-up work
    app_log_errors: int = 0
    workdir: str = ""


def parse_wrk_output(text: str) -> dict[str, float]:
    """The `WRK_JSON {...}` line that load.lua's done() prints."""
    for line in text.splitlines():
        if line.startswith("WRK_JSON "):
            return json.loads(line.removeprefix("WRK_JSON "))
    raise ValueError("wrk printed no WRK_JSON line:\n" + text[-2000:])


def summarize(page: Page, raw: dict[str, float], distinct_paths: int, loadavg: float) -> Result:
    duration_s = raw["duration_us"] / 1e6
    status_errors = int(raw["status"])
    ok = max(0, int(raw["requests"]) - status_errors)
    return Result(
        key=page.key,
        label=page.label,
        distinct_paths=distinct_paths,
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
            # Sent more than the timeout before the end and never answered (see load.lua);
            # a connection has at most one request open, whatever the script's count says.
            "unanswered": min(int(raw.get("unanswered", 0)), CONNECTIONS),
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
        "| page | distinct paths | req/s | p50 ms | p95 ms | p99 ms | errors | × bare rows | × hello "
        "| issue 12 target |",
        "|---|---:|---:|---:|---:|---:|---:|---:|---:|---|",
    ]
    for r in results:
        lines.append(
            f"| {r.label} | {r.distinct_paths:,} | {r.rps:,.0f} | {r.p50_ms:.1f} | {r.p95_ms:.1f} | "
            f"{r.p99_ms:.1f} | {_errors_cell(r)} | {_ratio(r.ratio_rows)} | "
            f"{_ratio(r.ratio_hello)} | {r.verdict} |"
        )
    return "\n".join(lines)


def format_report(run: Run) -> str:
    db = (
        "SQLite"
        if run.db == "sqlite"
        else "PostgreSQL (right after the bulk import, no manual ANALYZE)"
    )
    head = [
        f"{run.started_at[:10]}, commit {run.commit}, {db}, {run.products:,} products, "
        f"gunicorn -w {WORKERS} (sync), {run.wrk_version} -t{THREADS} -c{CONNECTIONS} "
        f"-d{run.seconds:g}s after {run.warmup_s:g} s warm-up per page, "
        f"load average {_loadavg(run.loadavg_start)} at start, {_loadavg(run.loadavg_end)} at end; "
        f"measured once the shop's workers were idle ({run.shop_idle_after_s:g} s after the path "
        "checks)",
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
    head += [f"{r.label}: {r.note}." for r in run.results if r.note]
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
