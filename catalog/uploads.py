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
import re
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
# JPEG decodes already scaled down (draft); PNG and WebP decode at full size, and then the copies
# (RGBA, white background, RGB) multiply it: a 4 KB, 40-megapixel PNG took a worker from 155 to
# 400 MB. Those formats are refused above this many pixels, read from the header, before decoding.
MAX_FULL_DECODE_PIXELS = 16_000_000


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


def reencode_image(
    data: bytes,
    *,
    max_pixels: int,
    max_edge: int,
    quality: int = 85,
    max_full_decode_pixels: int = MAX_FULL_DECODE_PIXELS,
) -> bytes:
    """Decode an image from its bytes and return a fresh, metadata-free JPEG at most `max_edge`.

    Every size check reads the header only; nothing is decoded until the image passed them."""
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
                decoded_width, decoded_height = image.size  # after draft: what decoding costs
                limit = min(max_pixels, max_full_decode_pixels)
                if decoded_width * decoded_height > limit:
                    raise UploadTooManyPixels(width=width, height=height, max_pixels=limit)
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

    See `_write_whole` for what a full disk does."""
    directory = root / folder
    name = f"{secrets.token_hex(16)}{suffix}"
    _write_whole(directory, {name: data})
    return f"{folder}/{name}"


def _write_whole(directory: Path, files: dict[str, bytes]) -> None:
    """Write every file or none: each goes to a hidden `.part` file, synced and renamed into
    place, so a reader never sees half a file. If any write fails, every file of the set
    written so far and the part are removed again; a full disk or quota raises
    UploadStorageFull, any other error is raised as it is."""
    done: list[Path] = []
    temporary: Path | None = None
    try:
        directory.mkdir(parents=True, exist_ok=True)
        for name, data in files.items():
            temporary = directory / f".{name}.part"
            with temporary.open("wb") as handle:
                handle.write(data)
                handle.flush()
                os.fsync(handle.fileno())
            os.replace(temporary, directory / name)
            done.append(directory / name)
            temporary = None
    except OSError as error:
        for path in [*done, *([temporary] if temporary else [])]:
            path.unlink(missing_ok=True)
        if error.errno in _NO_ROOM:
            raise UploadStorageFull() from error
        raise


# Responsive copies of every product photo: these widths (when smaller than the photo), each as
# JPEG and WebP, beside the full-size JPEG and a full-size WebP. The stored name carries the
# photo's size ("<random>_1200x900.jpg"), so pages can set width/height and srcset without a query.
VARIANT_WIDTHS = (400, 800)
_SIZED_NAME = re.compile(r"^(?P<stem>.+_(?P<width>\d+)x(?P<height>\d+))\.jpg$")


@dataclass(frozen=True)
class PhotoFiles:
    """The files of one stored photo: its size, and (width, path) per format, smallest first."""

    width: int
    height: int
    jpeg: tuple[tuple[int, str], ...]
    webp: tuple[tuple[int, str], ...]


def photo_files(path: str) -> PhotoFiles | None:
    """The responsive files of a photo stored by `write_photo_files`; None for an older photo."""
    match = _SIZED_NAME.match(path)
    if match is None:
        return None
    stem, width, height = match["stem"], int(match["width"]), int(match["height"])
    smaller = [w for w in VARIANT_WIDTHS if w < width]
    jpeg = tuple((w, f"{stem}-{w}.jpg") for w in smaller) + ((width, path),)
    webp = tuple((w, f"{stem}-{w}.webp") for w in smaller) + ((width, f"{stem}.webp"),)
    return PhotoFiles(width=width, height=height, jpeg=jpeg, webp=webp)


def write_photo_files(root: Path, folder: str, jpeg: bytes, quality: int = 80) -> list[str]:
    """Write a re-encoded JPEG and its responsive copies under root/folder (random name).

    Returns every relative path written, the full-size JPEG first.
    """
    with Image.open(io.BytesIO(jpeg)) as image:
        image.load()
        width, height = image.size
        stem = f"{secrets.token_hex(16)}_{width}x{height}"
        files = {f"{stem}.jpg": jpeg, f"{stem}.webp": _encode(image, "WEBP", quality)}
        for w in VARIANT_WIDTHS:
            if w < width:
                small = image.resize(
                    (w, max(1, round(height * w / width))), Image.Resampling.LANCZOS
                )
                files[f"{stem}-{w}.jpg"] = _encode(small, "JPEG", quality)
                files[f"{stem}-{w}.webp"] = _encode(small, "WEBP", quality)
    _write_whole(root / folder, files)  # all the sizes of the photo, or none of them
    return [f"{folder}/{name}" for name in files]


def _encode(image: Image.Image, fmt: str, quality: int) -> bytes:
    out = io.BytesIO()
    options = {"optimize": True} if fmt == "JPEG" else {"method": 4}
    image.save(out, format=fmt, quality=quality, **options)
    return out.getvalue()


def all_photo_paths(path: str) -> list[str]:
    """Every file of a stored photo (the path itself for an older photo)."""
    files = photo_files(path)
    if files is None:
        return [path]
    return sorted({p for _w, p in files.jpeg} | {p for _w, p in files.webp})
