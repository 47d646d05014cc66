"""An origin code → the digital product passport as JSON (schema in docs/origin.md)."""

from __future__ import annotations

from datetime import date
from typing import Any

from flask import url_for

from catalog.admin_units import province_by_code
from catalog.certificates.states import CertificateState, certificate_state, shown_certificate
from catalog.models import Batch, Certificate
from catalog.origin.traceability import OriginTarget

from ..common.urls import origin_url, public_url

SCHEMA = "ocop-origin/1"


def _certificate(cert: Certificate | None, state: CertificateState | None) -> dict[str, Any] | None:
    # The API's certificate shape plus what a passport needs when it was revoked.
    if cert is None or state is None:
        return None
    return {
        "stars": cert.stars,
        "certificate_no": cert.certificate_no or None,
        "decision_no": cert.decision_no or None,
        "issued_by": cert.issued_by or None,
        "issuer_level": cert.issuer_level,
        "issued_on": cert.issued_on.isoformat(),
        "expires_on": cert.expires_on.isoformat(),
        "status": cert.status,
        "state": state.value,
        "revoked_on": cert.revoked_on.isoformat() if cert.revoked_on else None,
        "status_reason": cert.status_reason or None,
    }


def _batch(batch: Batch | None) -> dict[str, Any] | None:
    if batch is None:
        return None
    return {
        "code": batch.code,
        "url": origin_url(batch.code),
        "lot_no": batch.lot_no,
        "produced_on": batch.produced_on.isoformat(),
        "best_before_on": batch.best_before_on.isoformat(),
        "quantity": batch.quantity,
        "safety_warnings": batch.safety_warnings or None,
    }


def origin_json(target: OriginTarget, today: date) -> dict[str, Any]:
    """Every fact of the origin page, for other traceability systems."""
    product, producer = target.product, target.product.producer
    province = province_by_code(producer.province_code)
    shown = shown_certificate(product, today)  # the for-sale rule, once
    return {
        "schema": SCHEMA,
        "code": target.code,
        "kind": "batch" if target.is_batch else "product",
        "url": origin_url(target.code),
        "qr_png_url": origin_url(target.code, ".png"),
        "qr_svg_url": origin_url(target.code, ".svg"),
        "checked_on": today.isoformat(),
        "product": {
            "sku": product.sku,
            "origin_code": product.origin_code,
            "name": product.name,
            "name_en": product.name_en or None,
            "gtin": product.gtin or None,
            "group": product.group,
            "unit": product.unit or None,
            "story": product.story or None,
            "story_en": product.story_en or None,
            "for_sale": shown.for_sale,
            "url": public_url(url_for("shop.product_detail", slug=product.slug)),
        },
        "producer": {
            "name": producer.name,
            "kind": producer.kind,
            "registration_no": producer.registration_no or None,
            "phone": producer.phone or None,
            "address": producer.address or None,
            "commune": producer.commune or None,
            "province_code": producer.province_code,
            "province": province.name if province else None,
            "province_as_given": producer.province_name_given or None,
        },
        "origin": {
            "country_code": "VN",
            "province": province.name if province else None,
        },
        "certificate": _certificate(shown.certificate, shown.state),
        "certificates": [
            _certificate(cert, certificate_state(cert, today)) for cert in product.certificates
        ],
        "batch": _batch(target.batch),
    }
