"""Bad uploads get a clear message in the producer's language and leave nothing behind."""

from __future__ import annotations

import io
import struct
import zlib
from pathlib import Path

import pytest
from sqlalchemy import func, select

from catalog.certificates.scans import prepare_scan
from catalog.errors import UploadNotAnImage, UploadTooLarge, UploadTooManyPixels
from catalog.models import Certificate, ProductImage
from catalog.uploads import UploadLimits, reencode_image
from core.db import db
from tests.fixtures.portal import PDF_BYTES, image_bytes

ELF_EXECUTABLE = b"\x7fELF\x02\x01\x01\x00" + b"\x00" * 8 + b"\x02\x00\x3e\x00" + b"\x90" * 200
WINDOWS_EXECUTABLE = b"MZ\x90\x00\x03\x00\x00\x00" + b"\x00" * 120 + b"PE\x00\x00" + b"\x90" * 200


def png_bomb(width: int, height: int) -> bytes:
    """A tiny PNG that claims (and decompresses to) a huge grey canvas."""
    raw_row = b"\x00" + b"\x00" * width
    compressor = zlib.compressobj(9)
    data = b"".join(compressor.compress(raw_row) for _ in range(height)) + compressor.flush()

    def chunk(kind: bytes, body: bytes) -> bytes:
        return (
            struct.pack(">I", len(body))
            + kind
            + body
            + struct.pack(">I", zlib.crc32(kind + body) & 0xFFFFFFFF)
        )

    header = struct.pack(">IIBBBBB", width, height, 8, 0, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", data) + chunk(b"IEND", b"")
    )


def _files_under(root: str) -> list[Path]:
    path = Path(root)
    return [p for p in path.rglob("*") if p.is_file()] if path.exists() else []


def _photo_count() -> int:
    return db.session.scalar(select(func.count(ProductImage.id)))


BAD_PHOTOS = {
    "executable renamed .jpg": (ELF_EXECUTABLE, "anh-dep.jpg", "không phải là ảnh"),
    "windows exe renamed .png": (WINDOWS_EXECUTABLE, "anh.png", "không phải là ảnh"),
    "html renamed .jpg": (b"<script>alert(1)</script>", "x.jpg", "không phải là ảnh"),
    "svg (script-capable)": (
        b'<svg xmlns="http://www.w3.org/2000/svg" onload="alert(1)"/>',
        "x.svg",
        "không phải là ảnh",
    ),
    "truncated jpeg": (image_bytes("JPEG")[:40], "x.jpg", "không phải là ảnh"),
    "decompression bomb": (png_bomb(10_000, 10_000), "bom.png", "quá nhiều điểm ảnh"),
}


@pytest.mark.parametrize("case", BAD_PHOTOS, ids=list(BAD_PHOTOS))
def test_bad_photo_is_refused_in_vietnamese_and_nothing_is_stored(
    app, client, login_as, portal_world, case
):
    data, filename, message = BAD_PHOTOS[case]
    login_as(portal_world["member_a"])
    before = _photo_count()
    response = client.post(
        f"/producer/products/{portal_world['product_a'].id}/photos",
        data={"photo": (io.BytesIO(data), filename)},
        content_type="multipart/form-data",
    )
    assert response.status_code == 400
    assert message in response.get_data(as_text=True)
    assert _photo_count() == before
    assert _files_under(app.config["MEDIA_ROOT"]) == []


def test_oversized_photo_is_refused_with_the_limit_and_nothing_is_stored(
    app, client, login_as, portal_world
):
    app.config["PHOTO_MAX_BYTES"] = 50_000
    big = image_bytes("PNG", (400, 400)) + b"\x00" * 60_000  # valid start, too many bytes
    login_as(portal_world["member_a"])
    response = client.post(
        f"/producer/products/{portal_world['product_a'].id}/photos",
        data={"photo": (io.BytesIO(big), "to.png")},
        content_type="multipart/form-data",
    )
    assert response.status_code == 413
    # The configured limit, not a number typed into the sentence.
    assert "Tệp quá lớn. Vui lòng gửi tệp nhỏ hơn (tối đa 0,05 MB)." in response.get_data(
        as_text=True
    )
    assert _photo_count() == 1
    assert _files_under(app.config["MEDIA_ROOT"]) == []


