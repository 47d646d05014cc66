"""Accessibility checks in the real browser: axe-core (npm registry, `make axe`) run on a page.

`serious_violations(page)` injects axe-core into the page, runs the WCAG 2.x A/AA rules (2.2
included, so `target-size` is checked) and returns the violations whose impact is serious or
critical, as short readable lines a failing assertion can print.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
AXE_SCRIPT = ROOT / ".cache" / "axe-core" / "node_modules" / "axe-core" / "axe.min.js"
WCAG_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"]
BLOCKING = {"serious", "critical"}


def _axe_source() -> str:
    if not AXE_SCRIPT.exists():
        if os.environ.get("REQUIRE_BROWSER") == "1":
            pytest.fail(f"{AXE_SCRIPT} is missing (make axe installs it)")
        pytest.skip("axe-core is not installed (make axe)")
    return AXE_SCRIPT.read_text(encoding="utf-8")


def axe_violations(page, tags: list[str] | None = None) -> list[dict]:
    """Every axe-core violation on the page as it is now (rule id, impact, nodes)."""
    # Evaluated through the DevTools protocol, not as an inline <script>: the shop's
    # Content-Security-Policy (no inline scripts) would block that, rightly.
    page.evaluate(_axe_source())
    result = page.evaluate(
        "async (tags) => await axe.run(document, {runOnly: {type: 'tag', values: tags}})",
        tags or WCAG_TAGS,
    )
    return result["violations"]


def serious_violations(page, tags: list[str] | None = None) -> list[str]:
    """Serious and critical violations as lines: `rule (impact): target — summary`."""
    lines = []
    for violation in axe_violations(page, tags):
        if violation.get("impact") not in BLOCKING:
            continue
        for node in violation["nodes"]:
            target = " ".join(str(t) for t in node.get("target", []))
            summary = (node.get("failureSummary") or "").replace("\n", " ")[:200]
            lines.append(f"{violation['id']} ({violation['impact']}): {target} — {summary}")
    return lines


def save_screenshot(page, name: str) -> Path:
    """Save a full-page screenshot under test-artifacts/screenshots/ (kept by CI as an artifact)."""
    folder = Path(os.environ.get("SCREENSHOT_DIR", ROOT / "test-artifacts" / "screenshots"))
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / f"{name}.png"
    page.screenshot(path=str(path), full_page=True)
    return path
