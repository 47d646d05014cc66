"""Origin pages reached by QR stamps: /o/<code> (+ .json, .svg, .png), stamp sheets."""

from flask import Blueprint

from ..common.urls import ORIGIN_URL_PREFIX

bp = Blueprint("origin", __name__, url_prefix=ORIGIN_URL_PREFIX)


@bp.record_once
def _buffer_scans(state) -> None:
    from .scan_buffer import init_scan_buffer

    init_scan_buffer(state.app)


from . import routes  # noqa: E402,F401
