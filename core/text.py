"""Text entering the shop: Unicode NFC, slugs."""

from __future__ import annotations

import re
import unicodedata

_COMBINING_RE = re.compile(r"[\u0300-\u036f]")
_NON_SLUG_RE = re.compile(r"[^a-z0-9]+")


def nfc(text: str | None) -> str:
    """NFC-normalise and strip; None becomes ''."""
    if text is None:
        return ""
    return unicodedata.normalize("NFC", text).strip()


def fold(text: str) -> str:
    """Lower-case, strip every diacritic and map đ→d ('Đặc sản' → 'dac san')."""
    decomposed = unicodedata.normalize("NFD", text.lower())
    stripped = _COMBINING_RE.sub("", decomposed)
    return unicodedata.normalize("NFC", stripped).replace("đ", "d")


def slugify(text: str) -> str:
    """ASCII slug: 'Nước mắm Phú Quốc' → 'nuoc-mam-phu-quoc'."""
    return _NON_SLUG_RE.sub("-", fold(nfc(text))).strip("-")
