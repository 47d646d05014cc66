"""Settlement error codes (translated and given a status by the web layer)."""

from __future__ import annotations

from core.errors import DomainError


class SettlementError(DomainError):
    code = "settlement"


class RefundTooLarge(SettlementError):
    code = "refund_too_large"


class NothingToRemit(SettlementError):
    code = "nothing_to_remit"


class PayoutLineDecided(SettlementError):
    code = "payout_line_decided"


class PayoutNotFound(SettlementError):
    code = "payout_not_found"


class BankAccountInvalid(SettlementError):
    code = "bank_account_invalid"


class BankAccountNotFound(SettlementError):
    code = "bank_account_not_found"


class OrderPartMissing(SettlementError):
    code = "order_part_not_found"


class NotInvoiceable(SettlementError):
    code = "not_invoiceable"
