from .ledger import StockMovement
from .products import Barcode, Product
from .reservations import BinReservation, Commitment
from .stock import InventoryBalance, LotHold, StockLevel

__all__ = [
    "Barcode",
    "BinReservation",
    "Commitment",
    "InventoryBalance",
    "LotHold",
    "Product",
    "StockLevel",
    "StockMovement",
]
