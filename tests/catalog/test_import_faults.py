"""CSV import that explains itself: any encoding we know or a one-line error naming it; oversized
fields, stray quotes, control characters and over-long texts reported as "line N (where the
record starts): column: reason"; a file imports whole or not at all unless --skip-bad."""

from __future__ import annotations

import csv
import io
import unicodedata
from io import BytesIO

import pytest
from sqlalchemy import func, select

from accounts.models import AuditEntry
from catalog.csv_reader import MAX_FIELD_CHARS
from catalog.importer import COLUMNS, import_catalog
from catalog.models import Product
from core.clock import utcnow
from core.db import db

BASE = {
    "sku": "F-1",
    "name": "Kẹo dừa sữa",
    "name_en": "Milk coconut candy",
    "group": "thuc_pham",
    "stars": "4",
    "certificate_no": "",
    "decision_no": "",
    "issued_by": "UBND tỉnh Bến Tre",
    "issued_on": "2025-01-10",
    "expires_on": "2028-01-09",
    "certificate_status": "verified",
    "producer": "HTX Kẹo dừa Mỏ Cày",
    "producer_kind": "cooperative",
    "province": "Bến Tre",
    "commune": "",
    "price_vnd": "45000",
    "stock": "120",
    "unit": "Hộp 400 g",
    "story": "Kẹo dừa nấu từ nước cốt dừa tươi.",
    "story_en": "",
}


