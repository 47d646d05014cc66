"""The deployment files: the nginx sample passes `nginx -t`, the scripts and units are sane,
and the restore drill restores a pg_dump into a fresh database where the smoke test passes."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
from pathlib import Path

import pytest

from tests.ops.nginx_sample import ROOT, nginx_binary, nginx_command, render

DEPLOY = ROOT / "deploy"


@pytest.mark.skipif(nginx_binary() is None, reason="nginx not installed (make nginx)")
def test_the_nginx_sample_passes_nginx_t(tmp_path):
    render(
        tmp_path,
        upstreams=["127.0.0.1:8000", "127.0.0.1:8001"],
        http_port=18080,
        https_port=18443,
        media_root=tmp_path / "media",
    )
    result = subprocess.run(
        nginx_command(nginx_binary(), tmp_path, "-t"), capture_output=True, text=True, timeout=60
    )
    assert result.returncode == 0, result.stderr
    assert "test is successful" in result.stderr


def test_every_timer_starts_a_task_the_task_script_knows():
    script = (DEPLOY / "run-task.sh").read_text()
    timers = sorted((DEPLOY / "systemd").glob("ocop-*.timer"))
    assert len(timers) >= 5
    for timer in timers:
        task = re.search(r"^Unit=ocop-task@(\S+)\.service$", timer.read_text(), re.M).group(1)
        assert f"\n  {task})" in script, f"{timer.name}: run-task.sh does not know {task}"
    result = subprocess.run([str(DEPLOY / "run-task.sh"), "nonsense"], capture_output=True)
    assert result.returncode == 2


def test_shell_scripts_parse():
    for script in DEPLOY.glob("*.sh"):
        assert os.access(script, os.X_OK), script
        subprocess.run(["bash", "-n", str(script)], check=True)


@pytest.mark.skipif(
    not os.environ.get("TEST_DATABASE_URL", "").startswith("postgresql")
    or shutil.which("pg_dump") is None,
    reason="needs TEST_DATABASE_URL (PostgreSQL) and pg_dump",
)
def test_restore_drill_restores_a_dump_into_a_fresh_database(
    app, database_url, small_catalog, tmp_path
):
    from core.db import db

    db.session.remove()
    env = {**os.environ, "DATABASE_URL": database_url, "BACKUP_DIR": str(tmp_path / "backups")}
    backup = subprocess.run(
        [str(DEPLOY / "backup.sh")], env=env, capture_output=True, text=True, timeout=120
    )
    assert backup.returncode == 0, backup.stderr
    dump = Path(backup.stdout.strip().splitlines()[-1])
    assert dump.exists() and dump.name.startswith("ocop-")
    target = database_url.rsplit("/", 1)[0] + f"/drill_{os.getpid()}"
    drill = subprocess.run(
        [str(DEPLOY / "restore-drill.sh"), str(dump), target],
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
        cwd=ROOT,
    )
    output = drill.stdout + drill.stderr
    assert drill.returncode == 0, output
    assert f"{len(small_catalog)} products" in output
    assert "FAIL" not in output and "smoke test passed" in output
    assert "restore drill passed" in output
