"""How long photo checks take: a 12-megapixel phone photo re-encoded, a bomb refused.

PYTHONPATH=. .venv/bin/python bench/photos.py
"""

from __future__ import annotations

import contextlib
import io
import resource
import time

from PIL import Image

from catalog.errors import UploadTooManyPixels
from catalog.uploads import reencode_image
from tests.portal.test_uploads import png_bomb


def _photo(width: int, height: int) -> bytes:
    out = io.BytesIO()
    # Noise-like content so the JPEG is realistically large.
    Image.effect_noise((width, height), 64).convert("RGB").save(out, format="JPEG", quality=90)
    return out.getvalue()


def main() -> None:
    photo = _photo(4000, 3000)
    runs = 5
    started = time.perf_counter()
    for _ in range(runs):
        result = reencode_image(photo, max_pixels=40_000_000, max_edge=1600)
    per_photo = (time.perf_counter() - started) / runs
    print(
        f"12 MP JPEG ({len(photo) / 1e6:.1f} MB) → {len(result) / 1e3:.0f} kB: {per_photo * 1000:.0f} ms"
    )
    bomb = png_bomb(20_000, 20_000)
    started = time.perf_counter()
    with contextlib.suppress(UploadTooManyPixels):
        reencode_image(bomb, max_pixels=40_000_000, max_edge=1600)
    print(
        f"400 MP PNG bomb ({len(bomb) / 1e3:.0f} kB) refused in {(time.perf_counter() - started) * 1000:.1f} ms"
    )
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"peak RSS {peak:.0f} MB")


if __name__ == "__main__":
    main()
