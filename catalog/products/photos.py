"""Product photos: validated and re-encoded (catalog.uploads), stored under the media root,
at most eight per product, every change audited."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path
from typing import BinaryIO

from sqlalchemy import select

from accounts.audit import record_audit
from core.db import db

from ..errors import PhotoNotFound, UploadTooManyPhotos
from ..models import Product, ProductImage
from ..uploads import UploadLimits, read_limited, reencode_image, write_new_file

MAX_PHOTOS_PER_PRODUCT = 8


def get_photo_for_producer(producer_id: int, product_id: int, image_id: int) -> ProductImage:
    """A photo of one of this producer's products; PhotoNotFound for anyone else's (or none)."""
    image = db.session.scalar(
        select(ProductImage)
        .join(Product, Product.id == ProductImage.product_id)
        .where(
            ProductImage.id == image_id,
            ProductImage.product_id == product_id,
            Product.producer_id == producer_id,
        )
    )
    if image is None:
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
    relative = write_new_file(Path(media_root), f"products/{product.id}", ".jpg", jpeg)
    try:
        position = max((image.position for image in product.images), default=-1) + 1
        image = ProductImage(product=product, path=relative, alt=alt[:255], position=position)
        db.session.add(image)
        db.session.flush()
        record_audit(
            actor_id=actor_id,
            action="product.photo_added",
            entity="product",
            entity_id=product.id,
            before=None,
            after={"image_id": image.id, "path": relative},
            now=now,
        )
        db.session.flush()
    except Exception:
        (Path(media_root) / relative).unlink(missing_ok=True)
        raise
    return image


def delete_product_photo(
    image: ProductImage, *, media_root: Path, actor_id: int, now: datetime
) -> None:
    """Remove a photo row (the file goes once the row is gone). Flushes; audits."""
    record_audit(
        actor_id=actor_id,
        action="product.photo_removed",
        entity="product",
        entity_id=image.product_id,
        before={"image_id": image.id, "path": image.path},
        after=None,
        now=now,
    )
    path = Path(media_root) / image.path
    db.session.delete(image)
    db.session.flush()
    path.unlink(missing_ok=True)
