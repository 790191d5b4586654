from .counts import CycleCount, CycleCountLine, PickFace
from .packing import BoxType, Package, PackedItem
from .receiving import InboundLine, InboundShipment, ReceiptDiscrepancy
from .sites import Bin, Warehouse, Zone
from .tasks import ScanRecord, Task
from .waves import PickLine, PickList, Tote, Wave, WaveRequest

__all__ = [
    "Bin",
    "BoxType",
    "CycleCount",
    "CycleCountLine",
    "InboundLine",
    "InboundShipment",
    "Package",
    "PackedItem",
    "PickFace",
    "PickLine",
    "PickList",
    "ReceiptDiscrepancy",
    "ScanRecord",
    "Task",
    "Tote",
    "Warehouse",
    "Wave",
    "WaveRequest",
    "Zone",
]
