"""Origin codes: the short, stable, case-insensitive codes printed under every QR stamp.

A code is 8 characters of Crockford's base32 (digits and letters without I, L, O, U), drawn with
`secrets`: 32**8 ≈ 1.1 × 10^12 codes, so a code cannot be guessed by walking neighbours, and
nothing in it can be misread on a smudged label (no 0/O, 1/I/L). Products and batches share one
namespace — `/o/<code>` resolves either — so a new code is checked against both tables.

Reading is forgiving: lower case, hyphens and spaces are ignored, and the letters a buyer may type
by mistake are mapped as Crockford specifies (O → 0, I and L → 1).
"""

from __future__ import annotations

import re
import secrets
from typing import Any

from sqlalchemy import Connection, select

CODE_ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"  # Crockford base32
CODE_LENGTH = 8
_MAX_CODE_INPUT = 32
_TYPO_MAP = str.maketrans({"O": "0", "I": "1", "L": "1"})
_CODE_RE = re.compile(f"[{CODE_ALPHABET}]{{{CODE_LENGTH}}}")


def random_origin_code() -> str:
    """A fresh random code (not yet checked for uniqueness)."""
    return "".join(secrets.choice(CODE_ALPHABET) for _ in range(CODE_LENGTH))


def normalize_origin_code(text: str | None) -> str | None:
    """The canonical code a buyer meant ('abcd-efgh' → 'ABCDEFGH'); None if it cannot be one."""
    if not text or len(text) > _MAX_CODE_INPUT:
        return None
    cleaned = text.upper().replace("-", "").replace(" ", "").translate(_TYPO_MAP)
    return cleaned if _CODE_RE.fullmatch(cleaned) else None


def format_origin_code(code: str) -> str:
    """The code as printed on a stamp, in two groups of four ('ABCD-EFGH')."""
    return f"{code[:4]}-{code[4:]}"


def fresh_origin_codes(connection: Connection, count: int) -> list[str]:
    """`count` distinct random codes used by no product and no batch yet, checked in one query
    per table (a bulk import would otherwise ask twice per product, see `origin_code_default`)."""
    from ..models import Batch, Product

    codes: set[str] = set()
    while len(codes) < count:
        drawn = {random_origin_code() for _ in range(count - len(codes))} - codes
        for column in (Product.origin_code, Batch.code):
            if drawn:
                drawn -= set(connection.scalars(select(column).where(column.in_(drawn))))
        codes |= drawn
    return list(codes)


def origin_code_default(context: Any) -> str:
    """Column default: every product and batch gets a free code when it is inserted.

    A default (not the importer or a service) assigns it, so no code path can create a product
    without one. The unique constraints still guard the last-instant race of two inserts.
    """
    return fresh_origin_codes(context.connection, 1)[0]
