"""What the load benchmark asks for: realistic, skewed, valid paths, drawn at random by wrk."""

from __future__ import annotations

import random
import shutil
import subprocess
import threading
import time
from collections import Counter
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import load_paths
import load_report
import pytest

PROVINCES = ["vinh-long", "ha-noi", "quang-ninh", "lao-cai"]


def test_at_least_80_distinct_shopper_queries():
    assert len(load_paths.QUERIES) >= 80
    assert len(set(load_paths.QUERIES)) == len(load_paths.QUERIES)
    assert any(q.isascii() for q in load_paths.QUERIES)  # typed without marks / English
    assert any(not q.isascii() for q in load_paths.QUERIES)


def test_popular_queries_repeat_as_in_a_search_log():
    paths = load_paths.search_paths(5000, random.Random(1), PROVINCES)
    queries = Counter(parse_qs(urlsplit(p).query)["q"][0] for p in paths)
    ranked = [count for _, count in queries.most_common()]
    assert queries.most_common(1)[0][0] == load_paths.QUERIES[0]
    assert ranked[0] >= 10 * ranked[len(ranked) // 2]  # a head and a long tail
    assert len(queries) >= 80
    assert all(p.startswith("/search?q=") for p in paths)


def test_listing_paths_use_only_valid_filters_and_mostly_early_pages():
    paths = load_paths.listing_paths(
        3000, random.Random(2), products=20_000, province_slugs=PROVINCES
    )
    args = [parse_qs(urlsplit(p).query) for p in paths]
    assert all(p.startswith("/products") for p in paths)
    assert {a["province"][0] for a in args if "province" in a} <= set(PROVINCES)
    assert {a["group"][0] for a in args if "group" in a} <= set(load_paths.GROUPS)
    assert {a["stars"][0] for a in args if "stars" in a} == {"3", "4", "5"}
    pages = [int(a.get("page", ["1"])[0]) for a in args]
    assert sum(page == 1 for page in pages) > len(pages) / 2
    assert max(pages) > 100  # the deep pages crawlers reach
    assert max(pages) <= 20_000 // 24 + 1
    assert len(set(paths)) > 1000  # a long tail: a 512-entry cache cannot hold it


def test_province_and_catalog_wide_paths():
    rng = random.Random(3)
    province = load_paths.province_paths(500, rng, products=2000, province_slugs=PROVINCES)
    assert all(p.split("?")[0].removeprefix("/provinces/") in PROVINCES for p in province)
    products = load_paths.every_once("/products/", ["a", "b", "c"], rng)
    assert sorted(products) == ["/products/a", "/products/b", "/products/c"]


def test_a_paths_file_holds_one_path_per_line(tmp_path):
    with pytest.raises(ValueError):
        load_paths.write_paths(tmp_path / "x.txt", [])
    with pytest.raises(ValueError):
        load_paths.write_paths(tmp_path / "x.txt", ["/a\n/b"])
    written = load_paths.write_paths(tmp_path / "x.txt", ["/a", "/b"])
    assert written.read_text() == "/a\n/b\n"


class _Recorder(BaseHTTPRequestHandler):
    """Answers 200, or 404 for paths under /missing; records what it was asked."""

    seen: Counter = Counter()
    lock = threading.Lock()

    def do_GET(self):  # noqa: N802 - http.server's name
        with self.lock:
            self.seen[self.path] += 1
        if self.path.startswith("/hang"):
            time.sleep(4)  # longer than the run: wrk itself would count nothing
        status = 404 if self.path.startswith("/missing") else 200
        body = b"ok"
        self.send_response(status)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args):
        pass


class _QuietServer(ThreadingHTTPServer):
    daemon_threads = True

    def handle_error(self, request, client_address):
        pass  # wrk drops its connections mid-request when its time is up


@pytest.fixture
def recorder():
    _Recorder.seen = Counter()
    server = _QuietServer(("127.0.0.1", 0), _Recorder)
    thread = threading.Thread(target=server.serve_forever, args=(0.02,), daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}", _Recorder.seen
    server.shutdown()
    server.server_close()


def _wrk(url: str, paths_file: Path, *, seconds: int = 1, timeout_s: int = 5) -> dict:
    wrk = shutil.which("wrk")
    if wrk is None:
        pytest.skip("wrk is not installed (make wrk)")
    lua = Path(load_paths.__file__).with_name("load.lua")
    out = subprocess.run(
        [
            wrk,
            "-t1",
            "-c2",
            f"-d{seconds}s",
            f"--timeout={timeout_s}s",
            "-s",
            str(lua),
            url,
            "--",
            str(paths_file),
            "7",
            str(timeout_s),
        ],
        capture_output=True,
        text=True,
        timeout=60,
        check=True,
    )
    return load_report.parse_wrk_output(out.stdout)


def test_the_lua_script_draws_random_lines_of_the_paths_file(tmp_path, recorder):
    url, seen = recorder
    wanted = [f"/products/p-{n}" for n in range(50)]
    raw = _wrk(url, load_paths.write_paths(tmp_path / "paths.txt", wanted))
    assert set(seen) <= set(wanted)
    assert len(seen) >= 10  # random draws, not the first line over and over
    assert raw["requests"] >= sum(seen.values()) - 2  # (requests in flight at the end)
    assert raw["status"] == 0 and raw["p50_us"] > 0 and raw["p99_us"] >= raw["p50_us"]


def test_errors_are_counted_and_a_failing_page_does_not_look_fast(tmp_path, recorder):
    url, seen = recorder
    paths = load_paths.write_paths(tmp_path / "paths.txt", ["/ok", "/missing"])
    raw = _wrk(url, paths)
    missing = seen["/missing"]
    assert missing > 0 and missing - 2 <= raw["status"] <= missing  # (in flight at the end)
    result = load_report.summarize(load_report.PAGE_KEYS["product"], raw, 2, 0.0)
    assert result.errors["non-2xx/3xx"] == raw["status"]
    assert result.rps == pytest.approx(
        (raw["requests"] - raw["status"]) / (raw["duration_us"] / 1e6)
    )
    load_report.apply_ratios([result])
    assert result.verdict == "**errors: not valid**"


def test_requests_never_answered_count_as_errors(tmp_path, recorder):
    url, seen = recorder
    raw = _wrk(
        url, load_paths.write_paths(tmp_path / "paths.txt", ["/hang"]), seconds=2, timeout_s=1
    )
    assert raw["requests"] == 0 and raw["timeout"] == 0  # what wrk alone reports
    assert raw["unanswered"] == 2 == seen["/hang"]
    result = load_report.summarize(load_report.PAGE_KEYS["listing"], raw, 1, 0.0)
    assert result.errors["unanswered"] == 2 and result.rps == 0
    load_report.apply_ratios([result])
    assert result.verdict == "**errors: not valid**"
