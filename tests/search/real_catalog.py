"""The "real" test catalog: every 3–5★ row of catalog/demo/ocop-products.tsv, as announced.

The held-out relevance suite (tests/search/data/) judges queries against this catalog as well as
the demo one. Unlike the demo catalog, these rows are left the way real announcements give
them: no English name, no story, no commune, the province as announced (often a pre-2025 one,
filed under today's province by the importer), names with their own quirks (a `Ð` U+00D0 where
`Đ` was meant, a misplaced tone in "Qúy"). Only what the importer requires and the TSV lacks is
generated, deterministically from the row: SKU, a certificate valid on the suite's day, price,
stock, unit, a group when none was announced, a placeholder producer when none was announced.

The output is CSV in the importer's format (docs/import-format.md), so it loads through
`catalog.importer.import_catalog` like any shop's file. Print it:

    .venv/bin/python tests/search/real_catalog.py            # the CSV
    .venv/bin/python tests/search/real_catalog.py --list     # SKU, name, producer, province
"""

from __future__ import annotations

import csv
import hashlib
import io
import sys
import unicodedata
from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path

REAL_TSV = Path(__file__).resolve().parents[2] / "catalog" / "demo" / "ocop-products.tsv"
SKU_PREFIX = "RC-"
# Certificates are re-issued every 36 months; the generated one is the renewal current on this
# day (the relevance suite's day, tests/search/relevance.py SUITE_DAY).
CERTIFICATE_DAY = date(2026, 11, 1)
CERTIFICATE_MONTHS = 36

# Announced group names are kept when the importer accepts them. When none was announced, a group
# is inferred from the name: herbal products and herbal teas, crafts, otherwise food.
_HERBAL_WORDS = (
    "thực phẩm bảo vệ sức khỏe",
    "tinh dầu",
    "cao ",
    "đông trùng",
    "dây thìa canh",
    "cà gai leo",
    "actiso",
    "đẳng sâm",
    "sâm dây",
    "thảo mộc",
    "tâm sen",
    "mãng cầu",
    "chè vằng",
    "nước lau sàn",
)
_CRAFT_WORDS = ("hương trầm", "nhang", "thổ cẩm")


@dataclass(frozen=True)
class RealRow:
    line: int  # data row number in the TSV (header excluded), the stable part of the SKU
    name: str
    producer: str
    province: str
    stars: int
    group: str
    year: int | None

    @property
    def sku(self) -> str:
        return f"{SKU_PREFIX}{self.line:03d}"


def _nfc(text: str) -> str:
    return unicodedata.normalize("NFC", text).strip()


def real_rows(path: Path = REAL_TSV) -> list[RealRow]:
    """The TSV's rows with an OCOP rating of 3, 4 or 5 stars (rows without stars are left out)."""
    rows = []
    with path.open(encoding="utf-8", newline="") as handle:
        reader = csv.DictReader(handle, delimiter="\t")
        for line, raw in enumerate(reader, start=1):
            stars = raw["stars"].strip()
            if stars not in {"3", "4", "5"}:
                continue
            year = raw["year"].strip()
            rows.append(
                RealRow(
                    line=line,
                    name=_nfc(raw["name"]),
                    producer=_nfc(raw["producer"]),
                    province=_nfc(raw["province"]),
                    stars=int(stars),
                    group=_nfc(raw["group"]),
                    year=int(year) if year else None,
                )
            )
    return rows


def _digest(row: RealRow, salt: str) -> int:
    return int.from_bytes(hashlib.sha256(f"{salt}:{row.line}:{row.name}".encode()).digest()[:8])


def _group(row: RealRow) -> str:
    from catalog.enums import parse_product_group

    if row.group and parse_product_group(row.group) is not None:
        return row.group
    if "du lịch" in row.group.lower():
        return "du_lich"  # announced as "dịch vụ du lịch", a short form the importer rejects
    name = row.name.lower()
    if any(word in name for word in _HERBAL_WORDS):
        return "duoc_lieu"
    if any(word in name for word in _CRAFT_WORDS):
        return "thu_cong_my_nghe"
    return "thuc_pham"


