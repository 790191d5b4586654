"""common.money: each currency's ISO 4217 exponent, exact sums, no rounding to cents."""

from decimal import Decimal

import pytest

from common import money


@pytest.mark.parametrize(
    ("currency", "exp", "value", "shown"),
    [
        ("USD", 2, "25", "25.00"),
        ("JPY", 0, "2500", "2500"),
        ("KWD", 3, "2.5", "2.500"),
        ("BHD", 3, "0.125", "0.125"),
        ("CLF", 4, "1.2345", "1.2345"),
        ("EUR", 2, "0.1", "0.10"),
    ],
)
def test_amounts_are_shown_with_their_currencys_exponent(currency, exp, value, shown):
    assert money.exponent(currency) == exp
    assert money.fmt(money.amount(value, currency), currency) == shown


def test_strict_amounts_refuse_more_decimals_than_the_currency_has():
    with pytest.raises(money.MoneyError):
        money.amount("1200.5", "JPY", strict=True)
    with pytest.raises(money.MoneyError):
        money.amount("1.005", "USD", strict=True)
    assert money.amount("1.125", "KWD", strict=True) == Decimal("1.125")


def test_sums_are_exact_and_finer_channel_figures_are_not_rounded_to_cents():
    assert money.total(["0.10", "0.20", "0.30"], "USD") == Decimal("0.60")
    assert money.total(["1.125", "2.250"], "KWD") == Decimal("3.375")
    # a channel's unrounded tax part keeps four places, never two
    assert money.amount("0.831667", "USD") == Decimal("0.8317")
    assert money.fmt(Decimal("0.8317"), "USD") == "0.8317"
    # a code py-moneyed does not know still adds up (two places shown)
    assert money.total(["1.10", "2.20"], "ZZZ") == Decimal("3.30")
