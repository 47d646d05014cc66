"""Administrative units after the 2025 reform, from maintained packages."""

from __future__ import annotations

import pytest

from catalog.admin_units import all_provinces, province_by_slug, resolve_province


def test_there_are_34_current_provinces():
    provinces = all_provinces()
    assert len(provinces) == 34
    assert {"Hà Nội", "Hồ Chí Minh", "Vĩnh Long", "An Giang", "Huế"} <= {p.name for p in provinces}
    assert province_by_slug("vinh-long").code == "86"


@pytest.mark.parametrize(
    ("given", "current", "renamed"),
    [
        ("Bến Tre", "Vĩnh Long", True),
        ("ben tre", "Vĩnh Long", True),
        ("Kiên Giang", "An Giang", True),
        ("Tỉnh Kiên Giang", "An Giang", True),
        ("Bình Dương", "Hồ Chí Minh", True),
        ("Trà Vinh", "Vĩnh Long", True),
        ("Thừa Thiên Huế", "Huế", True),
        ("Hoà Bình", "Phú Thọ", True),  # old tone placement
        ("Hà Nội", "Hà Nội", False),
        ("TP. Hồ Chí Minh", "Hồ Chí Minh", False),
    ],
)
def test_pre_2025_names_resolve_to_the_current_province(given, current, renamed):
    resolved = resolve_province(given)
    assert resolved is not None
    assert (resolved.province.name, resolved.is_renamed, resolved.name_as_given) == (
        current,
        renamed,
        given,
    )


@pytest.mark.parametrize("given", ["", "Atlantis", "xyz abc"])
def test_unknown_names_are_refused(given):
    assert resolve_province(given) is None
