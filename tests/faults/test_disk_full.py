"""Disk full on upload, under gunicorn: the shop's media folder is a tiny tmpfs, filled up; a
producer's photo upload is answered with a clear, translated message (507), and nothing is
half-written — no file, no `.part`, no database row. With room again, the same upload works.

Needs `mount -t tmpfs` (root, as in CI and on the developers' machines); where it is not
allowed the test is skipped, saying so (a quota-limited directory cannot be faked for another
process without also limiting the database's own files)."""

from __future__ import annotations

import io
import os
import random
import subprocess
from pathlib import Path

import pytest
import requests
from PIL import Image
from sqlalchemy import func, select

from accounts.models import User
from catalog.models import Product, ProductImage
from core.db import db
from tests.faults.conftest import seed_products
from tests.faults.server import ShopServer, csrf_token, shop_environment

TMPFS_BYTES = 256 * 1024
PASSWORD = "mật-khẩu-đủ-dài-2026"


def _mount_tmpfs(folder: Path) -> bool:
    folder.mkdir(parents=True, exist_ok=True)
    mounted = subprocess.run(
        ["mount", "-t", "tmpfs", "-o", f"size={TMPFS_BYTES}", "tmpfs", str(folder)],
        capture_output=True,
        check=False,
    )
    return mounted.returncode == 0


def _photo() -> bytes:
    """A noisy 300×300 picture: its re-encoded JPEG is tens of kilobytes."""
    rng = random.Random(5)
    image = Image.new("RGB", (300, 300))
    image.putdata(
        [(rng.randrange(256), rng.randrange(256), rng.randrange(256)) for _ in range(90_000)]
    )
    out = io.BytesIO()
    image.save(out, format="PNG")
    return out.getvalue()


@pytest.fixture(scope="module")
def full_disk_shop(direct, fault_tmp, database_url):
    media = fault_tmp / "media"
    if not _mount_tmpfs(media):
        pytest.skip("mount -t tmpfs is not allowed here: disk-full test not run")
    seed_products({"sku": "DISK-1", "stock": "10"})
    product = db.session.scalar(select(Product))
    owner = User(
        email="owner@example.vn",
        name="Chủ cơ sở",
        role="producer",
        producer_id=product.producer_id,
        is_owner=True,
    )
    owner.set_password(PASSWORD)
    db.session.add(owner)
    db.session.commit()
    product_id = product.id
    db.session.commit()
    server = ShopServer(shop_environment(database_url, fault_tmp), fault_tmp / "disk.log").start()
    try:
        yield server, product_id, media
    finally:
        server.stop()
        subprocess.run(["umount", str(media)], check=False)


def _signed_in(server: ShopServer) -> requests.Session:
    session = requests.Session()
    session.headers["Accept-Language"] = "en"
    token = csrf_token(session.get(server.url + "/account/login", timeout=120).text)
    signed = session.post(
        server.url + "/account/login",
        data={"csrf_token": token, "email": "owner@example.vn", "password": PASSWORD},
        allow_redirects=False,
        timeout=120,
    )
    assert signed.status_code in (302, 303), signed.status_code
    return session


def _upload(session: requests.Session, server: ShopServer, product_id: int, photo: bytes):
    page = session.get(f"{server.url}/producer/products/{product_id}", timeout=120)
    return session.post(
        f"{server.url}/producer/products/{product_id}/photos",
        data={"csrf_token": csrf_token(page.text)},
        files={"photo": ("photo.png", photo, "image/png")},
        allow_redirects=False,
        timeout=120,
    )


def _files(media: Path) -> list[str]:
    return sorted(str(path.relative_to(media)) for path in media.rglob("*") if path.is_file())


def test_disk_full_on_upload_says_so_and_writes_nothing(full_disk_shop):
    server, product_id, media = full_disk_shop
    session = _signed_in(server)
    photo = _photo()
    filler = media / "filler.bin"
    room = os.statvfs(media)
    filler.write_bytes(b"\0" * (room.f_bavail * room.f_frsize - 12 * 1024))  # 12 KB left
    assert len(photo) > 12 * 1024

    answer = _upload(session, server, product_id, photo)
    assert answer.status_code == 507
    assert "There is no room to store files right now, so nothing was saved" in answer.text
    assert _files(media) == ["filler.bin"]  # no photo, no half-written .part
    db.session.rollback()
    assert db.session.scalar(select(func.count(ProductImage.id))) == 0

    filler.unlink()  # room again: the same upload goes through
    answer = _upload(session, server, product_id, photo)
    assert answer.status_code in (302, 303)
    db.session.rollback()
    [stored] = db.session.scalars(select(ProductImage.path)).all()
    files = _files(media)  # the photo in every size it is served in, nothing else
    assert stored in files
    assert all(f.startswith(f"products/{product_id}/") and ".part" not in f for f in files)
