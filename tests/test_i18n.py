"""Every visible string exists in Vietnamese (source strings are English) and catalogs are current."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from babel.messages.extract import extract_from_dir
from babel.messages.pofile import read_po

ROOT = Path(__file__).resolve().parent.parent
VI_PO = ROOT / "storefront" / "translations" / "vi" / "LC_MESSAGES" / "messages.po"


def _extracted_msgids() -> set[str]:
    method_map = [("**/templates/**.html", "jinja2"), ("**.py", "python")]
    ids = set()
    for package in ("core", "accounts", "catalog", "orders", "search", "storefront"):
        directory = ROOT / package
        if not directory.exists():
            continue
        for _file, _line, message, _comments, _context in extract_from_dir(
            str(directory),
            method_map=method_map,
            keywords={
                "_": None,
                "gettext": None,
                "ngettext": (1, 2),
                "_l": None,
                "lazy_gettext": None,
            },
        ):
            ids.add(message if isinstance(message, str) else message[0])
    return ids


def test_every_source_string_has_a_vietnamese_translation():
    with VI_PO.open("rb") as fh:
        catalog = read_po(fh, locale="vi")
    translated = {
        (m.id if isinstance(m.id, str) else m.id[0])
        for m in catalog
        if m.id
        and "fuzzy" not in m.flags
        and all(m.string if isinstance(m.string, tuple) else (m.string,))
    }
    missing = sorted(_extracted_msgids() - translated)
    assert missing == [], f"untranslated (vi): {missing}"


def test_translation_check_tool_agrees():
    result = subprocess.run(
        [sys.executable, "tools/i18n.py", "check"], cwd=ROOT, capture_output=True, text=True
    )
    assert result.returncode == 0, result.stdout
