"""VietQR payloads: the NAPAS profile of EMVCo merchant-presented QR, for bank transfers.

We write the payload ourselves (about forty lines) rather than depend on `vietnam-qr-pay`
(PyPI, 1.0.0, July 2025): that package is a single unmaintained-so-far release whose encoder
counts lengths in characters but checksums UTF-8 bytes, silently emits a 3-digit length for
values over 99 characters and does not enforce the 25-character transfer note. Ours refuses
such input instead. Field layout (EMVCo MPM 1.1 + NAPAS VietQR):

    00 "01"            payload format indicator
    01 "12"            point of initiation: dynamic (one amount, one order)
    38 …               merchant account: 00 GUID "A000000727", 01 (00 bank BIN, 01 account),
                       02 service "QRIBFTTA" (transfer to an account number)
    53 "704"           currency: VND (ISO 4217 numeric)
    54 amount          whole dong
    58 "VN"            country
    62 … 08 note       additional data: purpose of transaction = the order number (≤ 25 chars)
    63 CRC             CRC-16/CCITT-FALSE over everything before it, including "6304"
"""

from __future__ import annotations

import re
from dataclasses import dataclass

NAPAS_GUID = "A000000727"
SERVICE_TO_ACCOUNT = "QRIBFTTA"
CURRENCY_VND = "704"
MAX_NOTE_LENGTH = 25
_NOTE_RE = re.compile(r"^[A-Za-z0-9 .\-]+$")
_DIGITS_RE = re.compile(r"^\d+$")


class VietQRError(ValueError):
    pass


def crc16_ccitt_false(data: bytes) -> int:
    """CRC-16/CCITT-FALSE: poly 0x1021, init 0xFFFF, no reflection, no final XOR."""
    crc = 0xFFFF
    for byte in data:
        crc ^= byte << 8
        for _ in range(8):
            crc = ((crc << 1) ^ 0x1021) if crc & 0x8000 else (crc << 1)
            crc &= 0xFFFF
    return crc


def _tlv(tag: str, value: str) -> str:
    if not value.isascii():
        raise VietQRError(f"field {tag} must be ASCII")
    if len(value) > 99:
        raise VietQRError(f"field {tag} is longer than 99 characters")
    return f"{tag}{len(value):02d}{value}"


@dataclass(frozen=True)
class VietQRTransfer:
    bank_bin: str  # six digits, e.g. "970436" (Vietcombank)
    account_no: str
    amount_vnd: int
    note: str  # the order number

    def payload(self) -> str:
        """The EMVCo string to encode in the QR image."""
        if not (len(self.bank_bin) == 6 and _DIGITS_RE.match(self.bank_bin)):
            raise VietQRError("bank BIN must be six digits")
        if not (0 < len(self.account_no) <= 19 and self.account_no.isalnum()):
            raise VietQRError("account number must be 1-19 letters or digits")
        if self.amount_vnd <= 0:
            raise VietQRError("amount must be positive")
        if len(self.note) > MAX_NOTE_LENGTH or not _NOTE_RE.match(self.note):
            raise VietQRError("transfer note must be at most 25 plain ASCII characters")
        beneficiary = _tlv("00", self.bank_bin) + _tlv("01", self.account_no)
        merchant_account = (
            _tlv("00", NAPAS_GUID) + _tlv("01", beneficiary) + _tlv("02", SERVICE_TO_ACCOUNT)
        )
        body = (
            _tlv("00", "01")
            + _tlv("01", "12")
            + _tlv("38", merchant_account)
            + _tlv("53", CURRENCY_VND)
            + _tlv("54", str(self.amount_vnd))
            + _tlv("58", "VN")
            + _tlv("62", _tlv("08", self.note))
            + "6304"
        )
        return body + f"{crc16_ccitt_false(body.encode('ascii')):04X}"


def parse_tlv(payload: str) -> dict[str, str]:
    """Split one level of EMVCo tag-length-value fields (used to read payloads back)."""
    fields: dict[str, str] = {}
    position = 0
    while position < len(payload):
        tag = payload[position : position + 2]
        length = int(payload[position + 2 : position + 4])
        fields[tag] = payload[position + 4 : position + 4 + length]
        position += 4 + length
    return fields
