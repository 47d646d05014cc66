"""The kiosk in real Chromium with touch emulation, portrait 1080×1920 and landscape 1920×1080:
attract → pickup number by touches only in every language; idle reset leaves nothing of the
last visitor; one touch switches language on every screen; axe-core finds nothing serious;
touch targets ≥ 48 px; with the server stopped the catalog still shows and says ordering is
unavailable. Screenshots go to test-artifacts/screenshots/kiosk-*.png."""

from __future__ import annotations

import re
import threading
from collections.abc import Iterator

import pytest
from werkzeug.serving import make_server

from core.db import db

from .a11y import save_screenshot, serious_violations

pytestmark = pytest.mark.browser

PORTRAIT = {"width": 1080, "height": 1920}
LANDSCAPE = {"width": 1920, "height": 1080}
LANGUAGES = ("vi", "en", "ko", "zh_Hans")
HTML_LANG = {"vi": "vi", "en": "en", "ko": "ko", "zh_Hans": "zh-Hans"}
# Elements smaller than this (CSS px) on either side fail the touch-target check.
MIN_TARGET = 48
SMALL_TARGETS = """(min) => [...document.querySelectorAll('a[href], button, input:not([type=hidden])')]
  .filter((el) => el.offsetParent !== null)
  .map((el) => [el, el.getBoundingClientRect()])
  .filter(([el, box]) => box.width < min || box.height < min)
  .map(([el, box]) => `${el.tagName} ${el.className} ${Math.round(box.width)}x${Math.round(box.height)}`)
"""


@pytest.fixture
def kiosk_world(make_product, make_point):
    """A point with three products on its shelf (one 5★ for the attract screen)."""
    products = [
        make_product(
            name="Nước mắm Phú Quốc 40 độ đạm",
            name_en="Phu Quoc fish sauce",
            certificate={"stars": 5},
            origin_code="ABCD2345",
        ),
        make_product(name="Kẹo dừa sữa Bến Tre", name_en="Ben Tre coconut candy"),
        make_product(name="Trà Shan tuyết cổ thụ", name_en="Ancient Shan Tuyet tea"),
    ]
    point = make_point(
        "HN1",
        *[(product, 50) for product in products],
        name="Điểm OCOP Hồ Gươm",
        idle_seconds=3600,
    )
    return point, products


def _touch_page(browser, viewport, *, bypass_csp: bool = False):
    """A touch screen. The site's CSP is enforced (and any violation recorded on
    `page.csp_violations`) unless `bypass_csp`, which only the axe test needs to inject axe-core."""
    context = browser.new_context(
        viewport=viewport,
        has_touch=True,
        is_mobile=False,
        locale="vi-VN",
        service_workers="allow",
        bypass_csp=bypass_csp,
    )
    page = context.new_page()
    page.set_default_timeout(15_000)
    page.csp_violations = []
    page.on(
        "console",
        lambda message: (
            "Content Security Policy" in message.text and page.csp_violations.append(message.text)
        ),
    )
    return context, page


def _tap(page, selector: str, url_part: str | None = None) -> None:
    """Touch the first match; `url_part`: a regex the URL reached must match (re.search)."""
    page.locator(selector).first.tap()
    if url_part is not None:
        page.wait_for_url(re.compile(url_part))
    page.wait_for_load_state("load")


def _lang(page) -> str:
    return page.evaluate("document.documentElement.lang")


