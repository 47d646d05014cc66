"""Stamp sheets and the `flask origin` commands."""

from __future__ import annotations

import re
from datetime import date, timedelta

from sqlalchemy import select

from catalog.models import Batch
from catalog.origin.codes import format_origin_code
from core.clock import today_in_vietnam
from core.db import db
from storefront.common.qr import qr_matrix
from storefront.common.stamps import stamp_sheet_view
from tests.fixtures.origin import svg_modules


def _symbol_matrix(html: str) -> list[list[bool]]:
    symbol = re.search(r'<symbol id="qr" (viewBox="[^"]+")>(.*?)</symbol>', html, re.S)
    return svg_modules(f"<svg {symbol.group(1)}>{symbol.group(2)}</svg>")


def test_stamps_command_writes_an_a4_sheet(runner, make_product, tmp_path):
    product = make_product(name="Kẹo dừa sữa", certificate={"stars": 5})
    output = tmp_path / "sheet.html"
    result = runner.invoke(
        args=["origin", "stamps", product.sku.lower(), "--count", "30", "-o", str(output)]
    )
    assert result.exit_code == 0, result.output
    html = output.read_text(encoding="utf-8")
    assert "@page{size:A4" in html
    assert html.count('class="stamp"') == 30
    assert html.count('class="sheet"') == 2  # 24 per page
    assert html.count(format_origin_code(product.origin_code)) >= 30
    assert html.count("Kẹo dừa sữa") >= 30
    assert html.count("★★★★★") == 30
    assert "ocop.test/o/" + product.origin_code in html
    assert _symbol_matrix(html) == qr_matrix(f"https://ocop.test/o/{product.origin_code}")
    assert "http" not in html.replace("https://ocop.test", "")  # nothing from another host


def test_stamps_for_a_batch_encode_the_batch_code(runner, make_product, make_batch, tmp_path):
    batch = make_batch(make_product(), lot_no="L-77")
    output = tmp_path / "sheet.html"
    result = runner.invoke(
        args=["origin", "stamps", batch.code.lower(), "--count", "3", "-o", str(output)]
    )
    assert result.exit_code == 0, result.output
    html = output.read_text(encoding="utf-8")
    assert html.count('class="stamp"') == 3
    assert "L-77" in html
    assert _symbol_matrix(html) == qr_matrix(f"https://ocop.test/o/{batch.code}")


def test_stamps_of_an_uncertified_product_carry_no_stars(runner, make_product, tmp_path):
    today = today_in_vietnam()
    product = make_product(
        certificate={
            "issued_on": today - timedelta(days=900),
            "expires_on": today - timedelta(days=1),
        }
    )
    output = tmp_path / "sheet.html"
    result = runner.invoke(
        args=["origin", "stamps", product.sku, "--count", "2", "-o", str(output)]
    )
    assert result.exit_code == 0
    assert "no valid OCOP certificate" in result.output
    assert "★" not in output.read_text(encoding="utf-8")


def test_stamps_command_refuses_unknown_products(runner, tmp_path):
    result = runner.invoke(args=["origin", "stamps", "NOPE", "-o", str(tmp_path / "x.html")])
    assert result.exit_code != 0
    assert not (tmp_path / "x.html").exists()


def test_no_public_route_prints_stamps(app):
    assert not any(
        "stamp" in rule.rule or "stamp" in rule.endpoint for rule in app.url_map.iter_rules()
    )


def test_stamp_sheet_view_can_be_mounted_by_the_portal(app, make_product):
    product = make_product()
    # What the producer portal will do behind its login.
    app.add_url_rule("/test-portal/stamps/<code>", view_func=stamp_sheet_view)
    response = app.test_client().get(f"/test-portal/stamps/{product.sku}?count=5")
    assert response.status_code == 200
    assert response.headers["Cache-Control"] == "private, no-store"
    assert response.get_data(as_text=True).count('class="stamp"') == 5


def test_add_batch_command_records_a_batch(runner, make_product):
    product = make_product()
    result = runner.invoke(
        args=[
            "origin", "add-batch", product.sku, "--lot", "L-2026-09",
            "--produced-on", "2026-09-01", "--best-before", "2027-08-31",
            "--quantity", "800", "--warnings", "Chứa đậu phộng.",
        ]
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    batch = db.session.scalar(select(Batch).where(Batch.product_id == product.id))
    assert (batch.lot_no, batch.produced_on, batch.best_before_on, batch.quantity) == (
        "L-2026-09",
        date(2026, 9, 1),
        date(2027, 8, 31),
        800,
    )
    assert batch.safety_warnings == "Chứa đậu phộng."
    assert f"https://ocop.test/o/{batch.code}" in result.output


def test_add_batch_command_reports_bad_input_and_stores_nothing(runner, make_product, make_batch):
    product = make_product()
    make_batch(product, lot_no="L1")
    base = ["origin", "add-batch", product.sku, "--quantity", "5"]
    cases = [
        ["--lot", "L1", "--produced-on", "2026-01-01", "--best-before", "2026-12-31"],
        ["--lot", "L2", "--produced-on", "2026-01-01", "--best-before", "2025-12-31"],
        ["--lot", "L3", "--produced-on", "01/01/2026", "--best-before", "2026-12-31"],
    ]
    for extra in cases:
        result = runner.invoke(args=base + extra)
        assert result.exit_code != 0, extra
    unknown = runner.invoke(
        args=["origin", "add-batch", "NOPE", "--lot", "L", "--produced-on", "2026-01-01",
              "--best-before", "2026-12-31", "--quantity", "1"]
    )  # fmt: skip
    assert unknown.exit_code != 0
    assert [b.lot_no for b in db.session.scalars(select(Batch))] == ["L1"]


def test_scans_command_prints_daily_totals(runner, client, make_product, make_batch):
    product = make_product()
    batch = make_batch(product)
    client.get(f"/o/{product.origin_code}")
    client.get(f"/o/{batch.code}")
    result = runner.invoke(args=["origin", "scans", product.sku])
    assert result.exit_code == 0
    assert result.output.strip() == f"{today_in_vietnam().isoformat()}  2"
