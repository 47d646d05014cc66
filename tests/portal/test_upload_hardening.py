"""Uploads (issue 11, defect 8 and the pixel-bomb PNG): a request above MAX_UPLOAD_BYTES gets a
translated 413 page; a photo a little too large reaches the form's own message; a 4 KB,
39.7-megapixel PNG is refused from its header without being decoded."""

from __future__ import annotations

import io
import json
import subprocess
import sys
from pathlib import Path

import pytest
from PIL import Image

from catalog.errors import UploadTooManyPixels
from catalog.uploads import MAX_FULL_DECODE_PIXELS, reencode_image
from config import Config

ROOT = Path(__file__).resolve().parents[2]


def test_photo_limit_is_below_the_request_limit_by_default():
    assert Config.PHOTO_MAX_BYTES < Config.MAX_CONTENT_LENGTH


def test_a_photo_limit_not_below_the_request_limit_is_warned_about(tmp_path, caplog):
    from config import TestingConfig
    from storefront import create_app

    create_app(
        TestingConfig,
        SQLALCHEMY_DATABASE_URI=f"sqlite:///{tmp_path / 'x.sqlite3'}",
        SEARCH_INDEX_DIR=str(tmp_path / "index"),
        MAX_CONTENT_LENGTH=8 * 1024 * 1024,
        PHOTO_MAX_BYTES=8 * 1024 * 1024,
    )
    assert "PHOTO_MAX_BYTES (8388608) should be below MAX_UPLOAD_BYTES" in caplog.text


@pytest.mark.parametrize(
    ("language", "sentence"),
    [
        ("en", "This file is too large. Please send a smaller one (at most 0.1 MB)."),
        ("vi", "Tệp quá lớn. Vui lòng gửi tệp nhỏ hơn (tối đa 0,1 MB)."),
    ],
)
def test_a_request_above_the_upload_limit_gets_a_translated_413_page(
    app, client, login_as, portal_world, language, sentence
):
    app.config.update(MAX_CONTENT_LENGTH=100_000, PHOTO_MAX_BYTES=50_000)
    login_as(portal_world["member_a"])
    client.get(f"/lang/{language}")
    response = client.post(
        f"/producer/products/{portal_world['product_a'].id}/photos",
        data={"photo": (io.BytesIO(b"\xff" * 200_000), "big.jpg")},
        content_type="multipart/form-data",
    )
    assert response.status_code == 413
    body = response.get_data(as_text=True)
    assert sentence in body
    assert "Request Entity Too Large" not in body
    assert "frame-ancestors 'none'" in response.headers["Content-Security-Policy"]


def _pixel_bomb_png() -> bytes:
    out = io.BytesIO()
    Image.new("1", (6300, 6300)).save(out, format="PNG", optimize=True)  # 39.7 megapixels
    return out.getvalue()


def test_a_small_png_with_40_megapixels_is_refused_before_decoding():
    bomb = _pixel_bomb_png()
    assert len(bomb) < 16_000
    with pytest.raises(UploadTooManyPixels) as refused:
        reencode_image(bomb, max_pixels=40_000_000, max_edge=1600)
    assert refused.value.params["max_pixels"] == MAX_FULL_DECODE_PIXELS
    # Measured in a fresh process: checking it must not grow the process by the decoded image.
    script = (
        "import resource, sys\n"
        "from catalog.uploads import reencode_image\n"
        "data = sys.stdin.buffer.read()\n"
        "before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss\n"
        "try:\n"
        "    reencode_image(data, max_pixels=40_000_000, max_edge=1600)\n"
        "except Exception as error:\n"
        "    print(type(error).__name__, file=sys.stderr)\n"
        "after = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss\n"
        "print((after - before) // 1024)\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", script], input=bomb, capture_output=True, cwd=ROOT, check=True
    )
    grown_mb = json.loads(result.stdout)
    assert grown_mb < 40, grown_mb  # decoding it would take 40 MB, converting it 120 MB more
