"""Money as the services write it: decimal strings with the currency's ISO 4217 exponent.

Shopify REST and WooCommerce send "25.00" (JPY "2500", KWD "2.500"); Shopify GraphQL's
`Decimal` scalar drops trailing zeros ("25.0"); SP-API sends "25.00". The mocks keep amounts as
Decimal and format them only on the way out.
"""

from __future__ import annotations

from decimal import ROUND_HALF_EVEN, Decimal

# ISO 4217 minor units that differ from 2 (the currencies the mocks and their tests use).
EXPONENT = {
    "JPY": 0,
    "KRW": 0,
    "CLP": 0,
    "ISK": 0,
    "VND": 0,
    "HUF": 2,
    "KWD": 3,
    "BHD": 3,
    "OMR": 3,
    "JOD": 3,
    "TND": 3,
}


def exponent(currency: str) -> int:
    return EXPONENT.get(currency.upper(), 2)


def dec(value: object) -> Decimal:
    return Decimal(str(value if value not in (None, "") else "0"))


def fmt(value: object, currency: str) -> str:
    """ "25.00" for USD, "2500" for JPY, "2.500" for KWD (round half even, as a ledger would)."""
    exp = exponent(currency)
    quantum = Decimal(1).scaleb(-exp)
    return str(dec(value).quantize(quantum, rounding=ROUND_HALF_EVEN))


def gql_decimal(value: object) -> str:
    """Shopify GraphQL's Decimal: no trailing zeros beyond one decimal ("25.0", "184.45")."""
    d = dec(value).normalize()
    text = format(d, "f")
    return text if "." in text else f"{text}.0"
