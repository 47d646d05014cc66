"""CSV import: good rows in, bad rows reported by line and reason, re-import changes nothing."""

from __future__ import annotations

from pathlib import Path

from sqlalchemy import func, select, text

from catalog.importer import COLUMNS, IMPORTED_TABLES, import_catalog
from catalog.models import Certificate, Producer, Product
from core.clock import utcnow
from core.db import db

MIXED = (Path(__file__).resolve().parent.parent / "data" / "mixed.csv").read_text(encoding="utf-8")


def _count(model) -> int:
    return db.session.scalar(select(func.count()).select_from(model))


def test_good_rows_go_in_and_bad_rows_are_reported_with_line_and_reason(app):
    report = import_catalog(MIXED, actor_id=None, now=utcnow(), skip_bad=True)
    assert (report.created, report.updated, report.unchanged) == (3, 0, 0)
    assert [(e.line, e.sku) for e in report.errors] == [
        (4, "T-003"),
        (5, "T-004"),
        (6, "T-005"),
        (7, "T-006"),
    ]
    # The domain reports codes and parameters; sentences are the web layer's (test below).
    assert [(e.code, e.column, e.params) for e in report.errors] == [
        ("stars_out_of_range", "stars", {"value": 7, "min": 3, "max": 5}),
        ("unknown_group", "group", {"value": "banh keo"}),
        ("not_a_date", "issued_on", {"value": report.errors[2].params["value"]}),
        ("negative_price", "price_vnd", {"value": -5}),
    ]
    assert report.saved
    assert sorted(db.session.scalars(select(Product.sku))) == ["T-001", "T-002", "T-007"]
    # Nothing of a bad row was half-imported: no producer "Someone" exists.
    assert db.session.scalar(select(Producer).where(Producer.name == "Someone")) is None


def test_reimport_changes_nothing(app):
    import_catalog(MIXED, actor_id=None, now=utcnow(), skip_bad=True)
    before = [
        (p.id, p.updated_at) for p in db.session.scalars(select(Product).order_by(Product.id))
    ]
    counts = (_count(Producer), _count(Product), _count(Certificate))
    report = import_catalog(MIXED, actor_id=None, now=utcnow(), skip_bad=True)
    assert (report.created, report.updated, report.unchanged) == (0, 0, 3)
    assert (_count(Producer), _count(Product), _count(Certificate)) == counts
    db.session.expire_all()
    after = [(p.id, p.updated_at) for p in db.session.scalars(select(Product).order_by(Product.id))]
    assert after == before


def test_changed_row_updates_the_product(app):
    import_catalog(MIXED, actor_id=None, now=utcnow(), skip_bad=True)
    changed = MIXED.replace(",45000,120,", ",47000,99,")
    report = import_catalog(changed, actor_id=None, now=utcnow(), skip_bad=True)
    assert (report.created, report.updated, report.unchanged) == (0, 1, 2)
    product = db.session.scalar(select(Product).where(Product.sku == "T-001"))
    assert (product.price_vnd, product.stock) == (47000, 99)


def test_dry_run_saves_nothing(app):
    report = import_catalog(MIXED, dry_run=True, actor_id=None, now=utcnow())
    assert report.created == 3
    assert len(report.errors) == 4
    assert _count(Product) == 0


def test_old_province_names_map_to_current_provinces_and_keep_the_old_name(app):
    import_catalog(MIXED, actor_id=None, now=utcnow(), skip_bad=True)
    candy = db.session.scalar(select(Product).where(Product.sku == "T-001"))
    sauce = db.session.scalar(select(Product).where(Product.sku == "T-002"))
    assert (candy.producer.province_code, candy.producer.province_name_given) == ("86", "Bến Tre")
    assert (sauce.producer.province_code, sauce.producer.province_name_given) == (
        "91",
        "Kiên Giang",
    )


def test_old_group_names_map_to_current_groups(app):
    header = ",".join(COLUMNS)
    rows = [
        "G-1,Trà gừng,,Thảo dược,3,,,,2025-01-01,2027-12-31,verified,HTX A,cooperative,Hà Nội,,1000,1,,,",
        "G-2,Khăn thổ cẩm,,Vải và may mặc,3,,,,2025-01-01,2027-12-31,verified,HTX A,cooperative,Hà Nội,,1000,1,,,",
        'G-3,Homestay,,"Dịch vụ du lịch nông thôn, bán hàng",3,,,,2025-01-01,2027-12-31,verified,HTX A,cooperative,Hà Nội,,1000,1,,,',
        "G-4,Bình gốm,,Lưu niệm - nội thất - trang trí,4,,,,2025-01-01,2027-12-31,verified,HTX A,cooperative,Hà Nội,,1000,1,,,",
    ]
    report = import_catalog("\n".join([header, *rows]) + "\n", actor_id=None, now=utcnow())
    assert report.errors == []
    groups = dict(db.session.execute(select(Product.sku, Product.group)).all())
    assert groups == {
        "G-1": "duoc_lieu",
        "G-2": "thu_cong_my_nghe",
        "G-3": "du_lich",
        "G-4": "thu_cong_my_nghe",
    }


