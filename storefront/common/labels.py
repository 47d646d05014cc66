"""Translated labels for domain codes: groups, producer kinds, certificate states, order statuses,
payment methods, sorts. One place, used by templates, forms and JSON."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l

from catalog.certificates.states import CertificateState
from catalog.enums import IssuerLevel, ProducerKind, ProductGroup
from catalog.products.listing import Sort
from orders.enums import OrderStatus, PaymentMethod

GROUP_LABELS = {
    ProductGroup.FOOD.value: _l("Food"),
    ProductGroup.DRINKS.value: _l("Drinks"),
    ProductGroup.HERBAL.value: _l("Herbal and medicinal products"),
    ProductGroup.HANDICRAFT.value: _l("Handicrafts"),
    ProductGroup.ORNAMENTAL.value: _l("Ornamental plants and animals"),
    ProductGroup.TOURISM.value: _l("Community and eco tourism"),
}

PRODUCER_KIND_LABELS = {
    ProducerKind.COOPERATIVE.value: _l("Cooperative"),
    ProducerKind.ENTERPRISE.value: _l("Enterprise"),
    ProducerKind.HOUSEHOLD.value: _l("Household business"),
    ProducerKind.COOPERATIVE_GROUP.value: _l("Cooperative group"),
}

ISSUER_LEVEL_LABELS = {
    IssuerLevel.DISTRICT.value: _l("district level"),
    IssuerLevel.PROVINCE.value: _l("provincial level"),
    IssuerLevel.CENTRAL.value: _l("national level"),
}

CERTIFICATE_STATE_LABELS = {
    CertificateState.VALID.value: _l("Valid"),
    CertificateState.EXPIRED.value: _l("Expired"),
    CertificateState.NOT_YET_VALID.value: _l("Not yet valid"),
    CertificateState.REVOKED.value: _l("Revoked"),
    CertificateState.PENDING.value: _l("Awaiting verification"),
    CertificateState.NOT_OCOP: _l("Not OCOP certified"),
    CertificateState.REJECTED.value: _l("Rejected"),
}

ORDER_STATUS_LABELS = {
    OrderStatus.AWAITING_PAYMENT.value: _l("Awaiting payment"),
    OrderStatus.PAID.value: _l("Paid"),
    OrderStatus.CONFIRMED.value: _l("Confirmed (cash on delivery)"),
    OrderStatus.PACKED.value: _l("Packed"),
    OrderStatus.SHIPPED.value: _l("Shipped"),
    OrderStatus.DELIVERED.value: _l("Delivered"),
    OrderStatus.CANCELLED.value: _l("Cancelled"),
    OrderStatus.REFUNDED.value: _l("Refunded"),
}

PAYMENT_LABELS = {
    PaymentMethod.COD: _l("Cash on delivery"),
    PaymentMethod.BANK_TRANSFER: _l("Bank transfer (VietQR)"),
    PaymentMethod.CARD: _l("Card (Stripe)"),
    PaymentMethod.COUNTER: _l("Pay at the counter"),
}

SORT_LABELS = {
    Sort.RELEVANCE: _l("Best match"),
    Sort.NEWEST: _l("Newest"),
    Sort.PRICE_ASC: _l("Price: low to high"),
    Sort.PRICE_DESC: _l("Price: high to low"),
    Sort.STARS: _l("Most stars"),
    Sort.NAME: _l("Name"),
}


def group_label(code: str) -> str:
    return str(GROUP_LABELS.get(code, code))


def producer_kind_label(code: str) -> str:
    return str(PRODUCER_KIND_LABELS.get(code, code))


def order_status_label(code: str) -> str:
    return str(ORDER_STATUS_LABELS.get(code, code))


def payment_method_label(code: str) -> str:
    return str(PAYMENT_LABELS.get(PaymentMethod(code), code))


def issuer_level_label(code: str) -> str:
    return str(ISSUER_LEVEL_LABELS.get(code, code))


def certificate_state_label(code: str) -> str:
    return str(CERTIFICATE_STATE_LABELS.get(code, code))