def _producer(row: RealRow) -> tuple[str, str]:
    """(name, kind). A row without a producer gets a neutral placeholder of its own."""
    name = row.producer or f"Chủ thể {row.sku}"
    lowered = name.lower()
    if lowered.startswith(("htx", "hợp tác xã")):
        return name, "cooperative"
    if lowered.startswith("tổ hợp tác"):
        return name, "cooperative_group"
    if lowered.startswith(("công ty", "ctcp", "chi nhánh", "doanh nghiệp", "sâm & dược liệu")):
        return name, "enterprise"
    return name, "household"  # hộ kinh doanh, cơ sở, a person's name, the placeholder


def _add_months(day: date, months: int) -> date:
    month0 = day.month - 1 + months
    return date(day.year + month0 // 12, month0 % 12 + 1, day.day)


def _certificate_dates(row: RealRow) -> tuple[date, date]:
    """The renewal of the announced certificate that covers CERTIFICATE_DAY."""
    year = row.year or 2025
    issued = date(year, 1 + _digest(row, "month") % 10, 1 + _digest(row, "day") % 28)
    while _add_months(issued, CERTIFICATE_MONTHS) <= CERTIFICATE_DAY:
        issued = _add_months(issued, CERTIFICATE_MONTHS)
    return issued, _add_months(issued, CERTIFICATE_MONTHS) - timedelta(days=1)


def _issuer(row: RealRow) -> str:
    if row.stars == 5:
        return "Bộ Nông nghiệp và Môi trường"
    return f"UBND tỉnh {row.province}"


def _unit(row: RealRow, group: str) -> str:
    name = row.name.lower()
    if group == "du_lich":
        return "Vé"
    if name.startswith(("rượu", "nước", "vang")):
        return "Chai 500 ml"
    if name.startswith(("dầu", "tinh dầu")):
        return "Chai 250 ml"
    if name.startswith("bộ") or group == "thu_cong_my_nghe":
        return "Bộ"
    return "Túi 500 g" if _digest(row, "unit") % 2 else "Hộp 300 g"


def csv_text(rows: list[RealRow] | None = None) -> str:
    """The catalog in the importer's CSV format."""
    from catalog.importer import COLUMNS

    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=COLUMNS, lineterminator="\n")
    writer.writeheader()
    for row in rows if rows is not None else real_rows():
        group = _group(row)
        producer, kind = _producer(row)
        issued, expires = _certificate_dates(row)
        writer.writerow(
            {
                "sku": row.sku,
                "name": row.name,
                "name_en": "",
                "group": group,
                "stars": row.stars,
                "certificate_no": f"{100 + row.line}/GCN-OCOP",
                "decision_no": f"{1000 + _digest(row, 'decision') % 9000}/QĐ-UBND",
                "issued_by": _issuer(row),
                "issued_on": issued.isoformat(),
                "expires_on": expires.isoformat(),
                "certificate_status": "verified",
                "producer": producer,
                "producer_kind": kind,
                "province": row.province,
                "commune": "",
                "price_vnd": 1000 * (30 + _digest(row, "price") % 450),
                "stock": 5 + _digest(row, "stock") % 295,
                "unit": _unit(row, group),
                "story": "",
                "story_en": "",
            }
        )
    return out.getvalue()


def main(argv: list[str]) -> int:
    if "--list" in argv:
        for row in real_rows():
            print(f"{row.sku}\t{row.name}\t{row.producer}\t{row.province}\t{row.stars}")  # noqa: T201
    else:
        sys.stdout.write(csv_text())
    return 0


if __name__ == "__main__":
    sys.path.insert(0, str(Path(__file__).resolve().parents[2]))
    raise SystemExit(main(sys.argv[1:]))
