"""Ledger accounts, journal kinds, payout and bank-account states."""

from __future__ import annotations

from enum import StrEnum


class Account(StrEnum):
    """The ledger's accounts. Lines are signed: debit positive, credit negative."""

    PRODUCER = "producer"  # what the shop owes one producer (liability; per producer_id)
    FEE_INCOME = "fee_income"  # the shop's platform fees (income)
    PROVIDER_CASH = "provider_cash"  # card money held by the payment provider (asset)
    BANK = "bank"  # the shop's bank account: VietQR transfers, counter cash, remittances (asset)
    CARRIER_COD = "carrier_cod"  # cash on delivery collected by the carrier, not yet remitted
    PAYOUT_CLEARING = "payout_clearing"  # payouts exported to the bank, not yet confirmed


CASH_ACCOUNTS = (Account.PROVIDER_CASH, Account.BANK, Account.CARRIER_COD, Account.PAYOUT_CLEARING)


class JournalKind(StrEnum):
    SALE = "sale"  # a part paid (card, VietQR, counter) or a COD part delivered
    FEE = "fee"  # the platform fee on a sale
    FEE_REVERSAL = "fee_reversal"  # the part of a fee given back when goods are refunded
    REFUND = "refund"  # money back to the buyer
    COD_REMITTANCE = "cod_remittance"  # the carrier paid the shop the cash it collected
    PAYOUT = "payout"  # a producer's balance put into a payout run
    PAYOUT_PAID = "payout_paid"  # the bank confirmed the transfer
    PAYOUT_FAILED = "payout_failed"  # the transfer bounced: the balance goes back


class PayoutStatus(StrEnum):
    PENDING = "pending"
    PAID = "paid"
    FAILED = "failed"


class BankAccountStatus(StrEnum):
    PENDING = "pending"
    APPROVED = "approved"
    REJECTED = "rejected"
    SUPERSEDED = "superseded"
