"""Origin pages: weight of the first load, QR sizes, and time per page view / QR render / scan.

.venv/bin/python bench/origin_bench.py            # SQLite file in a temp dir
BENCH_DATABASE_URL=postgresql://... .venv/bin/python bench/origin_bench.py
"""

from __future__ import annotations

import gzip
import os
import statistics
import sys
import tempfile
import time
from datetime import date, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))  # config.py lives at the root

from flask_migrate import upgrade

from catalog.models import Certificate, Producer, Product
from catalog.origin.traceability import record_batch, record_scan
from config import TestingConfig
from core.clock import today_in_vietnam
from core.db import db
from storefront import create_app
from storefront.common.qr import qr_matrix, qr_png, qr_svg


def _timed(fn, repeat: int) -> float:
    """Median milliseconds per call."""
    samples = []
    for _ in range(repeat):
        start = time.perf_counter()
        fn()
        samples.append((time.perf_counter() - start) * 1000)
    return statistics.median(samples)


def main() -> None:
    tmp = tempfile.mkdtemp()
    url = os.environ.get("BENCH_DATABASE_URL") or f"sqlite:///{tmp}/bench.sqlite3"
    app = create_app(TestingConfig, SQLALCHEMY_DATABASE_URI=url, SEARCH_INDEX_DIR=f"{tmp}/idx")
    with app.app_context():
        upgrade()
        today = today_in_vietnam()
        producer = Producer(
            slug="htx-bench",
            name="Hợp tác xã Nông nghiệp Dịch vụ Kẹo dừa Mỏ Cày Nam",
            province_code="86",
            province_name_given="Bến Tre",
            commune="Xã Tân Thạch",
            address="Ấp Tân Thạch Thượng, Xã Tân Thạch",
            phone="0275 3123 456",
            registration_no="1300123456",
        )
        product = Product(
            sku="BENCH-1",
            slug="keo-dua-bench",
            producer=producer,
            name="Kẹo dừa sữa nguyên chất hộp quà 500 g",
            group="thuc_pham",
            price_vnd=125000,
            stock=10,
            story="Kẹo dừa nấu từ nước cốt dừa tươi. " * 20,
        )
        db.session.add(product)
        db.session.add(
            Certificate(
                product=product,
                stars=4,
                certificate_no="1234/GCN-UBND",
                decision_no="345/QĐ-UBND",
                issued_by="UBND tỉnh Bến Tre",
                issued_on=today - timedelta(days=100),
                expires_on=today + timedelta(days=900),
                status="verified",
            )
        )
        db.session.flush()
        batch = record_batch(
            product,
            lot_no="L-2026-09",
            produced_on=today - timedelta(days=10),
            best_before_on=today + timedelta(days=355),
            quantity=1000,
            safety_warnings="Chứa sữa.",
        )
        db.session.commit()
        client = app.test_client()
        print("## Origin page weight (HTML incl. inline CSS; no external CSS/JS)")
        for label, code in (("product", product.origin_code), ("batch", batch.code)):
            for lang in ("vi", "en"):
                # A fresh app context: Flask-Babel caches the locale on the app context.
                with app.app_context():
                    body = client.get(f"/o/{code}", headers={"Accept-Language": lang}).data
                print(f"{label:8} {lang}: {len(body):6d} B, gzip {len(gzip.compress(body)):5d} B")
        print("\n## QR sizes (error correction Q, quiet zone 4)")
        for base in (
            "https://ocop.test",
            "https://cho-ocop.example.vn",
            "https://dac-san-ocop.tinh.gov.vn",
        ):
            data = f"{base}/o/{product.origin_code}"
            size = len(qr_matrix(data))
            version = (size - 8 - 17) // 4
            print(
                f"{len(data):3d} chars → version {version}, {size}×{size} modules, "
                f"PNG {len(qr_png(data))} B, SVG {len(qr_svg(data))} B"
            )
        print("\n## Time (median ms)")
        code = product.origin_code
        print(
            f"GET /o/<code> (page + scan commit): {_timed(lambda: client.get(f'/o/{code}'), 200):.2f}"
        )
        print(
            f"GET /o/<code>.json:                 {_timed(lambda: client.get(f'/o/{code}.json'), 200):.2f}"
        )
        print(
            f"GET /o/<code>.png:                  {_timed(lambda: client.get(f'/o/{code}.png'), 200):.2f}"
        )
        print(
            f"GET /o/<code>.svg:                  {_timed(lambda: client.get(f'/o/{code}.svg'), 200):.2f}"
        )

        def scan() -> None:
            record_scan(code, date(2026, 1, 1))
            db.session.commit()

        print(f"record_scan + commit:               {_timed(scan, 500):.2f}")
        print(f"dialect: {db.engine.dialect.name}")
        db.engine.dispose()


if __name__ == "__main__":
    main()
