"""THE for-sale rule. Every listing, page, search, cart, checkout, kiosk, sitemap and API asks here.

A product is for sale on a calendar day `on` (Asia/Ho_Chi_Minh) when
  * its listing is shown (the producer has not hidden it),
  * its producer is active, and
  * it holds a *verified* certificate with 3, 4 or 5 stars whose validity covers `on`,
    both ends inclusive (issued_on <= on <= expires_on). A revoked or pending certificate never
    counts, and a 1★/2★ rating is not an OCOP certification.

It is evaluated at query time against `on`, so a certificate that expires at midnight takes the
product off sale at midnight with no job to run. Each predicate is written once and works both as
SQL (on the mapped class) and in Python (on a loaded instance), so the two can never disagree.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from functools import lru_cache
from typing import Any

from sqlalchemy import ColumnElement, Select, exists, func, select
from sqlalchemy.orm import aliased

from core.db import db

from .enums import CertificateStatus
from .models import Certificate, Producer, Product, product_load_options

# The OCOP ratings: 3★, 4★ and 5★ (1★/2★ assessments are not a certification). Every star bound
# in the shop comes from here (tests/test_architecture.py checks it).
MIN_STARS = 3
MAX_STARS = 5
LOWEST_RATING = 1  # assessments rate 1 to 5 stars; only MIN_STARS and up certify
OCOP_STARS = tuple(range(MIN_STARS, MAX_STARS + 1))


def is_ocop_rating(stars: int) -> bool:
    """3, 4 or 5 stars: a rating that can put a product on sale."""
    return MIN_STARS <= stars <= MAX_STARS


def _certificate_valid(cert: Any, on: date) -> Any:
    # Written with `&` so the same body is an SQL clause on the class and a bool on an instance.
    return (
        (cert.status == CertificateStatus.VERIFIED.value)
        & (cert.stars >= MIN_STARS)
        & (cert.stars <= MAX_STARS)
        & (cert.issued_on <= on)
        & (cert.expires_on >= on)
    )


def _listing_shown(product: Any) -> Any:
    return product.is_listed == True  # noqa: E712 - SQL needs the comparison


def _producer_active(producer: Any) -> Any:
    return producer.is_active == True  # noqa: E712


def certificate_is_valid(cert: Certificate, on: date) -> bool:
    """A loaded certificate counts towards sale on `on` (verified, 3–5 stars, dates cover `on`)."""
    return bool(_certificate_valid(cert, on))


@lru_cache(maxsize=16)
def for_sale_clause(on: date) -> ColumnElement[bool]:
    """SQL WHERE clause over `Product`: the product is for sale on `on`.

    Cached per day: SQL constructs are immutable, and building them costs more than running them.
    """
    # Aliases keep the subqueries self-contained when the outer query joins these tables too.
    cert = aliased(Certificate)
    producer = aliased(Producer)
    has_valid_certificate = exists().where(
        cert.product_id == Product.id, _certificate_valid(cert, on)
    )
    producer_active = exists().where(producer.id == Product.producer_id, _producer_active(producer))
    return _listing_shown(Product) & producer_active & has_valid_certificate


@lru_cache(maxsize=16)
def current_stars_expr(on: date) -> Any:
    """SQL scalar: the best star rating among the product's certificates valid on `on`."""
    cert = aliased(Certificate)
    return (
        select(func.max(cert.stars))
        .where(cert.product_id == Product.id, _certificate_valid(cert, on))
        .correlate(Product)
        .scalar_subquery()
    )


def products_whose_sale_may_change(since: date, on: date) -> Select[tuple[int]]:
    """SELECT the ids of products that may be for sale on `on` but not on `since`, or the other
    way round (`since` < `on`): those with a certificate that became valid after `since` or
    stopped being valid before `on`. The rest answer the rule alike on both days (a cache of
    yesterday's answer only needs these re-asked at midnight)."""
    cert = aliased(Certificate)
    return select(cert.product_id).where(
        ((cert.issued_on > since) & (cert.issued_on <= on))
        | ((cert.expires_on >= since) & (cert.expires_on < on))
    )


@lru_cache(maxsize=16)
def best_stars_by_product(on: date) -> Any:
    """SQL subquery (product_id, stars): each product holding a certificate valid on `on`, with
    the best star rating among those. `current_stars_expr` asks it per product; a query over
    the whole catalog (the for-sale snapshot) joins this instead: one pass over certificates
    instead of one lookup per product."""
    cert = aliased(Certificate)
    return (
        select(cert.product_id.label("product_id"), func.max(cert.stars).label("stars"))
        .where(_certificate_valid(cert, on))
        .group_by(cert.product_id)
        .subquery("best_stars")
    )


def select_for_sale(on: date) -> Select[tuple[Product]]:
    """SELECT products for sale on `on`, with producer and certificates loaded in O(1) queries."""
    return select(Product).where(for_sale_clause(on)).options(*product_load_options())


def is_for_sale(product_id: int, on: date) -> bool:
    """Ask the database whether one product is for sale on `on` (cart, checkout, API)."""
    query = select(Product.id).where(Product.id == product_id, for_sale_clause(on))
    return db.session.scalar(query) is not None


def for_sale_certificate(product: Product, on: date) -> Certificate | None:
    """The certificate that puts a loaded product on sale on `on` (most stars, latest expiry)."""
    valid = [cert for cert in product.certificates if _certificate_valid(cert, on)]
    if not valid:
        return None
    return max(valid, key=lambda cert: (cert.stars, cert.expires_on))


@dataclass(frozen=True)
class SaleStatus:
    """The rule evaluated once on a loaded product: for sale or not, and the certificate that
    is valid on the day (shown even when the listing is hidden or the producer inactive)."""

    for_sale: bool
    certificate: Certificate | None


def sale_status(product: Product, on: date) -> SaleStatus:
    """The same rule as `for_sale_clause`, on a loaded product (no query when relations are
    loaded). Callers that need both the answer and the certificate ask once, here."""
    certificate = for_sale_certificate(product, on)
    for_sale = bool(
        _listing_shown(product) and _producer_active(product.producer) and certificate is not None
    )
    return SaleStatus(for_sale=for_sale, certificate=certificate)


def product_is_for_sale(product: Product, on: date) -> bool:
    """Whether a loaded product is for sale on `on` (see `sale_status`)."""
    return sale_status(product, on).for_sale
