"""Text in the shop: Unicode NFC, folding, slugs — one definition each, used by every package.

Two ways in, on purpose: `nfc` only normalises (the form stored and searched; the search
tokenizer and highlighter need the text exactly as given, spaces included, so that character
offsets and highlighted pieces line up with it), while `clean_text` is how a value from a form or
a file enters the shop: NFC, invisible characters removed, trimmed.
"""

from __future__ import annotations

import re
import unicodedata

_COMBINING_RE = re.compile(r"[\u0300-\u036f]")
_NON_SLUG_RE = re.compile(r"[^a-z0-9]+")
# Characters that change how text looks without being seen: bidirectional overrides and
# isolates (U+202E turns "gpj.exe" into "exe.jpg"), zero-width spaces and joiners, the word
# joiner and invisible operators, the byte-order mark, the soft hyphen. None belongs in a name,
# an address or a story. (Control characters such as NUL are not removed but refused where text
# enters: a 400 for forms, a reported problem for imports.)
INVISIBLE_RE = re.compile(
    "[\u00ad\u180e\u200b-\u200f\u202a-\u202e\u2060-\u2064\u2066-\u2069\ufeff]"
)


def nfc(text: str | None) -> str:
    """Unicode NFC (precomposed), nothing else; None becomes ''."""
    return unicodedata.normalize("NFC", text or "")


def strip_invisible(text: str) -> str:
    """`text` without the invisible characters of INVISIBLE_RE."""
    return INVISIBLE_RE.sub("", text)


def clean_text(text: str | None) -> str:
    """A value as it enters the shop: NFC, invisible characters removed, trimmed; None → ''."""
    return strip_invisible(nfc(text)).strip()


def fold(text: str) -> str:
    """Lower-case, strip every diacritic and map đ→d ('Đặc sản' → 'dac san'); accepts any form.

    Ð/ð (U+00D0/U+00F0, the Icelandic eth) fold to d too: it looks like Đ and real OCOP names
    are typed with it ("Cờ Ðỏ"), which `co do` must find.
    """
    decomposed = unicodedata.normalize("NFD", text.lower())
    stripped = _COMBINING_RE.sub("", decomposed)
    return unicodedata.normalize("NFC", stripped).replace("đ", "d").replace("ð", "d")


def slugify(text: str) -> str:
    """ASCII slug: 'Nước mắm Phú Quốc' → 'nuoc-mam-phu-quoc'."""
    return _NON_SLUG_RE.sub("-", fold(clean_text(text))).strip("-")
