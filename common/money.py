"""Money with each currency's own ISO 4217 exponent (py-moneyed's currency table).

JPY has no minor unit ("2500"), USD two ("25.00"), KWD three ("2.500"). Amounts are kept as
exact Decimals and never rounded to cents: a channel's figure is stored as the channel wrote it,
and shown with the exponent of its currency. Database columns hold up to four decimals, the
largest exponent ISO 4217 uses (CLF, UYW).
"""

from __future__ import annotations

from decimal import ROUND_HALF_EVEN, Decimal, InvalidOperation
from typing import Any

import moneyed
from moneyed import Money

MAX_EXPONENT = 4
ZERO = Decimal("0")


class MoneyError(ValueError):
    """An amount that is not a number, or has more decimals than its currency."""


def currency_known(code: str) -> bool:
    try:
        moneyed.get_currency(str(code or "").upper())
    except (moneyed.CurrencyDoesNotExist, ValueError):
        return False
    return True


def exponent(currency: str) -> int:
    """Decimal places of the currency's minor unit (JPY 0, USD 2, KWD 3); 2 if unknown."""
    try:
        sub_unit = moneyed.get_currency(str(currency or "").upper()).sub_unit
    except (moneyed.CurrencyDoesNotExist, ValueError):
        return 2
    return max(0, len(str(int(sub_unit or 1))) - 1)


def amount(value: Any, currency: str, *, strict: bool = False) -> Decimal:
    """The exact Decimal of a channel or API amount ("25.00", 25, "2500", "2.500").

    Raises MoneyError when it is not a finite number, or (strict) when it has more decimals than
    the currency has (a USD amount "1.005"). Non-strict amounts keep what the channel sent, up to
    the four decimals a column holds (finer parts are rounded half to even to four).
    """
    if isinstance(value, Money):
        value = value.amount
    if value is None or value == "":
        return ZERO
    if isinstance(value, bool):
        raise MoneyError("not an amount")
    try:
        result = Decimal(str(value).strip())
    except (InvalidOperation, ValueError) as exc:
        raise MoneyError("not an amount") from exc
    if not result.is_finite():
        raise MoneyError("not an amount")
    places = -result.normalize().as_tuple().exponent  # type: ignore[operator]
    if strict and places > exponent(currency):
        raise MoneyError(f"{currency} amounts have at most {exponent(currency)} decimal places")
    if places > MAX_EXPONENT:
        # A channel's unrounded figure (WooCommerce tax parts such as "0.831667"): kept to the
        # four places a column holds, half to even; its own totals are exact.
        result = result.quantize(Decimal(1).scaleb(-MAX_EXPONENT), rounding=ROUND_HALF_EVEN)
    return result


def money(value: Any, currency: str) -> Money:
    """A py-moneyed Money of the exact amount (a code py-moneyed does not know is carried as
    XXX, "no currency", so a channel's odd code still adds up)."""
    code = str(currency or "USD").upper()
    return Money(amount(value, currency), code if currency_known(code) else "XXX")


def fmt(value: Any, currency: str) -> str:
    """The amount as the currency writes it: "25.00" USD, "2500" JPY, "2.500" KWD.

    Exact: an amount finer than the currency's exponent keeps its extra digits rather than
    being rounded.
    """
    d = amount(value, currency) if not isinstance(value, Decimal) else value
    exp = exponent(currency)
    quantum = Decimal(1).scaleb(-exp)
    if d == d.quantize(quantum):
        return str(d.quantize(quantum))
    return str(d.normalize())


def total(values: Any, currency: str) -> Decimal:
    """Exact sum of amounts (through Money, so currencies cannot mix)."""
    code = str(currency or "USD").upper()
    result = Money(ZERO, code if currency_known(code) else "XXX")
    for value in values:
        result = result + money(value, currency)
    return result.amount
