"""Shipping fee per producer part, from a small documented table by province zone.

Each producer ships its own part from its own province, so the fee depends on how far the
buyer's province is from the producer's: the same province, the same region (North, Central and
Highlands, South) or across regions. Province codes are the 34 current ones (after the
1 July 2025 reform, see `catalog.admin_units`). The table is repeated in docs/orders.md.
"""

from __future__ import annotations

from enum import StrEnum


class Region(StrEnum):
    NORTH = "north"
    CENTRAL = "central"  # north-central, south-central coast and the Central Highlands
    SOUTH = "south"


class ShippingZone(StrEnum):
    SAME_PROVINCE = "same_province"
    SAME_REGION = "same_region"
    OTHER_REGION = "other_region"


SHIPPING_FEES_VND: dict[ShippingZone, int] = {
    ShippingZone.SAME_PROVINCE: 20_000,
    ShippingZone.SAME_REGION: 30_000,
    ShippingZone.OTHER_REGION: 45_000,
}

_REGION_PROVINCES: dict[Region, frozenset[str]] = {
    Region.NORTH: frozenset(
        [
            "01",
            "04",
            "08",
            "11",
            "12",
            "14",
            "15",
            "19",
            "20",
            "22",
            "24",
            "25",
            "31",
            "33",
            "37",
        ]  # Hà Nội … Ninh Bình
    ),
    Region.CENTRAL: frozenset(
        ["38", "40", "42", "44", "46", "48", "51", "52", "56", "66", "68"]  # Thanh Hóa … Lâm Đồng
    ),
    Region.SOUTH: frozenset(
        ["75", "79", "80", "82", "86", "91", "92", "96"]  # Đồng Nai … Cà Mau
    ),
}

PROVINCE_REGION: dict[str, Region] = {
    code: region for region, codes in _REGION_PROVINCES.items() for code in codes
}


def shipping_zone(from_province: str, to_province: str) -> ShippingZone:
    """How far a parcel travels between two current province codes."""
    if from_province == to_province:
        return ShippingZone.SAME_PROVINCE
    from_region = PROVINCE_REGION.get(from_province)
    if from_region is not None and from_region == PROVINCE_REGION.get(to_province):
        return ShippingZone.SAME_REGION
    return ShippingZone.OTHER_REGION


def shipping_fee_vnd(from_province: str, to_province: str) -> int:
    """The fee for one producer's parcel from `from_province` to `to_province`."""
    return SHIPPING_FEES_VND[shipping_zone(from_province, to_province)]
