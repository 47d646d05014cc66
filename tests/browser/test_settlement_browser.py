"""Real browser: the producer's money page, its printable statement and the bank-account form,
the admin's settlement and payout pages — on a phone and a desktop, with no serious axe
violations; a bank-account change goes through approval in the browser."""

from __future__ import annotations

from datetime import timedelta

import pytest

from core import clock
from core.db import db
from orders.checkout import place_order
from orders.enums import PaymentMethod
from orders.fulfilment import deliver_part, pack_part, ship_part
from orders.lifecycle import mark_order_paid
from tests.browser.a11y import BLOCKING, WCAG_TAGS, _axe_source, save_screenshot
from tests.fixtures.portal import PASSWORD

pytestmark = pytest.mark.browser

SIZES = {"phone": (390, 844), "desktop": (1366, 900)}


def serious_violations_in_main(page) -> list[str]:
    """Serious or critical axe violations inside <main> (the pages this area owns; the shared
    header and footer are checked by their own tests)."""
    page.add_script_tag(content=_axe_source())
    result = page.evaluate(
        "async (tags) => await axe.run('main', {runOnly: {type: 'tag', values: tags}})", WCAG_TAGS
    )
    return [
        f"{v['id']} ({v['impact']}): {' '.join(map(str, node.get('target', [])))}"
        for v in result["violations"]
        if v.get("impact") in BLOCKING
        for node in v["nodes"]
    ]


def _sign_in(page, base: str, email: str) -> None:
    page.goto(base + "/account/login")
    page.locator("input[name=email]").fill(email)
    page.locator("input[name=password]").fill(PASSWORD)
    page.locator("main form input[type=submit], main form button[type=submit]").first.click()
    page.wait_for_load_state()


@pytest.fixture
def settled_world(money_world, make_user, make_cart, checkout_details, all_providers):
    """A's two card orders delivered ten days ago (available), one COD order shipped."""
    world = dict(money_world)
    world["owner_a"] = make_user("producer", producer=world["producer_a"], is_owner=True)
    world["admin"] = make_user("admin")
    when = clock.utcnow() - timedelta(days=10)
    for quantity in (4, 9):
        cart = make_cart((world["product_a"], quantity))
        details = checkout_details(payment_method=PaymentMethod.CARD)
        order = place_order(cart, details, f"b-{cart.id}", now=when, providers=all_providers)
        mark_order_paid(order, now=when)
        part = order.parts[0]
        pack_part(part, actor_id=None, now=when)
        ship_part(part, carrier="GHN", tracking_code="G", actor_id=None, now=when)
        deliver_part(part, actor_id=None, now=when)
    db.session.commit()
    return world


@pytest.mark.parametrize("size", SIZES)
def test_settlement_pages_on_phone_and_desktop(browser, live_server, settled_world, size):
    width, height = SIZES[size]
    # bypass_csp: axe-core is injected as an inline script; the shop's CSP is tested elsewhere.
    viewport = {"width": width, "height": height}
    context = browser.new_context(locale="vi-VN", viewport=viewport, bypass_csp=True)
    page = context.new_page()
    page.set_default_timeout(10_000)
    try:
        now = clock.utcnow().astimezone(clock.VN_TZ)
        _sign_in(page, live_server, settled_world["owner_a"].email)
        pages = {
            "money": "/producer/ledger",
            "statement": f"/producer/ledger/statements/{now.year}/{now.month}",
            "bank-account": "/producer/bank-account",
        }
        for name, path in pages.items():
            page.goto(live_server + path)
            found = serious_violations_in_main(page)
            assert found == [], "\n".join(found)
            save_screenshot(page, f"settlement-{name}-{size}")
        page.goto(live_server + "/producer/ledger")
        assert page.locator("#available").inner_text().strip() != ""
        assert page.evaluate("document.documentElement.scrollWidth") <= width

        _sign_in(page, live_server, settled_world["admin"].email)
        page.goto(live_server + "/admin/settlement")
        assert page.locator("#reconciliation-result").inner_text() == "Sổ sách khớp."
        assert serious_violations_in_main(page) == []
        save_screenshot(page, f"settlement-admin-{size}")
        page.get_by_role("button", name="Tạo đợt chi trả").click()
        page.wait_for_load_state()
        assert page.locator("#payout-lines tbody tr").count() == 1
        assert serious_violations_in_main(page) == []
        save_screenshot(page, f"settlement-payout-run-{size}")
    finally:
        context.close()


def test_a_bank_account_change_is_approved_in_the_browser(page, live_server, settled_world):
    _sign_in(page, live_server, settled_world["owner_a"].email)
    page.goto(live_server + "/producer/bank-account")
    page.locator("select[name=bank_bin]").select_option("970422")
    page.locator("input[name=account_no]").fill("0901234567")
    page.locator("input[name=account_name]").fill("HTX Trà Tân Cương")
    page.locator("input[name=submit]").click()
    page.wait_for_load_state()
    assert "4567" in page.locator("#pending-bank-account").inner_text()

    _sign_in(page, live_server, settled_world["admin"].email)
    page.goto(live_server + "/admin/settlement")
    page.locator("#bank-changes").get_by_role("button", name="Duyệt").click()
    page.wait_for_load_state()
    assert page.locator("#bank-changes").get_by_text("Không có gì đang chờ.").is_visible()
