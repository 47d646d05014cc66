"""gunicorn settings for the shop (`make serve`, systemd: deploy/systemd/ocop-web@.service).

Every value can be changed from the environment, so one file serves one or several instances
on a machine:

  GUNICORN_BIND          address, default 127.0.0.1:8000 (nginx proxies to it)
  GUNICORN_WORKERS       worker processes, default 2 × CPU cores + 1 (at most 12)
  GUNICORN_THREADS       threads per worker, default 2 (gthread worker: a slow client
                         or a database wait does not block the whole worker)
  GUNICORN_TIMEOUT       seconds a worker may be silent before it is restarted, default 30
  GUNICORN_CONTROL_SOCKET  path of gunicorn's control socket, or "off" (default): gunicorn 27
                         puts one at ~/.gunicorn/gunicorn.ctl for every instance, so a second
                         instance on the same machine fails with "… gunicorn.ctl already in
                         use". Give each instance its own path (e.g. /run/ocop/web-8001.ctl) to
                         use `gunicornc`.
  GUNICORN_ACCESS_LOG    "-" (stderr, default) or a file; "off" for none
  GUNICORN_MAX_REQUESTS  requests before a worker is replaced (default 50,000, ±10 %)
  METRICS_ENABLED        when true, workers count requests in PROMETHEUS_MULTIPROC_DIR
                         (default: a folder per instance under /tmp, emptied at start), so
                         /metrics sums every worker

Graceful reload: `systemctl reload ocop-web@8000` (SIGHUP) starts new workers with the new
code and lets the old ones finish their requests (`graceful_timeout`).
"""

from __future__ import annotations

import multiprocessing
import os
import shutil
import tempfile


def _int(name: str, default: int) -> int:
    raw = os.environ.get(name, "").strip()
    return int(raw) if raw else default


def default_workers(cores: int | None = None) -> int:
    """2 × cores + 1, gunicorn's own advice, capped so a big machine does not exhaust the
    database's connections (each worker holds a pool of up to 5 + 10)."""
    cores = cores or multiprocessing.cpu_count()
    return min(2 * cores + 1, 12)


bind = os.environ.get("GUNICORN_BIND", "127.0.0.1:8000")
workers = _int("GUNICORN_WORKERS", default_workers())
threads = _int("GUNICORN_THREADS", 2)
worker_class = "gthread" if threads > 1 else "sync"
timeout = _int("GUNICORN_TIMEOUT", 30)
graceful_timeout = _int("GUNICORN_GRACEFUL_TIMEOUT", 30)
keepalive = 5  # behind nginx: keep its upstream connections a little
# Restart workers now and then (jittered so they do not all restart together): bounds the
# growth of per-process caches and of any slow leak.
# A restarted worker rebuilds its for-sale snapshot and search caches (seconds of CPU, pages
# served cold meanwhile): at 50,000 a worker serving ~650 pages a second restarted every ~80 s
# (seen in the load benchmark). Every per-process cache is bounded, so this only has to bound
# slow leaks: at 1,000,000 a busy worker restarts about every half hour.
max_requests = _int("GUNICORN_MAX_REQUESTS", 1_000_000)
max_requests_jitter = max_requests // 10
# Trust X-Forwarded-* from the local proxy only (nginx on the same machine).
forwarded_allow_ips = os.environ.get("GUNICORN_FORWARDED_ALLOW_IPS", "127.0.0.1,::1")

_control = os.environ.get("GUNICORN_CONTROL_SOCKET", "off").strip()
if _control.lower() in {"", "off", "none", "0", "false"}:
    control_socket_disable = True
else:
    control_socket = _control

_access = os.environ.get("GUNICORN_ACCESS_LOG", "-").strip()
accesslog = None if _access.lower() == "off" else _access
errorlog = "-"
loglevel = os.environ.get("GUNICORN_LOG_LEVEL", "info")
# One line per request, with the id the app echoes (storefront/request_log.py): the app's own
# log lines of the same request carry the same id.
access_log_format = (
    '%(h)s "%(r)s" %(s)s %(B)s %(M)sms rid=%({x-request-id}o)s ref="%(f)s" ua="%(a)s"'
)
proc_name = os.environ.get("GUNICORN_PROC_NAME", "ocop-web")
wsgi_app = "wsgi:app"


if os.environ.get("METRICS_ENABLED", "").strip().lower() in {"1", "true", "yes", "on"}:
    _metrics_dir = os.environ.setdefault(
        "PROMETHEUS_MULTIPROC_DIR",
        os.path.join(tempfile.gettempdir(), "ocop-metrics-" + bind.replace(":", "-")),
    )

    def on_starting(server) -> None:
        # Counters of a previous run would be summed with this one's.
        shutil.rmtree(_metrics_dir, ignore_errors=True)
        os.makedirs(_metrics_dir, exist_ok=True)

    def child_exit(server, worker) -> None:
        from prometheus_client import multiprocess

        multiprocess.mark_process_dead(worker.pid)


def post_worker_init(worker) -> None:
    # A new worker starts warming its search caches (for-sale snapshot, the index's score maps)
    # in background threads now, before its first request: no request waits for them
    # (storefront/common/search_service.py, docs/performance.md).
    from flask import Flask

    from storefront.common.search_service import warm_up_worker

    app = getattr(worker, "wsgi", None)
    if isinstance(app, Flask):
        warm_up_worker(app)
