"""A small vocabulary table for words producers type in Vietnamese (units, issuing bodies), so an
English page does not show "Chai 500 ml" or "UBND tỉnh Bến Tre". Vietnamese pages show the text as
typed; unknown words stay as typed (a proper name is better untranslated than guessed)."""

from __future__ import annotations

import re

from core.text import nfc

from ..i18n import current_locale

# Unit words (lower case, NFC) → English. Numbers, measures and "×" pass through untouched.
UNIT_WORDS = {
    "bộ": "set",
    "bức": "picture",
    "chai": "bottle",
    "chiếc": "piece",
    "chậu": "pot",
    "con": "piece",
    "hũ": "jar",
    "hộp": "box",
    "lọ": "jar",
    "quả": "fruit",
    "trái": "fruit",
    "thùng": "case",
    "túi": "bag",
    "tấm": "sheet",
    "vé": "ticket",
    "đêm": "night",
    "người": "person",
    "gói": "packets",
    "món": "items",
    "miếng": "pieces",
    "nén": "sticks",
    "túi lọc": "tea bags",
    "cành": "stems",
    "cao": "high",
    "cái": "piece",
    "lon": "can",
    "bao": "sack",
    "cặp": "pair",
    "đôi": "pair",
    "kg": "kg",
}

# Issuing bodies: fixed names, and "UBND <level> <place>" patterns (the place stays as written).
ISSUER_NAMES = {
    "bộ nông nghiệp và phát triển nông thôn": "Ministry of Agriculture and Rural Development",
    "bộ nông nghiệp và môi trường": "Ministry of Agriculture and Environment",
}
ISSUER_LEVELS = (
    ("ubnd tỉnh ", "{place} Provincial People's Committee"),
    ("ubnd thành phố ", "{place} City People's Committee"),
    ("ubnd tp ", "{place} City People's Committee"),
    ("ubnd thị xã ", "{place} Town People's Committee"),
    ("ubnd huyện ", "{place} District People's Committee"),
    ("ubnd quận ", "{place} District People's Committee"),
    ("ubnd xã ", "{place} Commune People's Committee"),
)

_WORD_RE = re.compile(r"[^\W\d_]+(?: lọc)?", re.UNICODE)


def _english_unit(text: str) -> str:
    def swap(match: re.Match) -> str:
        word = match.group(0)
        english = UNIT_WORDS.get(word.lower())
        if english is None and " " in word:  # "túi lọc" unknown as a pair: translate the first
            head, tail = word.split(" ", 1)
            english = UNIT_WORDS.get(head.lower(), head) + " " + UNIT_WORDS.get(tail, tail)
        return english if english is not None else word

    translated = _WORD_RE.sub(swap, nfc(text))
    return translated[:1].upper() + translated[1:]


def unit_label(text: str, locale: str | None = None) -> str:
    """A product's unit ("Hộp 400 g") in the page's language ("Box 400 g" in English)."""
    if not text or (locale or current_locale()) != "en":
        return text
    return _english_unit(text)


def issuer_label(text: str, locale: str | None = None) -> str:
    """A certificate's issuing body in the page's language, when the table knows it."""
    if not text or (locale or current_locale()) != "en":
        return text
    name = nfc(text).strip()
    key = name.lower()
    if key in ISSUER_NAMES:
        return ISSUER_NAMES[key]
    for prefix, pattern in ISSUER_LEVELS:
        if key.startswith(prefix):
            return pattern.format(place=name[len(prefix):].strip())
    return text
