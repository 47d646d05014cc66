"""The load benchmark's table: ratios to the bare pages of the same run, targets, errors."""

from __future__ import annotations

import json

import load_report
import pytest


def _raw(requests: int, *, seconds: float = 10, status: int = 0, timeout: int = 0, p95_ms=20):
    return {
        "requests": requests,
        "duration_us": seconds * 1e6,
        "bytes": 1,
        "connect": 0,
        "read": 0,
        "write": 0,
        "status": status,
        "timeout": timeout,
        "p50_us": 10_000,
        "p90_us": 15_000,
        "p95_us": p95_ms * 1000,
        "p99_us": 40_000,
        "max_us": 90_000,
        "mean_us": 12_000.0,
    }


def _results(**overrides):
    raws = {
        "hello": _raw(30_000),
        "rows": _raw(11_000),
        "product": _raw(6_000, p95_ms=30),
        "search": _raw(2_000),
        "origin": _raw(5_000),
        "rows_end": _raw(9_000),
    }
    raws.update(overrides)
    return [
        load_report.summarize(load_report.PAGE_KEYS[key], raw, 100, 1.0)
        for key, raw in raws.items()
    ]


def test_ratios_use_the_mean_of_both_bare_rows_runs_and_the_hello_run():
    results = _results()
    rows_rps, hello_rps = load_report.apply_ratios(results)
    assert rows_rps == pytest.approx(1000) and hello_rps == pytest.approx(3000)
    product = next(r for r in results if r.key == "product")
    assert product.ratio_rows == pytest.approx(0.6)
    assert product.ratio_hello == pytest.approx(0.2)


def test_the_verdict_follows_the_issue_targets():
    results = _results(product=_raw(6_000, p95_ms=80))
    load_report.apply_ratios(results)
    verdicts = {r.key: r.verdict for r in results}
    assert verdicts["product"] == "≥ 0.5×, p95 ≤ 50 ms: **missed** (p95)"
    assert verdicts["search"] == "≥ 0.3×: **missed** (ratio)"
    assert verdicts["origin"] == "≥ 0.6×: **missed** (ratio)"
    assert verdicts["rows"] == ""
    passing = _results()
    load_report.apply_ratios(passing)
    assert next(r for r in passing if r.key == "product").verdict == "≥ 0.5×, p95 ≤ 50 ms: met"


def test_a_page_with_errors_is_marked_and_counts_only_good_responses():
    results = _results(search=_raw(2_000, status=500, timeout=3))
    load_report.apply_ratios(results)
    search = next(r for r in results if r.key == "search")
    assert search.rps == pytest.approx(150)
    assert search.error_total == 503
    assert search.verdict == "**errors: not valid**"
    line = next(line for line in load_report.format_table(results).splitlines() if "search" in line)
    assert "**503** (non-2xx/3xx 500, timeout 3)" in line


def test_the_table_is_markdown_with_one_row_per_page():
    results = _results()
    load_report.apply_ratios(results)
    lines = load_report.format_table(results).splitlines()
    assert lines[0].startswith(
        "| page | distinct paths | req/s | p50 ms | p95 ms | p99 ms | errors |"
    )
    assert lines[1].count("|") == lines[0].count("|")
    assert len(lines) == 2 + len(results)
    product = next(line for line in lines if line.startswith("| random product |"))
    assert "| 600 | 10.0 | 30.0 | 40.0 | 0 | 0.60 | 0.20 |" in product


def test_the_report_and_json_say_what_was_measured():
    run = load_report.Run(
        db="postgresql",
        products=20_000,
        seconds=20,
        warmup_s=2,
        started_at="2026-12-01T22:00:00+00:00",
        commit="abc1234",
        wrk_version="wrk 4.1.0",
        load={"imported": 20_000.0, "import_s": 96.0, "reindex_s": 70.0},
        statistics=[
            {
                "table": "product",
                "reltuples": -1.0,
                "n_live_tup": 20000,
                "last_analyze": None,
                "last_autoanalyze": None,
            }
        ],
        results=_results(),
        loadavg_start=(3.0, 2.0, 1.0),
        loadavg_end=(4.0, 3.0, 2.0),
    )
    run.bare_rows_rps, run.bare_hello_rps = load_report.apply_ratios(run.results)
    text = load_report.format_report(run)
    assert text.startswith("2026-12-01, commit abc1234, PostgreSQL (right after the bulk import")
    assert "product: reltuples -1, last analyze never" in text
    assert "import 96 s, reindex 70 s" in text
    data = json.loads(load_report.run_as_json(run))
    assert [r["key"] for r in data["results"]] == [r.key for r in run.results]
    assert data["results"][0]["error_total"] == 0 and data["bare_rows_rps"] == pytest.approx(1000)


def test_wrk_output_without_the_summary_line_is_an_error():
    with pytest.raises(ValueError):
        load_report.parse_wrk_output("Running 1s test @ http://x\n")
    assert load_report.parse_wrk_output('x\nWRK_JSON {"requests": 3}\n') == {"requests": 3}
