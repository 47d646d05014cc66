"""Translation upkeep: extract + update catalogs, fill Vietnamese from a TSV, check completeness.

    python tools/i18n.py update          # extract messages.pot, update vi and en catalogs
    python tools/i18n.py fill FILE.tsv   # msgid<TAB>msgstr lines fill empty vi entries
    python tools/i18n.py fill FILE.tsv ko  # ... entries of another catalog (kiosk languages)
    python tools/i18n.py check           # exit 1 if a vi entry is missing, empty or fuzzy

Source strings are English, so the en catalog needs no msgstr (gettext falls back to msgid);
vi must be complete.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from babel.messages.pofile import read_po, write_po

ROOT = Path(__file__).resolve().parent.parent
TRANSLATIONS = ROOT / "storefront" / "translations"
POT = TRANSLATIONS / "messages.pot"
VI_PO = TRANSLATIONS / "vi" / "LC_MESSAGES" / "messages.po"


def _locales() -> list[str]:
    """vi and en, then every other catalog present (e.g. the kiosk's ko and zh_Hans): adding a
    language is adding its catalog directory."""
    others = sorted(
        path.name
        for path in TRANSLATIONS.iterdir()
        if (path / "LC_MESSAGES").is_dir() and path.name not in ("vi", "en")
    )
    return ["vi", "en", *others]


def _pybabel(*args: str) -> None:
    subprocess.run([sys.executable, "-m", "babel.messages.frontend", *args], check=True, cwd=ROOT)


def update() -> None:
    _pybabel(
        "extract",
        "-F",
        "babel.cfg",
        "-k",
        "_l",
        "-k",
        "lazy_gettext",
        "--no-location",
        "--sort-output",
        "--omit-header",
        "-o",
        str(POT),
        ".",
    )
    for locale in _locales():
        po = TRANSLATIONS / locale / "LC_MESSAGES" / "messages.po"
        if po.exists():
            _pybabel(
                "update",
                "-i",
                str(POT),
                "-d",
                str(TRANSLATIONS),
                "-l",
                locale,
                "--no-fuzzy-matching",
                "--ignore-obsolete",
                "--omit-header",
            )
        else:
            _pybabel("init", "-i", str(POT), "-d", str(TRANSLATIONS), "-l", locale)


def _load(path: Path):
    with path.open("rb") as fh:
        return read_po(fh, locale=path.parent.parent.name)


def fill(tsv: Path, locale: str = "vi") -> None:
    po_path = TRANSLATIONS / locale / "LC_MESSAGES" / "messages.po"
    catalog = _load(po_path)
    filled = 0
    for line in tsv.read_text(encoding="utf-8").splitlines():
        if not line.strip() or "\t" not in line:
            continue
        msgid, msgstr = line.split("\t", 1)
        message = catalog.get(msgid)
        if message is None:
            print(f"not in catalog (run update first?): {msgid!r}", file=sys.stderr)
            continue
        if isinstance(message.id, tuple):
            parts = msgstr.split("\t")
            message.string = tuple(parts[: len(message.id)] if len(parts) > 1 else [parts[0]])
        else:
            message.string = msgstr
        message.flags.discard("fuzzy")
        filled += 1
    with po_path.open("wb") as fh:
        write_po(fh, catalog, omit_header=False, sort_output=True, no_location=True)
    print(f"filled {filled} entries")


def missing() -> list[str]:
    catalog = _load(VI_PO)
    gaps = []
    for message in catalog:
        if not message.id:
            continue
        strings = message.string if isinstance(message.string, tuple) else (message.string,)
        if "fuzzy" in message.flags or not all(strings):
            gaps.append(message.id if isinstance(message.id, str) else message.id[0])
    return gaps


def main(argv: list[str]) -> int:
    command = argv[1] if len(argv) > 1 else "check"
    if command == "update":
        update()
    elif command == "fill":
        fill(Path(argv[2]), argv[3] if len(argv) > 3 else "vi")
    elif command == "check":
        gaps = missing()
        for gap in gaps:
            print(f"untranslated (vi): {gap!r}")
        return 1 if gaps else 0
    else:
        print(__doc__)
        return 2
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
