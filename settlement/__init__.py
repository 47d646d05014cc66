"""Money to the cooperatives: the double-entry ledger, payouts, statements, bank accounts and
e-invoice data (docs/settlement.md). Importing the package makes the ledger listen to orders."""

from . import models  # noqa: F401  (tables in the metadata)
from .ledger import subscribe_to_orders

subscribe_to_orders()
