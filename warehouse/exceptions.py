"""WMS domain errors (code + message → API 400/404/409)."""

from common.exceptions import Conflict, InvalidInput, NotFound


class InvalidTransition(Conflict):
    """This status change is not allowed."""

    code = "invalid_transition"


class UnknownCode(NotFound):
    """Nothing in this warehouse has this code."""

    code = "unknown_code"


class WrongBin(Conflict):
    """This is not the bin to scan now."""

    code = "wrong_bin"


class WrongItem(Conflict):
    """This is not the item to scan now."""

    code = "wrong_item"


class WrongTote(Conflict):
    """This is not the tote for this pick."""

    code = "wrong_tote"


class QuantityMismatch(InvalidInput):
    """The quantity is not allowed here."""

    code = "quantity_mismatch"


class ShipmentClosed(Conflict):
    """The inbound shipment is closed."""

    code = "inbound_closed"


class NothingToDo(Conflict):
    """There is nothing left to do on this document."""

    code = "nothing_to_do"


class NoBinAvailable(Conflict):
    """No bin can take this stock."""

    code = "no_bin_available"


class ApprovalRequired(Conflict):
    """A supervisor must approve this."""

    code = "approval_required"


class ScanReused(Conflict):
    """This scan id was already used for a different request."""

    code = "scan_id_reused"


class PackingIncomplete(Conflict):
    """Not every item has been verified yet."""

    code = "packing_incomplete"


class WeightOutOfTolerance(Conflict):
    """The package's weight is out of tolerance: re-weigh it, or a supervisor overrides."""

    code = "weight_out_of_tolerance"


class LotRequired(InvalidInput):
    """This item is lot-tracked: say which lot."""

    code = "lot_required"


class RecountByAnother(Conflict):
    """The recount must be done by someone other than the first counter."""

    code = "recount_by_another"


class ChannelExceptionOpen(Conflict):
    """The channel cancelled or changed the order after pick: ops decide first."""

    code = "channel_exception_open"
