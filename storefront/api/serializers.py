"""Product → JSON. URLs are absolute, built from PUBLIC_BASE_URL."""

from __future__ import annotations

from datetime import date
from typing import Any

from flask import url_for

from catalog.admin_units import province_by_code
from catalog.certificates.states import CertificateState, shown_certificate
from catalog.models import Certificate, Product

from ..common.urls import origin_url, public_url


def certificate_json(
    cert: Certificate | None, state: CertificateState | None
) -> dict[str, Any] | None:
    """A certificate and its state on the day asked (the caller evaluated the rule)."""
    if cert is None or state is None:
        return None
    return {
        "stars": cert.stars,
        "certificate_no": cert.certificate_no,
        "decision_no": cert.decision_no,
        "issued_by": cert.issued_by,
        "issuer_level": cert.issuer_level,
        "issued_on": cert.issued_on.isoformat(),
        "expires_on": cert.expires_on.isoformat(),
        "status": cert.status,
        "state": state.value,
    }


def product_json(product: Product, today: date) -> dict[str, Any]:
    province = province_by_code(product.producer.province_code)
    shown = shown_certificate(product, today)  # the for-sale rule, once
    valid = shown.certificate if shown.state == CertificateState.VALID else None
    return {
        "sku": product.sku,
        "name": product.name,
        "name_en": product.name_en,
        "stars": valid.stars if valid else None,
        "group": product.group,
        "province": province.name if province else None,
        "province_as_given": product.producer.province_name_given,
        "producer": product.producer.name,
        "price_vnd": product.price_vnd,
        "stock": product.stock,
        "unit": product.unit,
        "for_sale": shown.for_sale,
        "url": public_url(url_for("shop.product_detail", slug=product.slug)),
        "certificate": certificate_json(shown.certificate, shown.state),
        "origin_url": origin_url(product.origin_code),
        "qr_png_url": origin_url(product.origin_code, ".png"),
    }
