"""Uploads (product photos, certificate scans): checked by content, re-encoded, safely named.

Nothing about an upload is trusted: not its file name, not its declared type. Images are opened
by Pillow from the bytes (JPEG, PNG or WebP only), their pixel count is checked from the header
before any decoding (decompression bombs), and they are re-encoded as fresh JPEGs, which drops
EXIF/GPS metadata and anything smuggled after the image data. Files get random names under the
media root; a rejected upload writes nothing to disk and nothing to the database.
"""

from __future__ import annotations

import errno
import io
import os
import secrets
import warnings
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO

from PIL import Image, ImageOps, UnidentifiedImageError

from .errors import UploadNotAnImage, UploadStorageFull, UploadTooLarge, UploadTooManyPixels

ACCEPTED_IMAGE_FORMATS = ("JPEG", "PNG", "WEBP")

# Pillow's own guard, tightened: refuse (not just warn) well before memory is at risk.
Image.MAX_IMAGE_PIXELS = 64_000_000


@dataclass(frozen=True)
class UploadLimits:
    max_bytes: int = 8 * 1024 * 1024
    max_pixels: int = 40_000_000  # e.g. 8000 × 5000; a phone photo is 12-48 million
    max_edge: int = 1600  # longest side of a stored product photo


def read_limited(stream: BinaryIO, max_bytes: int) -> bytes:
    """Read at most `max_bytes`; UploadTooLarge if there is more."""
    data = stream.read(max_bytes + 1)
    if len(data) > max_bytes:
        raise UploadTooLarge(max_bytes=max_bytes)
    return data


def reencode_image(data: bytes, *, max_pixels: int, max_edge: int, quality: int = 85) -> bytes:
    """Decode an image from its bytes and return a fresh, metadata-free JPEG at most `max_edge`."""
    try:
        with warnings.catch_warnings():
            # Pillow only warns between MAX_IMAGE_PIXELS and twice that; make it an error here.
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            with Image.open(io.BytesIO(data), formats=ACCEPTED_IMAGE_FORMATS) as image:
                width, height = image.size
                if width <= 0 or height <= 0:
                    raise UploadNotAnImage()
                if width * height > max_pixels:
                    raise UploadTooManyPixels(width=width, height=height, max_pixels=max_pixels)
                image.draft("RGB", (max_edge, max_edge))  # JPEG: decode already scaled down
                image.load()
                upright = ImageOps.exif_transpose(image)
                rgb = _flatten_to_rgb(upright)
    except (Image.DecompressionBombError, Image.DecompressionBombWarning):
        raise UploadTooManyPixels(max_pixels=max_pixels) from None
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError, EOFError):
        raise UploadNotAnImage() from None
    rgb.thumbnail((max_edge, max_edge), Image.Resampling.LANCZOS)
    out = io.BytesIO()
    rgb.save(out, format="JPEG", quality=quality, optimize=True)
    return out.getvalue()


def _flatten_to_rgb(image: Image.Image) -> Image.Image:
    if image.mode in ("RGBA", "LA", "P", "PA"):
        rgba = image.convert("RGBA")
        background = Image.new("RGB", rgba.size, (255, 255, 255))
        background.paste(rgba, mask=rgba.getchannel("A"))
        return background
    return image.convert("RGB")


# Write errors that mean "no room": the disk is full or the user's quota is used up.
_NO_ROOM = {errno.ENOSPC, errno.EDQUOT, errno.EFBIG}


def write_new_file(root: Path, folder: str, suffix: str, data: bytes) -> str:
    """Write `data` under root/folder with a random name; return the path relative to root.

    Written to a hidden `.part` file first and renamed into place, so a reader never sees half
    a file; if the write fails (a full disk: UploadStorageFull) the part is removed again."""
    directory = root / folder
    name = f"{secrets.token_hex(16)}{suffix}"
    temporary = directory / f".{name}.part"
    try:
        directory.mkdir(parents=True, exist_ok=True)
        with temporary.open("wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(temporary, directory / name)
    except OSError as error:
        temporary.unlink(missing_ok=True)
        if error.errno in _NO_ROOM:
            raise UploadStorageFull() from error
        raise
    return f"{folder}/{name}"