def test_nfd_input_is_stored_as_nfc(app):
    import unicodedata

    nfd = unicodedata.normalize("NFD", MIXED)
    import_catalog(nfd, actor_id=None, now=utcnow(), skip_bad=True)
    name = db.session.scalar(select(Product.name).where(Product.sku == "T-001"))
    assert name == unicodedata.normalize("NFC", "Kẹo dừa sữa")


def test_missing_columns_reject_the_file(app):
    report = import_catalog("sku,name\nA,B\n", actor_id=None, now=utcnow())
    assert report.errors[0].line == 1
    assert report.errors[0].code == "missing_columns"
    assert report.errors[0].params["columns"][0] == "name_en"
    assert _count(Product) == 0


def test_cli_import_reports_and_exits_nonzero_on_bad_rows(runner, tmp_path):
    path = tmp_path / "mixed.csv"
    path.write_text(MIXED, encoding="utf-8")
    result = runner.invoke(args=["catalog", "import", "--skip-bad", str(path)])
    assert result.exit_code == 1
    assert "line 4: T-003: stars: must be between 3 and 5, got 7" in result.output
    assert "line 5: T-004: group: unknown product group 'banh keo'" in result.output
    assert "line 7: T-006: price_vnd: negative price -5" in result.output
    assert "created 3, updated 0, unchanged 0, rejected 4" in result.output
    assert _count(Product) == 3


def test_demo_catalog_imports_cleanly_with_required_coverage(runner):
    result = runner.invoke(args=["catalog", "load-demo"])
    assert result.exit_code == 0, result.output
    assert "rejected 0" in result.output
    from catalog.for_sale import select_for_sale
    from core.clock import today_in_vietnam

    on_sale = list(db.session.scalars(select_for_sale(today_in_vietnam())))
    assert len(on_sale) >= 60
    assert len({p.producer.province_code for p in on_sale}) >= 12
    assert {p.group for p in on_sale} == {
        "thuc_pham",
        "do_uong",
        "duoc_lieu",
        "thu_cong_my_nghe",
        "sinh_vat_canh",
        "du_lich",
    }
    from catalog.for_sale import for_sale_certificate

    assert {for_sale_certificate(p, today_in_vietnam()).stars for p in on_sale} == {3, 4, 5}
    assert _count(Product) > len(on_sale)  # the expired/pending/revoked demo rows stay hidden


def test_cli_import_is_audited_like_the_admin_page(runner, tmp_path):
    from accounts.models import AuditEntry

    path = tmp_path / "mixed.csv"
    path.write_text(MIXED, encoding="utf-8")
    runner.invoke(args=["catalog", "import", "--skip-bad", str(path)])
    runner.invoke(args=["catalog", "import", "--dry-run", str(path)])
    runner.invoke(args=["catalog", "import", str(path)])  # refused whole: nothing saved
    [entry] = db.session.scalars(select(AuditEntry).where(AuditEntry.action == "catalog.imported"))
    assert entry.actor_id is None  # the command line acts as the system
    assert (entry.after["created"], entry.after["rejected"]) == (3, 4)
    assert len(entry.after["product_ids"]) == 3


def _times_analyzed(table: str) -> int:
    """How often `table` has been analyzed (PostgreSQL), or whether it has statistics (SQLite)."""
    if db.engine.dialect.name == "postgresql":
        db.session.execute(text("SELECT pg_stat_clear_snapshot()"))
        count = db.session.scalar(
            text("SELECT analyze_count FROM pg_stat_user_tables WHERE relname = :t"), {"t": table}
        )
        db.session.rollback()
        return int(count or 0)
    exists = db.session.scalar(
        text("SELECT count(*) FROM sqlite_master WHERE name = 'sqlite_stat1'")
    )
    found = exists and db.session.scalar(
        text("SELECT count(*) FROM sqlite_stat1 WHERE tbl = :t"), {"t": table}
    )
    db.session.rollback()
    return int(found or 0)


def test_a_bulk_import_refreshes_the_planner_statistics_of_its_tables(app):
    if db.engine.dialect.name == "sqlite":
        with db.engine.begin() as conn:
            conn.exec_driver_sql("ANALYZE")  # creates sqlite_stat1
            conn.exec_driver_sql("DELETE FROM sqlite_stat1")
    before = {table: _times_analyzed(table) for table in IMPORTED_TABLES}
    # MIXED holds bad rows: a file imports whole or not at all, so keep the good ones.
    report = import_catalog(MIXED, actor_id=None, now=utcnow(), skip_bad=True)
    assert report.created == 3
    after = {table: _times_analyzed(table) for table in IMPORTED_TABLES}
    assert all(after[table] > before[table] for table in IMPORTED_TABLES), (before, after)


def test_a_dry_run_analyzes_nothing(app):
    if db.engine.dialect.name == "sqlite":
        with db.engine.begin() as conn:
            conn.exec_driver_sql("ANALYZE")
            conn.exec_driver_sql("DELETE FROM sqlite_stat1")
    before = _times_analyzed("product")
    import_catalog(MIXED, actor_id=None, now=utcnow(), dry_run=True)
    assert _times_analyzed("product") == before
