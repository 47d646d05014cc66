"""Who may use which route: every route declares it, and the portal matrix holds exactly.

Producer B (and everyone else) gets "not found" for producer A's product, photo, certificate
and order part, whatever id it guesses, and nothing of A's changes.
"""

from __future__ import annotations

import io
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from sqlalchemy import func, select

from accounts.models import AuditEntry
from catalog.models import Certificate, Product, ProductImage
from core.db import db
from orders.models import OrderPart
from storefront.access import declared_access
from tests.conftest import app_context_for_test, make_test_app
from tests.fixtures.portal import PDF_BYTES, image_bytes

ROLES = ("anonymous", "buyer", "member_b", "admin", "member_a", "owner_a")


@pytest.fixture(scope="module")
def matrix_app(database_url, tmp_path_factory):
    """One app for this module's few hundred cases: building an app (its URL map) cost more than
    most cases. Each case still gets its own app context on an emptied database (`app` below)."""
    shared = make_test_app(database_url, tmp_path_factory.mktemp("matrix"))
    yield shared
    with shared.app_context():
        db.engine.dispose()


@pytest.fixture
def app(matrix_app):
    with app_context_for_test(matrix_app):
        yield matrix_app


def test_every_route_declares_who_may_use_it(app):
    undeclared = sorted(
        rule.endpoint
        for rule in app.url_map.iter_rules()
        if rule.endpoint != "static" and declared_access(app.view_functions[rule.endpoint]) is None
    )
    assert undeclared == []


def test_portal_and_admin_routes_are_never_public(app):
    offenders = [
        rule.endpoint
        for rule in app.url_map.iter_rules()
        if rule.endpoint.startswith(("producer.", "admin."))
        and declared_access(app.view_functions[rule.endpoint]) == "public"
    ]
    assert offenders == []


@dataclass
class Case:
    endpoint: str
    method: str
    url: str  # formatted with the world's ids
    allowed: int  # status for the roles the route is for
    allowed_roles: tuple[str, ...] = ("member_a", "owner_a")
    data: dict = field(default_factory=dict)
    # What producer B and the other roles get (B: "not found" when the URL names A's rows).
    member_b: int = 404


