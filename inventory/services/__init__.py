"""Inventory writes. Every change of physical stock writes exactly one StockMovement per
(product, bin pair) in the same transaction as the StockLevel and InventoryBalance updates.

Public entry points are re-exported here: `from inventory import services as inventory_services`.
"""

from .catalog import product_alias_add, product_create
from .lots import ExpiryRun, lot_hold_place, lot_hold_release, lots_expire
from .movements import (
    bin_availability_change,
    incoming_adjust,
    stock_adjust,
    stock_consume,
    stock_move,
    stock_pick,
    stock_receive,
)
from .receipts import ReceiptLine, stock_receive_many
from .reservations import (
    balances_commit_many,
    bin_reservation_create,
    bin_reservation_release,
    bin_reservations_create_many,
    commitment_create,
    commitment_release,
    commitments_bulk_build,
    commitments_bulk_insert,
    commitments_expire,
    commitments_release_for_document,
)

__all__ = [
    "ExpiryRun",
    "ReceiptLine",
    "balances_commit_many",
    "bin_availability_change",
    "bin_reservation_create",
    "bin_reservation_release",
    "bin_reservations_create_many",
    "commitment_create",
    "commitment_release",
    "commitments_bulk_build",
    "commitments_bulk_insert",
    "commitments_expire",
    "commitments_release_for_document",
    "incoming_adjust",
    "lot_hold_place",
    "lot_hold_release",
    "lots_expire",
    "product_alias_add",
    "product_create",
    "stock_adjust",
    "stock_consume",
    "stock_move",
    "stock_pick",
    "stock_receive",
    "stock_receive_many",
]
