"""A whole load-benchmark run on a tiny catalog: import, reindex, gunicorn, wrk, table, JSON.

Checks what a run produces (every page answered, no errors, a complete table), never speed.
The real benchmark (20,000 products) runs with `make bench-load`, not in the test suite.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import load_report
import pytest

LOAD = Path(load_report.__file__).with_name("load.py")


@pytest.mark.skipif(shutil.which("wrk") is None, reason="wrk is not installed (make wrk)")
@pytest.mark.skipif(
    bool(os.environ.get("TEST_DATABASE_URL")),
    reason="runs once, in the SQLite pass (it makes its own SQLite database, not the test one)",
)
def test_a_quick_run_on_a_tiny_catalog_measures_every_page(tmp_path):
    out = subprocess.run(
        [
            sys.executable,
            str(LOAD),
            "--products",
            "40",
            "--seconds",
            "1",
            "--warmup",
            "0",
            "--workdir",
            str(tmp_path / "work"),
            "--json",
            str(tmp_path / "run.json"),
        ],
        capture_output=True,
        text=True,
        timeout=240,
        check=False,
    )
    assert out.returncode == 0, out.stderr[-3000:] + out.stdout[-3000:]
    run = json.loads((tmp_path / "run.json").read_text(encoding="utf-8"))
    assert [r["key"] for r in run["results"]] == [p.key for p in load_report.PAGES]
    assert all(r["requests"] > 0 and r["error_total"] == 0 for r in run["results"])
    assert run["load"]["imported"] == 40 and run["bare_rows_rps"] > 0
    table = [line for line in out.stdout.splitlines() if line.startswith("|")]
    assert len(table) == 2 + len(load_report.PAGES)
    # The path files hold the whole catalog: every product and every origin code.
    work = tmp_path / "work"
    assert len((work / "paths-product.txt").read_text().splitlines()) == 40
    assert len(set((work / "paths-origin.txt").read_text().splitlines())) == 40
