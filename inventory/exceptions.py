from common.exceptions import Conflict, InvalidInput, NotFound


class InsufficientStock(Conflict):
    """Not enough stock for this operation."""

    code = "insufficient_stock"


class UnknownSku(NotFound):
    """No product has this SKU or barcode."""

    code = "unknown_sku"


class UnknownBin(NotFound):
    """No bin has this code in this warehouse."""

    code = "unknown_bin"


class BinNotUsable(Conflict):
    """The bin is blocked or of a type that cannot take this operation."""

    code = "bin_not_usable"


class ReservationClosed(Conflict):
    """The reservation is no longer open."""

    code = "reservation_closed"


class InvalidQuantity(InvalidInput):
    """Quantity must be a positive whole number."""

    code = "invalid_quantity"


class CodeTaken(Conflict):
    """The SKU or code already belongs to a product."""

    code = "code_taken"


class LotNotSellable(Conflict):
    """The lot is expired, on hold or recalled: it is not reserved, allocated or picked."""

    code = "lot_not_sellable"


class LotOvercommitted(Conflict):
    """Taking the lot out of stock to sell would leave less sellable stock than is committed."""

    code = "lot_overcommitted"