PRODUCER_CASES = [
    Case("producer.dashboard", "GET", "/producer/", 200, member_b=200),
    Case("producer.products", "GET", "/producer/products", 200, member_b=200),
    Case("producer.product_new", "GET", "/producer/products/new", 200, member_b=200),
    Case("producer.product_edit", "GET", "/producer/products/{product_a}", 200),
    Case(
        "producer.product_edit",
        "POST",
        "/producer/products/{product_a}",
        302,
        data={"name": "Đổi tên", "group": "thuc_pham", "price_vnd": "1", "stock": "0"},
    ),
    Case("producer.product_listing", "POST", "/producer/products/{product_a}/listing", 302),
    Case("producer.photo_upload", "POST", "/producer/products/{product_a}/photos", 302),
    Case(
        "producer.photo_delete",
        "POST",
        "/producer/products/{product_a}/photos/{image_a}/delete",
        302,
    ),
    Case(
        "producer.photo_move",
        "POST",
        "/producer/products/{product_a}/photos/{image_a}/move",
        302,
        data={"to": "first"},
    ),
    Case(
        "producer.photo_alt",
        "POST",
        "/producer/products/{product_a}/photos/{image_a}/alt",
        302,
        data={"alt": "Hũ kẹo"},
    ),
    Case(
        "producer.photo_move",
        "POST",
        "/producer/products/{product_b}/photos/{image_a}/move",  # B's product, A's photo
        404,
        member_b=404,
        allowed_roles=(),
        data={"to": "first"},
    ),
    Case(
        "producer.photo_delete",
        "POST",
        "/producer/products/{product_b}/photos/{image_a}/delete",  # B's product, A's photo
        404,
        member_b=404,
        allowed_roles=(),
    ),
    Case("producer.certificate_new", "GET", "/producer/products/{product_a}/certificates/new", 200),
    Case(
        "producer.certificate_new",
        "POST",
        "/producer/products/{product_a}/certificates/new",
        302,
        data={
            "stars": "4",
            "certificate_no": "9/GCN",
            "issued_by": "UBND",
            "issuer_level": "province",
            "issued_on": "2026-01-01",
            "expires_on": "2029-01-01",
        },
    ),
    Case("producer.certificate_scan", "GET", "/producer/certificates/{certificate_a}/scan", 200),
    Case("producer.batch_detail", "GET", "/producer/batches/{batch_a}", 200),
    Case("producer.members", "GET", "/producer/members", 200, ("owner_a",), member_b=200),
    Case("producer.orders", "GET", "/producer/orders", 200, member_b=200),
    Case("producer.order_part", "GET", "/producer/orders/{part_a}", 200),
    Case("producer.packing_slip", "GET", "/producer/orders/{part_a}/slip", 200),
    Case("producer.order_pack", "POST", "/producer/orders/{part_a}/pack", 302),
    Case(
        "producer.order_ship",
        "POST",
        "/producer/orders/{part_a}/ship",
        302,
        data={"carrier": "VNPost", "tracking_code": "X1"},
    ),
    Case(
        "producer.order_confirm_transfer", "POST", "/producer/orders/{part_a}/confirm-transfer", 302
    ),
    Case(
        "producer.order_cancel",
        "POST",
        "/producer/orders/{part_a}/cancel",
        302,
        data={"reason": "Hết hàng"},
    ),
    # settlement: a producer's money is always its own (no id in the URL names another's)
    Case("producer.order_deliver", "POST", "/producer/orders/{part_a}/deliver", 302),
    Case("producer.ledger", "GET", "/producer/ledger", 200, member_b=200),
    Case("producer.statement", "GET", "/producer/ledger/statements/2026/11", 200, member_b=200),
    Case(
        "producer.statement_csv",
        "GET",
        "/producer/ledger/statements/2026/11.csv",
        200,
        member_b=200,
    ),
    Case("producer.einvoice", "GET", "/producer/orders/{part_a}/einvoice.json", 200),
    Case("producer.einvoice", "GET", "/producer/orders/{part_a}/einvoice.csv", 200),
    Case(
        "producer.einvoices_month",
        "GET",
        "/producer/ledger/einvoices/2026/11.csv",
        200,
        member_b=200,
    ),
    Case("producer.bank_account", "GET", "/producer/bank-account", 200, ("owner_a",), member_b=200),
    Case(
        "producer.bank_account",
        "POST",
        "/producer/bank-account",
        302,
        ("owner_a",),
        data={"bank_bin": "970436", "account_no": "0011009999", "account_name": "HTX A"},
        member_b=302,  # B's owner changes B's own account
    ),
]

