"""The accessibility harness itself: axe-core runs in the real browser and can fail a page."""

from __future__ import annotations

import pytest

from .a11y import serious_violations

pytestmark = pytest.mark.browser


def test_axe_reports_a_page_with_unlabelled_controls(page):
    page.set_content(
        "<!doctype html><html lang='vi'><head><title>x</title></head><body><main>"
        "<h1>Trang thử</h1><button></button><input type='text'><a href='/x'></a>"
        "</main></body></html>"
    )
    found = serious_violations(page)
    rules = {line.split(" ", 1)[0] for line in found}
    assert {"button-name", "label", "link-name"} <= rules


def test_axe_passes_a_page_with_labelled_controls(page):
    page.set_content(
        "<!doctype html><html lang='vi'><head><title>x</title></head><body><main>"
        "<h1>Trang thử</h1><button style='min-width:48px;min-height:48px'>Mua</button>"
        "<label>Tên <input type='text'></label></main></body></html>"
    )
    assert serious_violations(page) == []
