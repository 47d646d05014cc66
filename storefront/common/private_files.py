"""Files only their owner and program staff may see (certificate scans), served safely."""

from __future__ import annotations

from flask import Response, current_app, send_from_directory

from catalog.models import Certificate


def send_certificate_scan(certificate: Certificate) -> Response:
    """Serve a certificate scan privately: never cached, never sniffed, never run as a page.

    The caller has already checked who may see it (the producer's own, or an admin).
    """
    response = send_from_directory(
        current_app.config["CERTIFICATE_SCAN_ROOT"],
        certificate.scan_path,
        mimetype=certificate.scan_media_type or "application/octet-stream",
        max_age=0,
    )
    response.headers["Cache-Control"] = "private, no-store"
    response.headers["X-Content-Type-Options"] = "nosniff"
    response.headers["Content-Security-Policy"] = "sandbox; default-src 'none'"
    return response