def test_request_larger_than_max_content_length_is_refused(app, client, login_as, portal_world):
    app.config["MAX_CONTENT_LENGTH"] = 10_000
    login_as(portal_world["member_a"])
    response = client.post(
        f"/producer/products/{portal_world['product_a'].id}/photos",
        data={"photo": (io.BytesIO(b"\xff" * 20_000), "x.jpg")},
        content_type="multipart/form-data",
    )
    assert response.status_code == 413
    assert _files_under(app.config["MEDIA_ROOT"]) == []


def test_message_follows_the_producers_language(client, login_as, portal_world):
    login_as(portal_world["member_a"])
    client.get("/lang/en")
    response = client.post(
        f"/producer/products/{portal_world['product_a'].id}/photos",
        data={"photo": (io.BytesIO(ELF_EXECUTABLE), "a.jpg")},
        content_type="multipart/form-data",
    )
    assert "This file is not a photo" in response.get_data(as_text=True)


def test_photo_metadata_is_stripped():
    from PIL import Image

    source = io.BytesIO()
    exif = Image.Exif()
    exif[0x010F] = "SecretCamera"  # Make
    exif[0x8825] = {2: (10.0, 20.0, 30.0)}  # GPS
    Image.new("RGB", (50, 40), (1, 2, 3)).save(source, format="JPEG", exif=exif)
    assert b"SecretCamera" in source.getvalue()
    cleaned = reencode_image(source.getvalue(), max_pixels=10_000, max_edge=100)
    assert b"SecretCamera" not in cleaned
    with Image.open(io.BytesIO(cleaned)) as image:
        assert not image.getexif()


@pytest.mark.parametrize(
    ("data", "error"),
    [
        (ELF_EXECUTABLE, UploadNotAnImage),
        (png_bomb(10_000, 10_000), UploadTooManyPixels),
        (png_bomb(3_000, 3_000), UploadTooManyPixels),  # under Pillow's guard, over ours
    ],
)
def test_reencode_refuses_by_content(data, error):
    with pytest.raises(error):
        reencode_image(data, max_pixels=4_000_000, max_edge=1600)


def test_scan_accepts_pdf_by_magic_and_images_but_not_executables():
    limits = UploadLimits()
    assert prepare_scan(PDF_BYTES, limits=limits)[2] == "application/pdf"
    assert prepare_scan(image_bytes("PNG"), limits=limits)[2] == "image/jpeg"
    from catalog.errors import UploadNotADocument

    with pytest.raises(UploadNotADocument):
        prepare_scan(ELF_EXECUTABLE, limits=limits)


def test_bad_certificate_scan_stores_no_file_and_no_certificate(
    app, client, login_as, portal_world
):
    login_as(portal_world["member_a"])
    product = portal_world["product_a"]
    response = client.post(
        f"/producer/products/{product.id}/certificates/new",
        data={
            "stars": "4",
            "certificate_no": "X",
            "issued_by": "UBND",
            "issuer_level": "province",
            "issued_on": "2026-01-01",
            "expires_on": "2029-01-01",
            "scan": (io.BytesIO(WINDOWS_EXECUTABLE), "giay-chung-nhan.pdf"),
        },
        content_type="multipart/form-data",
    )
    assert response.status_code == 400
    assert "không phải là bản quét PDF, JPG hoặc PNG" in response.get_data(as_text=True)
    assert _files_under(app.config["CERTIFICATE_SCAN_ROOT"]) == []
    assert db.session.scalar(select(func.count(Certificate.id))) == 2  # A's and B's only


def test_scans_are_not_served_from_the_public_media_route(app, client, login_as, portal_world):
    from tests.portal.test_listings_and_certificates import _certificate_form

    login_as(portal_world["member_a"])
    client.post(
        f"/producer/products/{portal_world['product_a'].id}/certificates/new",
        data=_certificate_form(certificate_no="S/1"),
        content_type="multipart/form-data",
    )
    cert = db.session.scalar(select(Certificate).where(Certificate.certificate_no == "S/1"))
    assert client.get(f"/media/{cert.scan_path}").status_code == 404
    response = client.get(f"/producer/certificates/{cert.id}/scan")
    assert response.data.startswith(b"%PDF-")
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert "sandbox" in response.headers["Content-Security-Policy"]
    response.close()


def test_read_limited_stops_reading_at_the_limit():
    from catalog.uploads import read_limited

    with pytest.raises(UploadTooLarge):
        read_limited(io.BytesIO(b"x" * 11), 10)
    assert read_limited(io.BytesIO(b"x" * 10), 10) == b"x" * 10
