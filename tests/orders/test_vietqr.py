"""VietQR payloads: CRC-16/CCITT-FALSE, exact amount and order number, readable from the image."""

from __future__ import annotations

import binascii
import io

import pytest
import qrcode

from orders.payments.vietqr import VietQRError, VietQRTransfer, crc16_ccitt_false, parse_tlv


def test_crc_matches_the_published_check_value():
    # The catalogue check value of CRC-16/CCITT-FALSE for the ASCII string "123456789".
    assert crc16_ccitt_false(b"123456789") == 0x29B1
    # And agrees with the standard library's CCITT CRC seeded with 0xFFFF.
    assert crc16_ccitt_false(b"000201010212") == binascii.crc_hqx(b"000201010212", 0xFFFF)


def test_payload_fields_amount_note_and_crc():
    payload = VietQRTransfer("970436", "0011001234567", 465_000, "OCOP-2611-000123").payload()
    # Derived by hand from the NAPAS layout (each field = id, two-digit length, value).
    expected_body = (
        "000201"
        "010212"
        "3857"
        "0010A000000727"
        "0127"
        "0006970436"
        "0113"
        "0011001234567"
        "0208QRIBFTTA"
        "5303704"
        "5406465000"
        "5802VN"
        "6220"
        "0816OCOP-2611-000123"
        "6304"
    )
    assert payload[:-4] == expected_body
    assert payload[-4:] == f"{binascii.crc_hqx(expected_body.encode(), 0xFFFF):04X}"
    fields = parse_tlv(payload)
    assert fields["54"] == "465000"
    assert parse_tlv(fields["62"])["08"] == "OCOP-2611-000123"
    account = parse_tlv(fields["38"])
    assert account["00"] == "A000000727"
    assert parse_tlv(account["01"]) == {"00": "970436", "01": "0011001234567"}


def test_the_rendered_code_scans_back_to_the_payload():
    from pyzbar import pyzbar

    payload = VietQRTransfer("970436", "0011001234567", 125_000, "OCOP-2611-000001").payload()
    image = qrcode.make(payload, box_size=6)
    buffer = io.BytesIO()
    image.save(buffer)
    from PIL import Image

    decoded = pyzbar.decode(Image.open(io.BytesIO(buffer.getvalue())))
    assert [d.data.decode() for d in decoded] == [payload]


@pytest.mark.parametrize(
    ("fields", "problem"),
    [
        ({"note": "x" * 26}, "25"),
        ({"note": "Đơn hàng"}, "ASCII"),
        ({"amount_vnd": 0}, "positive"),
        ({"bank_bin": "97043"}, "BIN"),
    ],
)
def test_bad_input_is_refused(fields, problem):
    values = {
        "bank_bin": "970436",
        "account_no": "0011001234567",
        "amount_vnd": 1000,
        "note": "OCOP-2611-000001",
    } | fields
    with pytest.raises(VietQRError, match=problem):
        VietQRTransfer(**values).payload()
