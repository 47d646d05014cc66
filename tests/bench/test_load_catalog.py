"""The load benchmark's catalog: grown from the real rows, valid for the real importer."""

from __future__ import annotations

from collections import Counter
from datetime import date

import load_catalog
import pytest

from catalog.admin_units import resolve_province
from catalog.importer import parse_row

TODAY = date(2026, 12, 1)


@pytest.fixture(scope="module")
def rows() -> list[dict[str, str]]:
    return load_catalog.generate_rows(1500, today=TODAY)


def test_every_generated_row_passes_the_importers_validation(rows):
    parsed = [parse_row(row) for row in rows]  # raises RowInvalid with the reason
    assert len(parsed) == 1500
    # Pre-2025 province names are used as announcements print them (Bến Tre is now Vĩnh Long).
    given = {p.province_name_given for p in parsed}
    renamed = {name for name in given if resolve_province(name).is_renamed}
    assert "Bến Tre" in renamed and len(renamed) >= 15
    assert len(given - renamed) >= 10


def test_the_first_rows_are_the_real_products(rows):
    real = load_catalog.read_real_products()
    assert len(real) >= 280
    assert [row["name"] for row in rows[: len(real)]] == [p.name for p in real]
    with_producer = [(r, p) for r, p in zip(rows, real, strict=False) if p.producer]
    assert all(row["producer"] == product.producer for row, product in with_producer)


def test_the_catalog_varies_like_a_real_one(rows):
    names = {row["name"] for row in rows}
    producers = {(row["producer"], row["province"]) for row in rows}
    assert len(names) >= 0.97 * len(rows)
    assert len(producers) >= 150
    assert len({row["province"] for row in rows}) >= 40
    assert set(Counter(row["stars"] for row in rows)) == {"3", "4", "5"}
    assert len({load_catalog.GROUP_CODE[row["group"]] for row in rows}) >= 5
    assert len({row["price_vnd"] for row in rows}) >= 300
    assert any(row["stock"] == "0" for row in rows)


def test_most_certificates_are_valid_today_and_a_few_are_not(rows):
    valid = [
        row
        for row in rows
        if row["certificate_status"] == "verified"
        and date.fromisoformat(row["issued_on"]) <= TODAY <= date.fromisoformat(row["expires_on"])
    ]
    assert 0.9 * len(rows) <= len(valid) < len(rows)


def test_the_same_seed_gives_the_same_file():
    first = load_catalog.to_csv(load_catalog.generate_rows(300, today=TODAY, seed=5))
    again = load_catalog.to_csv(load_catalog.generate_rows(300, today=TODAY, seed=5))
    other = load_catalog.to_csv(load_catalog.generate_rows(300, today=TODAY, seed=6))
    assert first == again != other
    assert first.splitlines()[0] == ",".join(load_catalog.COLUMNS)


def test_variant_names_go_from_grade_to_place_to_two_qualifiers():
    assert load_catalog._variant_name("Mật ong", 0, "Lạng Sơn") == ("Mật ong", "")
    assert load_catalog._variant_name("Mật ong", 1, "Lạng Sơn")[0] == "Mật ong hộp quà"
    assert load_catalog._variant_name("Mật ong", 17, "Lạng Sơn")[0] == "Mật ong hộp quà Lạng Sơn"
    names = {load_catalog._variant_name("Mật ong", v, "Lạng Sơn")[0] for v in range(80)}
    assert len(names) == 80


@pytest.mark.parametrize(
    ("given", "flipped"),
    [
        ("Hòa Bình", "Hoà Bình"),
        ("Khánh Hoà", "Khánh Hòa"),
        ("nước Thủy", "nước Thuỷ"),
        ("Khải Hoàn", "Khải Hoàn"),  # a closed syllable keeps its mark where it is
        ("Tân Cương", "Tân Cương"),
    ],
)
def test_tone_placement_flips_only_open_syllables(given, flipped):
    assert load_catalog.flip_tone_placement(given) == flipped
