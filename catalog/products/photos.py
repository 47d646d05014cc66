"""Product photos: validated and re-encoded (catalog.uploads), stored under the media root,
at most eight per product, every change audited."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path
from typing import BinaryIO

from accounts.audit import record_audit
from core.db import db

from ..errors import PhotoNotFound, UploadTooManyPhotos
from ..models import Product, ProductImage
from ..uploads import (
    UploadLimits,
    all_photo_paths,
    read_limited,
    reencode_image,
    write_photo_files,
)
from .portal import owned_row

MAX_PHOTOS_PER_PRODUCT = 8


def get_photo_for_producer(producer_id: int, product_id: int, image_id: int) -> ProductImage:
    """A photo of one of this producer's products; PhotoNotFound for anyone else's (or none)."""
    image = owned_row(ProductImage, image_id, producer_id)
    if image is None or image.product_id != product_id:
        raise PhotoNotFound(image_id=image_id)
    return image


def store_product_photo(
    product: Product,
    stream: BinaryIO,
    *,
    media_root: Path,
    limits: UploadLimits,
    actor_id: int,
    now: datetime,
    alt: str = "",
) -> ProductImage:
    """Validate, re-encode and store a photo of a product the caller scoped to its producer.

    Everything is checked before the file is written; if the database refuses the row the file
    is removed again. Flushes; audits.
    """
    if len(product.images) >= MAX_PHOTOS_PER_PRODUCT:
        raise UploadTooManyPhotos(limit=MAX_PHOTOS_PER_PRODUCT)
    data = read_limited(stream, limits.max_bytes)
    jpeg = reencode_image(data, max_pixels=limits.max_pixels, max_edge=limits.max_edge)
    written = write_photo_files(Path(media_root), f"products/{product.id}", jpeg)
    relative = written[0]
    try:
        position = max((image.position for image in product.images), default=-1) + 1
        image = ProductImage(product=product, path=relative, alt=alt[:255], position=position)
        db.session.add(image)
        db.session.flush()
        after = {"image_id": image.id, "path": relative}
        record_audit("product.photo_added", product, actor_id=actor_id, now=now, after=after)
        db.session.flush()
    except Exception:
        for path in written:
            (Path(media_root) / path).unlink(missing_ok=True)
        raise
    return image


def move_product_photo(image: ProductImage, to: str, *, actor_id: int, now: datetime) -> None:
    """Reorder a product's photos: `to` is "first" (the main photo), "up" or "down". Flushes."""
    photos = sorted(image.product.images, key=lambda i: (i.position, i.id))
    index = photos.index(image)
    photos.pop(index)
    new_index = {"first": 0, "up": max(0, index - 1), "down": min(len(photos), index + 1)}[to]
    photos.insert(new_index, image)
    for position, photo in enumerate(photos):
        photo.position = position
    after = {"image_id": image.id, "position": new_index}
    record_audit("product.photo_moved", image.product, actor_id=actor_id, now=now, after=after)
    db.session.flush()


def set_photo_alt(image: ProductImage, alt: str, *, actor_id: int, now: datetime) -> None:
    """Change a photo's description (alt text) for shoppers who cannot see it. Flushes."""
    before, image.alt = {"alt": image.alt}, alt[:255]
    record_audit(
        "product.photo_described",
        image.product,
        actor_id=actor_id,
        now=now,
        before=before,
        after={"alt": image.alt},
    )
    db.session.flush()


def delete_product_photo(
    image: ProductImage, *, media_root: Path, actor_id: int, now: datetime
) -> None:
    """Remove a photo row (the file goes once the row is gone). Flushes; audits."""
    product, before = ("product", image.product_id), {"image_id": image.id, "path": image.path}
    record_audit("product.photo_removed", product, actor_id=actor_id, now=now, before=before)
    paths = [Path(media_root) / p for p in all_photo_paths(image.path)]
    db.session.delete(image)
    db.session.flush()
    for path in paths:
        path.unlink(missing_ok=True)