ADMIN_CASES = [
    Case("admin.home", "GET", "/admin/", 200),
    Case("admin.applications", "GET", "/admin/applications", 200),
    Case("admin.application_approve", "POST", "/admin/applications/{application}/approve", 302),
    Case(
        "admin.application_reject",
        "POST",
        "/admin/applications/{application}/reject",
        302,
        data={"reason": "Thiếu giấy tờ"},
    ),
    Case("admin.producers", "GET", "/admin/producers", 200),
    Case(
        "admin.producer_active",
        "POST",
        "/admin/producers/{producer_a}/active",
        302,
        data={"reason": "Vi phạm"},
    ),
    Case("admin.certificates", "GET", "/admin/certificates", 200),
    Case("admin.certificate_scan", "GET", "/admin/certificates/{certificate_a}/scan", 200),
    Case("admin.certificate_verify", "POST", "/admin/certificates/{certificate_a}/verify", 302),
    Case(
        "admin.certificate_reject",
        "POST",
        "/admin/certificates/{certificate_a}/reject",
        302,
        data={"reason": "Mờ"},
    ),
    Case(
        "admin.certificate_revoke",
        "POST",
        "/admin/certificates/{certificate_a}/revoke",
        302,
        data={"reason": "Thu hồi"},
    ),
    Case("admin.registry_import", "GET", "/admin/import", 200),
    Case("admin.audit", "GET", "/admin/audit", 200),
    Case("admin.settlement", "GET", "/admin/settlement", 200),
    Case("admin.payout_create", "POST", "/admin/payouts", 302),
    Case("admin.payout_run", "GET", "/admin/payouts/{payout_run}", 200),
    Case("admin.payout_run_csv", "GET", "/admin/payouts/{payout_run}/csv", 200),
    Case("admin.payout_line_mark", "POST", "/admin/payouts/lines/{payout_line_a}/paid", 302),
    Case(
        "admin.bank_account_approve", "POST", "/admin/bank-accounts/{bank_account_a}/approve", 302
    ),
    Case(
        "admin.bank_account_reject",
        "POST",
        "/admin/bank-accounts/{bank_account_a}/reject",
        302,
        data={"reason": "Sai tên"},
    ),
    Case("admin.cod_remit", "POST", "/admin/settlement/parts/{part_a}/remit", 302),
    Case(
        "admin.part_refund",
        "POST",
        "/admin/settlement/parts/{part_a}/refund",
        302,
        data={"amount_vnd": "1000"},
    ),
]
for case in ADMIN_CASES:
    case.allowed_roles = ("admin",)
    case.member_b = 403

APPLY_CASE = Case("producer.apply", "GET", "/producer/apply", 200, ("buyer", "admin"), member_b=302)


def expected_status(case: Case, role: str) -> int:
    if role in case.allowed_roles:
        return case.allowed
    if role == "anonymous":
        return 302  # to the sign-in page
    if role == "member_b":
        return case.member_b
    if role in ("member_a", "owner_a"):
        if not case.allowed_roles:  # A guessing ids of another producer's rows
            return case.allowed
        if case.endpoint == "producer.apply":
            return 302  # already a producer: sent to the dashboard
        return 403  # a member, but the route is for the owner
    return 403


def test_the_matrix_covers_every_portal_and_admin_route(app):
    covered = {c.endpoint for c in PRODUCER_CASES + ADMIN_CASES + [APPLY_CASE]}
    routes = {
        rule.endpoint
        for rule in app.url_map.iter_rules()
        if rule.endpoint.startswith(("producer.", "admin."))
    }
    assert routes - covered == set()


@pytest.fixture
def matrix_world(app, portal_world, make_order, make_certificate, make_user, make_batch):
    """A's product has a pending certificate with a scan, a placed order, an open application."""
    from catalog.models import ProducerApplication

    world = portal_world
    scan_root = Path(app.config["CERTIFICATE_SCAN_ROOT"])
    (scan_root / "a").mkdir(parents=True, exist_ok=True)  # the app (and its folders) is shared
    (scan_root / "a" / "scan.pdf").write_bytes(PDF_BYTES)
    cert = make_certificate(
        world["product_a"],
        status="pending",
        scan_path="a/scan.pdf",
        scan_media_type="application/pdf",
    )
    world["certificate_a"] = cert
    world["batch_a"] = make_batch(world["product_a"], lot_no="LO-A-1")
    order = make_order((world["product_a"], 1), payment_method="bank_transfer")
    world["part_a"] = order.parts[0]
    applicant = make_user("buyer")
    application = ProducerApplication(
        applicant_id=applicant.id,
        kind="cooperative",
        name="HTX Mới",
        registration_no="123",
        province_code="86",
        commune="Xã A",
        contact_name="Chị Ba",
        phone="0912345678",
        email="ba@example.vn",
    )
    db.session.add(application)
    world["application"] = application
    _settlement_rows_of_a(world)
    db.session.commit()
    return world


