"""Enumerations of the OCOP domain, stored as strings."""

from __future__ import annotations

from enum import StrEnum

from core.text import fold


class ProducerKind(StrEnum):
    COOPERATIVE = "cooperative"  # hợp tác xã (HTX)
    ENTERPRISE = "enterprise"  # doanh nghiệp
    HOUSEHOLD = "household"  # hộ kinh doanh / cơ sở sản xuất
    COOPERATIVE_GROUP = "cooperative_group"  # tổ hợp tác


class ProductGroup(StrEnum):
    """The six product groups of Decision 148/QĐ-TTg (2023), same as 919/QĐ-TTg (2022)."""

    FOOD = "thuc_pham"
    DRINKS = "do_uong"
    HERBAL = "duoc_lieu"
    HANDICRAFT = "thu_cong_my_nghe"
    ORNAMENTAL = "sinh_vat_canh"
    TOURISM = "du_lich"


class CertificateStatus(StrEnum):
    PENDING = "pending"  # submitted, awaiting verification by program staff
    VERIFIED = "verified"
    REVOKED = "revoked"  # thu hồi
    REJECTED = "rejected"  # program staff refused the submitted data or scan; never counted


class ApplicationStatus(StrEnum):
    PENDING = "pending"
    APPROVED = "approved"
    REJECTED = "rejected"


class IssuerLevel(StrEnum):
    DISTRICT = "district"
    PROVINCE = "province"
    CENTRAL = "central"


# Names accepted for each group: the current (148/2023) Vietnamese name, the pre-2023 names
# that map onto it (490/2018, 1048/2019), and a few common short forms. Compared folded.
_GROUP_NAMES: dict[ProductGroup, tuple[str, ...]] = {
    ProductGroup.FOOD: ("Thực phẩm",),
    ProductGroup.DRINKS: ("Đồ uống",),
    ProductGroup.HERBAL: (
        "Dược liệu và sản phẩm từ dược liệu",
        "Dược liệu",
        "Thảo dược",
    ),
    ProductGroup.HANDICRAFT: (
        "Hàng thủ công mỹ nghệ",
        "Thủ công mỹ nghệ",
        "Vải và may mặc",
        "Lưu niệm - nội thất - trang trí",
        "Lưu niệm, nội thất, trang trí",
        "Lưu niệm nội thất trang trí",
    ),
    ProductGroup.ORNAMENTAL: ("Sinh vật cảnh",),
    ProductGroup.TOURISM: (
        "Dịch vụ du lịch cộng đồng, du lịch sinh thái và điểm du lịch",
        "Dịch vụ du lịch cộng đồng và điểm du lịch",
        "Du lịch",
        "Dịch vụ du lịch nông thôn, bán hàng",
        "Dịch vụ du lịch nông thôn",
    ),
}

_GROUP_LOOKUP: dict[str, ProductGroup] = {}
for _group, _names in _GROUP_NAMES.items():
    _GROUP_LOOKUP[_group.value] = _group
    for _name in _names:
        _GROUP_LOOKUP[" ".join(fold(_name).replace("-", " ").replace(",", " ").split())] = _group


def parse_product_group(value: str) -> ProductGroup | None:
    """A group from its code or any current or pre-2023 Vietnamese name; None if unknown."""
    key = " ".join(fold(value).replace("-", " ").replace(",", " ").split())
    return _GROUP_LOOKUP.get(key) or _GROUP_LOOKUP.get(key.replace(" ", "_"))


def group_names() -> dict[ProductGroup, tuple[str, ...]]:
    """Every accepted Vietnamese name per group (for the import-format docs)."""
    return dict(_GROUP_NAMES)
