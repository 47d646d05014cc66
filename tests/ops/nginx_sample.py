"""The nginx sample (deploy/nginx/) made runnable in a temp folder: own ports, a self-signed
certificate, this checkout's static files and the given app servers as the upstream."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
SAMPLE = ROOT / "deploy" / "nginx" / "ocop.conf"
PROXY_PARAMS = ROOT / "deploy" / "nginx" / "ocop_proxy_params"


def nginx_binary() -> str | None:
    return shutil.which("nginx") or next(
        (p for p in ("/usr/sbin/nginx",) if Path(p).exists()), None
    )


def self_signed_certificate(folder: Path) -> tuple[Path, Path]:
    cert, key = folder / "fullchain.pem", folder / "privkey.pem"
    subprocess.run(
        ["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1"]
        + ["-subj", "/CN=localhost", "-addext", "subjectAltName=DNS:localhost,IP:127.0.0.1"]
        + ["-keyout", str(key), "-out", str(cert)],
        check=True,
        capture_output=True,
    )
    return cert, key


def render(
    folder: Path,
    *,
    upstreams: list[str],
    http_port: int,
    https_port: int,
    media_root: Path,
) -> Path:
    """Write nginx.conf (a main file including the sample, rewritten) into `folder`."""
    cert, key = self_signed_certificate(folder)
    site = SAMPLE.read_text()
    servers = "".join(
        f"    server {address} max_fails=3 fail_timeout=10s;\n" for address in upstreams
    )
    site = re.sub(r"    server 127\.0\.0\.1:8000 [^\n]*\n", servers, site, count=1)
    site = site.replace("listen 80;", f"listen 127.0.0.1:{http_port};")
    site = site.replace("listen 443 ssl http2;", f"listen 127.0.0.1:{https_port} ssl http2;")
    site = re.sub(r"\s*listen \[::\]:\d+[^;]*;", "", site)
    site = re.sub(r"ssl_certificate\s+\S+;", f"ssl_certificate {cert};", site)
    site = re.sub(r"ssl_certificate_key\s+\S+;", f"ssl_certificate_key {key};", site)
    site = site.replace("/etc/nginx/ocop_proxy_params", str(PROXY_PARAMS))
    site = site.replace("/srv/ocop/app/storefront/static/", f"{ROOT}/storefront/static/")
    site = site.replace("/srv/ocop/media/", f"{media_root}/")
    (folder / "ocop.conf").write_text(site)
    main = folder / "nginx.conf"
    main.write_text(
        f"""
pid {folder}/nginx.pid;
error_log {folder}/error.log;
{_same_user()}worker_processes 1;
events {{ worker_connections 64; }}
http {{
    include /etc/nginx/mime.types;
    default_type application/octet-stream;
    access_log {folder}/access.log;
    client_body_temp_path {folder}/body;
    proxy_temp_path {folder}/proxy;
    fastcgi_temp_path {folder}/fastcgi;
    uwsgi_temp_path {folder}/uwsgi;
    scgi_temp_path {folder}/scgi;
    include {folder}/ocop.conf;
}}
"""
    )
    return main


def _same_user() -> str:
    """Workers run as the test's own user when started as root: nginx would otherwise drop to
    `nobody`, who cannot read a checkout cloned into a private temp folder (mode 700)."""
    return "user root;\n" if os.geteuid() == 0 else ""


def nginx_command(binary: str, folder: Path, *args: str) -> list[str]:
    return [
        binary,
        "-p",
        str(folder),
        "-e",
        str(folder / "error.log"),
        "-c",
        str(folder / "nginx.conf"),
        *args,
    ]