@pytest.mark.parametrize("orientation", ["portrait", "landscape"])
def test_attract_to_pickup_number_by_touch_in_every_language(
    live_server, browser, kiosk_world, orientation
):
    context, page = _touch_page(browser, PORTRAIT if orientation == "portrait" else LANDSCAPE)
    try:
        page.goto(f"{live_server}/kiosk/HN1/")
        page.wait_for_url(re.compile(r"/kiosk/HN1/vi/attract$"))
        numbers = []
        for lang in LANGUAGES:
            if lang != "vi":
                _tap(page, f'.k-lang[data-lang="{lang}"]', rf"/{lang}/attract\?chose=1$")
            assert _lang(page) == HTML_LANG[lang]
            _tap(page, ".k-attract", f"/kiosk/HN1/{lang}/$")
            if lang == "vi":
                save_screenshot(page, f"kiosk-{orientation}-home")
            _tap(page, ".k-card-link", rf"/{lang}/p/[^/]+$")
            _tap(page, ".k-add button", f"/{lang}/basket$")
            _tap(page, ".k-order button", f"/{lang}/pickup$")
            number = page.locator(".k-pickup-number")
            assert number.is_visible()
            numbers.append(number.inner_text())
            font_px = page.evaluate(
                "parseFloat(getComputedStyle(document.querySelector('.k-pickup-number')).fontSize)"
            )
            assert font_px >= 96  # readable from a step away
            save_screenshot(page, f"kiosk-{orientation}-pickup-{lang}")
            _tap(page, ".k-pickup .k-button", "/kiosk/HN1/vi/attract$")
        assert numbers == [f"{n:03d}" for n in range(1, 5)]
        assert page.csp_violations == []
    finally:
        context.close()


def test_idle_reset_leaves_nothing_of_the_last_visitor(live_server, browser, kiosk_world):
    point, products = kiosk_world
    point.idle_seconds = 3
    db.session.commit()
    context, page = _touch_page(browser, PORTRAIT)
    try:
        page.goto(f"{live_server}/kiosk/HN1/ko/attract")
        start_length = page.evaluate("history.length")
        _tap(page, ".k-attract", "/kiosk/HN1/ko/$")
        _tap(page, ".k-search-tile", "/ko/search$")
        for key in "mam":
            page.locator(f'.k-key[data-key="{key}"]').tap()
        assert page.locator("#k-q").input_value() == "mam"
        _tap(page, '.k-key[type="submit"]', r"/ko/search\?q=mam$")
        _tap(page, ".k-card-link", r"/ko/p/[^/]+$")
        _tap(page, ".k-add button", "/ko/basket$")
        assert page.locator(".k-line").count() == 1
        # Nobody touches the screen: the kiosk goes back to the attract screen by itself.
        page.wait_for_url(re.compile(r"/kiosk/HN1/vi/attract$"), timeout=30_000)
        assert _lang(page) == "vi"
        assert page.evaluate("history.length") == start_length  # no way back to their pages
        assert page.evaluate("sessionStorage.length") == 0
        save_screenshot(page, "kiosk-portrait-after-idle-reset")
        _tap(page, ".k-attract", "/kiosk/HN1/vi/$")
        _tap(page, ".k-basket-link", "/vi/basket$")
        assert page.locator(".k-line").count() == 0
        _tap(page, ".k-home", "/kiosk/HN1/vi/$")
        _tap(page, ".k-search-tile", "/vi/search$")
        assert page.locator("#k-q").input_value() == ""
    finally:
        context.close()


BEFORE_ORDER = ("attract", "", "browse?group=thuc_pham", "search?q=mam", "p/{slug}", "basket")
AFTER_ORDER = ("pickup", "offline")


