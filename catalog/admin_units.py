"""Vietnam's administrative units after the 1 July 2025 reform (34 provinces, 3,321 communes).

Backed by maintained packages rather than a hand-typed list: `vietnam-provinces` for the current
units, `vietnamadminunits` to convert pre-2025 names ("Bến Tre" → Vĩnh Long).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache

from core.text import clean_text, fold, slugify

_PREFIX_RE = re.compile(r"^(tinh|thanh pho|tp\.?)\s+", re.IGNORECASE)


@dataclass(frozen=True)
class ProvinceUnit:
    code: str  # two digits, e.g. "86"
    name: str  # short name, e.g. "Vĩnh Long"
    full_name: str  # e.g. "Tỉnh Vĩnh Long"
    slug: str  # e.g. "vinh-long"


@dataclass(frozen=True)
class ResolvedProvince:
    province: ProvinceUnit
    name_as_given: str  # the name the source used (old or new), NFC
    is_renamed: bool  # True when the given name is a pre-2025 province


@cache
def all_provinces() -> tuple[ProvinceUnit, ...]:
    """The 34 current provinces and centrally-run cities, sorted by name."""
    from vietnam_provinces import Province

    units = []
    for province in Province.iter_all():
        short = _short_name(province.name)
        units.append(
            ProvinceUnit(
                code=f"{int(province.code):02d}",
                name=short,
                full_name=f"{_division_prefix(province)} {short}",
                slug=slugify(short),
            )
        )
    return tuple(sorted(units, key=lambda u: fold(u.name)))


def _short_name(name: str) -> str:
    return clean_text(re.sub(r"^(Tỉnh|Thành phố)\s+", "", clean_text(name)))


def _division_prefix(province) -> str:
    return "Thành phố" if "phố" in str(province.division_type.value) else "Tỉnh"


@cache
def _by_code() -> dict[str, ProvinceUnit]:
    return {unit.code: unit for unit in all_provinces()}


@cache
def _by_folded_name() -> dict[str, ProvinceUnit]:
    return {fold(unit.name): unit for unit in all_provinces()}


def province_by_code(code: str) -> ProvinceUnit | None:
    return _by_code().get(code)


def province_by_slug(slug: str) -> ProvinceUnit | None:
    return next((u for u in all_provinces() if u.slug == slug), None)


def resolve_province(name: str) -> ResolvedProvince | None:
    """Map a current or pre-2025 province name to the current province; None if unknown."""
    given = clean_text(name)
    key = _PREFIX_RE.sub("", fold(given)).strip()
    if not key:
        return None
    current = _by_folded_name().get(key)
    if current is not None:
        return ResolvedProvince(current, given, is_renamed=False)
    converted = _convert_old_province(given)
    if converted is None:
        return None
    return ResolvedProvince(converted, given, is_renamed=True)


@cache
def _convert_old_province(name: str) -> ProvinceUnit | None:
    from vietnamadminunits import convert_address

    try:
        unit = convert_address(name)
    except Exception:  # the converter raises plain exceptions on unknown input
        return None
    code = str(getattr(unit, "province_code", "") or "")
    if not code:
        return None
    return province_by_code(f"{int(code):02d}")


@dataclass(frozen=True)
class CommuneUnit:
    code: str  # five digits, e.g. "00070"
    name: str  # e.g. "Phường Hoàn Kiếm"
    province_code: str  # two digits


def _commune(ward) -> CommuneUnit:
    return CommuneUnit(
        code=f"{int(ward.code):05d}",
        name=clean_text(ward.name),
        province_code=f"{int(ward.province_code):02d}",
    )


@cache
def communes_of_province(province_code: str) -> tuple[CommuneUnit, ...]:
    """The current communes, wards and special zones of one province, sorted by name."""
    from vietnam_provinces import Ward

    units = [_commune(w) for w in Ward.iter_all() if f"{int(w.province_code):02d}" == province_code]
    return tuple(sorted(units, key=lambda u: fold(u.name)))


def commune_by_code(code: str) -> CommuneUnit | None:
    """A current commune by its code, or None."""
    if not code or not code.isdigit():
        return None
    return _communes_by_code().get(f"{int(code):05d}")


@cache
def _communes_by_code() -> dict[str, CommuneUnit]:
    from vietnam_provinces import Ward

    return {unit.code: unit for unit in map(_commune, Ward.iter_all())}