def csv_text(*rows: dict[str, str]) -> str:
    """A header and one line per row (`{"sku": ...}` overrides of BASE)."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(COLUMNS)
    for row in rows:
        writer.writerow([{**BASE, **row}[c] for c in COLUMNS])
    return out.getvalue()


GOOD_THREE = ({"sku": "F-1"}, {"sku": "F-2", "name": "Nước mắm"}, {"sku": "F-3", "name": "Trà"})


def _products() -> list[str]:
    return sorted(db.session.scalars(select(Product.sku)))


def _import(text, **options):
    return import_catalog(text, actor_id=None, now=utcnow(), **options)


def _cli(runner, tmp_path, data: bytes, *options: str):
    path = tmp_path / "registry.csv"
    path.write_bytes(data)
    result = runner.invoke(args=["catalog", "import", *options, str(path)])
    assert "Traceback" not in result.output
    assert result.exception is None or isinstance(result.exception, SystemExit)
    return result


def test_a_file_with_a_bad_row_imports_nothing_unless_skip_bad(app):
    text = csv_text(GOOD_THREE[0], {"sku": "F-9", "stars": "7"}, GOOD_THREE[1])
    report = _import(text)
    assert not report.saved
    assert [(e.line, e.sku, e.column, e.code) for e in report.errors] == [
        (3, "F-9", "stars", "stars_out_of_range")
    ]
    assert report.valid_rows == 2
    assert _products() == []
    assert db.session.scalar(select(func.count(AuditEntry.id))) == 0

    report = _import(text, skip_bad=True)
    assert report.saved
    assert _products() == ["F-1", "F-2"]


def test_field_over_the_limit_is_reported_and_the_valid_rows_kept(runner, tmp_path):
    huge = "x" * (MAX_FIELD_CHARS + 10)
    text = csv_text(GOOD_THREE[0], {"sku": "F-2", "story": huge}, GOOD_THREE[2])
    result = _cli(runner, tmp_path, text.encode(), "--skip-bad")
    assert result.exit_code == 1
    assert (
        f"line 3: F-2: story: too long: {MAX_FIELD_CHARS + 10} characters, at most "
        f"{MAX_FIELD_CHARS}" in result.output
    )
    assert "created 2, updated 0, unchanged 0, rejected 1" in result.output
    assert _products() == ["F-1", "F-3"]


def test_field_over_the_limit_without_skip_bad_imports_nothing(runner, tmp_path):
    text = csv_text(GOOD_THREE[0], {"sku": "F-2", "story": "y" * 200_000})
    result = _cli(runner, tmp_path, text.encode())
    assert result.exit_code == 1
    assert "nothing imported: 1 problem(s), 1 valid row(s) not saved" in result.output
    assert _products() == []


TONE_MARKS = "\u0300\u0301\u0303\u0309\u0323"


def to_cp1258(text: str) -> bytes:
    """Vietnamese as Windows-1258 writes it: base letters (â ê ô ơ ư ă đ are one byte) followed by
    a combining tone mark."""
    out = bytearray()
    for char in text:
        try:
            out += char.encode("cp1258")
        except UnicodeEncodeError:
            base, *marks = unicodedata.normalize("NFD", char)
            tones = [m for m in marks if m in TONE_MARKS]
            base = unicodedata.normalize("NFC", base + "".join(m for m in marks if m not in tones))
            out += (base + "".join(tones)).encode("cp1258")
    return bytes(out)


ENCODINGS = {
    "utf-8": lambda t: t.encode("utf-8"),
    "utf-8-bom": lambda t: t.encode("utf-8-sig"),
    "utf-16": lambda t: t.encode("utf-16"),
    "utf-16-le-no-bom": lambda t: t.encode("utf-16-le"),
    "cp1258": to_cp1258,
    "utf-8-crlf": lambda t: t.replace("\n", "\r\n").encode(),
}


@pytest.mark.parametrize("encode", ENCODINGS.values(), ids=ENCODINGS.keys())
def test_known_encodings_are_detected_and_stored_as_nfc(runner, tmp_path, encode):
    text = csv_text(*GOOD_THREE)
    result = _cli(runner, tmp_path, encode(text))
    assert result.exit_code == 0, result.output
    assert "created 3" in result.output
    name = db.session.scalar(select(Product.name).where(Product.sku == "F-1"))
    assert name == "Kẹo dừa sữa"


def test_an_unknown_encoding_is_one_line_naming_the_encodings(runner, tmp_path):
    data = csv_text(*GOOD_THREE).encode().replace("Kẹo".encode(), b"K\x81\x8d")
    data = data.replace("ư".encode(), b"\x9d").replace("ữ".encode(), b"\x90")
    data = b"".join(bytes([b]) for b in data if b < 0x80 or b in (0x81, 0x8D, 0x9D, 0x90))
    result = _cli(runner, tmp_path, data)
    assert result.exit_code == 1
    problems = [line for line in result.output.splitlines() if line.startswith("line ")]
    assert problems == [
        "line 1: -: file: not UTF-8, UTF-16 or Windows-1258 (cp1258); save it as UTF-8 CSV"
    ]
    assert _products() == []


def test_utf8_broken_midway_names_the_line_and_imports_nothing(runner, tmp_path):
    data = csv_text(*GOOD_THREE).encode()
    lines = data.split(b"\n")
    lines[3] = lines[3].replace("Trà".encode(), b"Tr\xe0")  # a cp1258 byte in a UTF-8 file
    result = _cli(runner, tmp_path, b"\n".join(lines), "--skip-bad")
    assert result.exit_code == 1
    assert "line 4: -: file: not valid UTF-8 from this line on" in result.output
    assert _products() == []


@pytest.mark.parametrize(
    ("override", "column", "reason"),
    [
        ({"name": "N" * 10_000}, "name", "too long: 10000 characters, at most 255"),
        ({"producer": "P" * 256}, "producer", "too long: 256 characters, at most 255"),
        ({"unit": "u" * 81}, "unit", "too long: 81 characters, at most 80"),
        ({"name": "Kẹo\x00dừa"}, "name", "contains a control character (U+0000)"),
        ({"commune": "Xã\nTân"}, "commune", "contains a control character (U+000A)"),
    ],
)
def test_long_texts_and_control_characters_are_refused_before_the_database(
    runner, tmp_path, override, column, reason
):
    """Same answer on SQLite (which would store 10,000 characters) and PostgreSQL (DataError)."""
    text = csv_text(GOOD_THREE[0], {"sku": "F-2", **override})
    result = _cli(runner, tmp_path, text.encode(), "--skip-bad")
    assert f"line 3: F-2: {column}: {reason}" in result.output
    assert _products() == ["F-1"]


def test_a_story_may_span_lines_and_problems_name_the_line_the_record_starts_on(app):
    text = csv_text(
        GOOD_THREE[0],
        {"sku": "F-2", "story": "Dòng một\nDòng hai\nDòng ba", "stars": "9"},
        {"sku": "F-3", "story": "Hai\ndòng"},
        {"sku": "F-4", "price_vnd": "abc"},
    )
    report = _import(text, skip_bad=True)
    assert [(e.line, e.sku, e.column) for e in report.errors] == [
        (3, "F-2", "stars"),
        (8, "F-4", "price_vnd"),
    ]
    story = db.session.scalar(select(Product.story).where(Product.sku == "F-3"))
    assert story == "Hai\ndòng"


def test_an_unclosed_quote_is_reported_where_its_record_starts(app):
    text = csv_text(*GOOD_THREE) + 'F-4,"Kẹo chưa đóng ngoặc,,thuc_pham,4\nF-5,Trà,,thuc_pham\n'
    report = _import(text, skip_bad=True)
    assert [(e.line, e.sku, e.column, e.code) for e in report.errors] == [
        (5, "F-4", "name", "unclosed_quote")
    ]
    assert _products() == ["F-1", "F-2", "F-3"]


def test_stray_quotes_and_wrong_column_counts(app):
    lines = csv_text(*GOOD_THREE).splitlines()
    text = "\n".join(
        [
            lines[0],
            lines[1].replace("Kẹo dừa sữa", '"Kẹo" dừa'),  # text after a closing quote
            lines[2].replace("Nước mắm", 'Nước mắm 5" ngon'),  # a quote inside a value: text
            lines[3] + ",extra",
        ]
    )
    report = _import(text, skip_bad=True)
    assert [(e.line, e.code, e.column) for e in report.errors] == [
        (2, "text_after_quote", "name"),
        (4, "wrong_column_count", ""),
    ]
    name = db.session.scalar(select(Product.name).where(Product.sku == "F-2"))
    assert name == 'Nước mắm 5" ngon'


@pytest.mark.parametrize("data", [b"", b"\n\n", b"\xef\xbb\xbf"])
def test_an_empty_file_is_one_problem(app, data):
    report = _import(data)
    assert [(e.line, e.code) for e in report.errors] == [(1, "empty_file")]


def test_admin_upload_in_cp1258_and_the_whole_or_nothing_rule(client, login_as, make_user):
    login_as(make_user("admin"))
    data = to_cp1258(csv_text(GOOD_THREE[0], {"sku": "F-2", "name": "N" * 300}))

    def upload(**fields):
        return client.post(
            "/admin/import",
            data={"csv_file": (BytesIO(data), "registry.csv"), **fields},
            content_type="multipart/form-data",
        )

    page = upload().get_data(as_text=True)
    assert "Không có gì được nhập" in page
    assert "name: quá dài: 300 ký tự, tối đa 255" in page
    assert _products() == []
    page = upload(skip_bad="y").get_data(as_text=True)
    assert _products() == ["F-1"]
    assert db.session.scalar(select(Product.name)) == "Kẹo dừa sữa"