def test_language_switch_axe_and_targets_on_every_screen(live_server, browser, kiosk_world):
    point, products = kiosk_world
    context, page = _touch_page(browser, LANDSCAPE, bypass_csp=True)  # to inject axe-core
    problems: list[str] = []

    def check_screens(screens: tuple[str, ...]) -> None:
        for index, screen in enumerate(screens):
            path = screen.format(slug=products[0].slug)
            page.goto(f"{live_server}/kiosk/HN1/vi/{path}")
            page.wait_for_load_state("load")
            name = path.split("?")[0].split("/")[0] or "home"
            problems.extend(f"{name}: {line}" for line in serious_violations(page))
            problems.extend(
                f"{name}: small target {t}" for t in page.evaluate(SMALL_TARGETS, MIN_TARGET)
            )
            save_screenshot(page, f"kiosk-landscape-{name}")
            lang = ("en", "ko", "zh_Hans")[index % 3]  # one touch: the same screen, translated
            page.locator(f'.k-lang[data-lang="{lang}"]').first.tap()
            page.wait_for_function(f"() => document.documentElement.lang === '{HTML_LANG[lang]}'")
            assert f"/kiosk/HN1/{lang}/{path.split('?')[0]}" in page.url

    try:
        page.goto(f"{live_server}/kiosk/HN1/en/p/{products[0].slug}")
        _tap(page, ".k-add button", "/en/basket$")
        check_screens(BEFORE_ORDER)  # the basket with a line in it
        assert page.locator(".k-line").count() == 1
        _tap(page, ".k-order button", r"/(en|ko|zh_Hans)/pickup$")
        check_screens(AFTER_ORDER)
        page.set_viewport_size(PORTRAIT)
        for screen in ("attract", "", "p/{slug}", "search?q=mam"):
            path = screen.format(slug=products[0].slug)
            page.goto(f"{live_server}/kiosk/HN1/ko/{path}")
            name = path.split("?")[0].split("/")[0] or "home"
            if name == "p":  # axe once in portrait; the layout rules are the same
                problems += [f"ko {name}: {line}" for line in serious_violations(page)]
            problems += [
                f"ko {name}: small target {t}" for t in page.evaluate(SMALL_TARGETS, MIN_TARGET)
            ]
            save_screenshot(page, f"kiosk-portrait-ko-{name}")
        assert problems == []
        # The target check can fail: a bare text link is far below 48 px.
        page.set_content("<main><a href='/kiosk/'>x</a></main>")
        assert page.evaluate(SMALL_TARGETS, MIN_TARGET) != []
    finally:
        context.close()


@pytest.fixture
def stoppable_server(app) -> Iterator[tuple[str, callable]]:
    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, args=(0.02,), daemon=True)
    thread.start()
    stopped = []

    def stop() -> None:
        server.shutdown()
        server.server_close()  # refuse connections, as a dead server does
        thread.join(timeout=5)
        stopped.append(True)

    try:
        yield f"http://127.0.0.1:{server.server_port}", stop
    finally:
        if not stopped:
            stop()


def test_catalog_stays_on_screen_when_the_server_stops(stoppable_server, browser, kiosk_world):
    base, stop = stoppable_server
    point, products = kiosk_world
    context, page = _touch_page(browser, PORTRAIT)
    try:
        page.goto(f"{base}/kiosk/HN1/vi/attract")
        page.wait_for_function("() => navigator.serviceWorker.controller !== null")
        _tap(page, ".k-attract", "/kiosk/HN1/vi/$")
        _tap(page, ".k-card-link", r"/vi/p/[^/]+$")
        product_url = page.url
        _tap(page, ".k-home", "/kiosk/HN1/vi/$")
        assert page.locator(".k-offline").is_hidden()
        stop()
        _tap(page, ".k-card-link", r"/vi/p/[^/]+$")
        assert page.url == product_url
        assert page.locator("h1").inner_text() == products[0].name
        page.locator(".k-offline").wait_for(state="visible")
        assert "hỏi nhân viên" in page.locator(".k-offline").inner_text()
        assert page.locator(".k-add button").is_disabled()
        save_screenshot(page, "kiosk-portrait-offline-product")
        _tap(page, ".k-home", "/kiosk/HN1/vi/$")
        assert products[0].name in page.locator("main").inner_text()
        page.locator(".k-offline").wait_for(state="visible")
        # A screen never loaded before the outage: the "ask staff" page, not a browser error.
        _tap(page, ".k-basket-link", "/vi/basket$")
        assert "hỏi nhân viên" in page.locator("main").inner_text()
    finally:
        context.close()
