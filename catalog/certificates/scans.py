"""Certificate scans: a PDF kept as is (by its magic bytes) or an image re-encoded, stored under
the non-public scan root with a random name."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO

from ..errors import UploadNotADocument, UploadNotAnImage
from ..uploads import UploadLimits, read_limited, reencode_image, write_new_file

PDF_MAGIC = b"%PDF-"


@dataclass(frozen=True)
class StoredScan:
    path: str  # relative to the scan root
    media_type: str


def prepare_scan(data: bytes, *, limits: UploadLimits) -> tuple[bytes, str, str]:
    """A certificate scan: a PDF (by its magic bytes) kept as is, or an image re-encoded.

    Returns (bytes to store, file suffix, media type).
    """
    if data.startswith(PDF_MAGIC):
        return data, ".pdf", "application/pdf"
    try:
        jpeg = reencode_image(data, max_pixels=limits.max_pixels, max_edge=3000, quality=90)
    except UploadNotAnImage:
        raise UploadNotADocument() from None
    return jpeg, ".jpg", "image/jpeg"


def store_certificate_scan(
    stream: BinaryIO, *, scan_root: Path, limits: UploadLimits, folder: str
) -> StoredScan:
    """Validate and store a scan under the (non-public) scan root; returns where."""
    data = read_limited(stream, limits.max_bytes)
    content, suffix, media_type = prepare_scan(data, limits=limits)
    relative = write_new_file(Path(scan_root), folder, suffix, content)
    return StoredScan(path=relative, media_type=media_type)
