"""gunicorn.conf.py: workers from the CPU count, no shared control socket unless asked."""

from __future__ import annotations

import re
import runpy
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
CONF = ROOT / "gunicorn.conf.py"


def _load(monkeypatch, **env: str) -> dict:
    for name in list(__import__("os").environ):
        if name.startswith("GUNICORN_"):
            monkeypatch.delenv(name)
    for name, value in env.items():
        monkeypatch.setenv(name, value)
    return runpy.run_path(str(CONF))


def test_defaults(monkeypatch):
    conf = _load(monkeypatch)
    assert conf["workers"] == conf["default_workers"]()
    assert conf["default_workers"](1) == 3 and conf["default_workers"](16) == 12
    assert conf["worker_class"] == "gthread" and conf["threads"] == 2
    # gunicorn 27's default control socket is one path per user: two instances clash on it.
    assert conf["control_socket_disable"] is True
    assert "control_socket" not in conf
    assert "x-request-id" in conf["access_log_format"]


def test_each_instance_may_have_its_own_control_socket(monkeypatch):
    conf = _load(
        monkeypatch,
        GUNICORN_CONTROL_SOCKET="/run/ocop/web-8001.ctl",
        GUNICORN_WORKERS="3",
        GUNICORN_THREADS="1",
        GUNICORN_ACCESS_LOG="off",
    )
    assert conf["control_socket"] == "/run/ocop/web-8001.ctl"
    assert "control_socket_disable" not in conf
    assert conf["workers"] == 3 and conf["worker_class"] == "sync"
    assert conf["accesslog"] is None


def test_gunicorn_accepts_the_file():
    gunicorn = Path(sys.executable).with_name("gunicorn")
    result = subprocess.run(
        [str(gunicorn), "-c", str(CONF), "--print-config"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 0, result.stderr
    assert re.search(r"^control_socket_disable\s+= True$", result.stdout, re.MULTILINE)


def test_metrics_are_summed_over_workers_when_enabled(monkeypatch, tmp_path):
    monkeypatch.setenv("PROMETHEUS_MULTIPROC_DIR", str(tmp_path / "metrics"))
    conf = _load(monkeypatch, METRICS_ENABLED="true")
    conf["on_starting"](None)
    assert (tmp_path / "metrics").is_dir()
    assert callable(conf["child_exit"])
    monkeypatch.delenv("METRICS_ENABLED")
    assert "on_starting" not in _load(monkeypatch)