def _settlement_rows_of_a(world) -> None:
    """A pending bank-account change of A's and a payout run with a line to A."""
    from settlement.models import PayoutLine, PayoutRun, ProducerBankAccount

    producer_id = world["producer_a"].id
    details = {"bank_bin": "970436", "account_no": "0011001234", "account_name": "HTX A"}
    world["bank_account_a"] = ProducerBankAccount(producer_id=producer_id, **details)
    run = PayoutRun(reference="RUN-TEST-1")
    world["payout_run"] = run
    world["payout_line_a"] = PayoutLine(
        run=run, producer_id=producer_id, amount_vnd=1000, reference="OCOP PAYOUT T1", **details
    )
    db.session.add_all([world["bank_account_a"], run, world["payout_line_a"]])


def _ids(world) -> dict[str, int]:
    return {key: value.id for key, value in world.items() if hasattr(value, "id")}


def _snapshot_of_a(world) -> tuple:
    product = db.session.get(Product, world["product_a"].id)
    return (
        product.name,
        product.price_vnd,
        product.stock,
        product.is_listed,
        db.session.scalar(
            select(func.count(ProductImage.id)).where(ProductImage.product_id == product.id)
        ),
        tuple(
            db.session.scalars(
                select(Certificate.status)
                .where(Certificate.product_id == product.id)
                .order_by(Certificate.id)
            )
        ),
        db.session.get(OrderPart, world["part_a"].id).status,
        db.session.scalar(select(func.count(AuditEntry.id))),
    )


def _request(client, case: Case, world):
    url = case.url.format(**_ids(world))
    data = dict(case.data)
    if case.endpoint == "producer.photo_upload":
        data["photo"] = (io.BytesIO(image_bytes()), "p.png")
    if case.endpoint == "producer.certificate_new" and case.method == "POST":
        data["scan"] = (io.BytesIO(PDF_BYTES), "c.pdf")
    if case.endpoint == "producer.order_pack":
        pass
    if case.method == "GET":
        return client.get(url)
    return client.post(url, data=data, content_type="multipart/form-data")


CASES = PRODUCER_CASES + ADMIN_CASES + [APPLY_CASE]


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("case", CASES, ids=[f"{c.method} {c.url}" for c in CASES])
def test_authorization_matrix(client, login_as, matrix_world, case, role):
    world = matrix_world
    login_as(None if role == "anonymous" else world[role])
    before = _snapshot_of_a(world)
    _prepare_for_allowed_action(case, role, world)
    response = _request(client, case, world)
    response.close()  # file responses (scans) hold an open file until closed
    assert response.status_code == expected_status(case, role), response.get_data(as_text=True)[
        :500
    ]
    if response.status_code == 302 and role == "anonymous":
        assert "/account/login" in response.headers["Location"]
    if response.status_code in (403, 404) or role == "anonymous":
        db.session.expire_all()
        assert _snapshot_of_a(world) == before  # denied: nothing of A's changed


def _prepare_for_allowed_action(case: Case, role: str, world) -> None:
    """Put A's data in the state the allowed action needs (pack → ship, verified → revoke)."""
    if role not in case.allowed_roles:
        return
    part = world["part_a"]
    if case.endpoint in ("producer.order_pack",):
        part.status = "paid"
    elif case.endpoint == "producer.order_ship":
        part.status = "packed"
    elif case.endpoint == "producer.order_cancel":
        part.status = "confirmed"
    elif case.endpoint == "producer.order_deliver":
        part.status = "shipped"
    elif case.endpoint == "producer.einvoice":
        from settlement.ledger import record_sale

        record_sale(part, now=part.status_changed_at)  # the money came in: invoiceable
    elif case.endpoint == "admin.certificate_revoke":
        world["certificate_a"].status = "verified"
    db.session.commit()
