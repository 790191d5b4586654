"""Abstract base models and shared field types. No concrete model lives here."""

from decimal import Decimal

from django.db import models


class TimeStampedModel(models.Model):
    """Adds created_at / updated_at."""

    created_at = models.DateTimeField(auto_now_add=True, db_index=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        abstract = True


class AmountField(models.DecimalField):
    """A money amount, exact for every ISO 4217 exponent (four decimal places hold them all;
    common.money). Read back without the padding zeros beyond two places, so a USD 19.99 is
    `Decimal("19.99")`, a KWD 2.5 `Decimal("2.50")` and a KWD 1.125 `Decimal("1.125")`: equal
    to what was written; shown with its currency's exponent by `common.money.fmt`."""

    def __init__(self, *args, **kwargs):  # type: ignore[no-untyped-def]
        kwargs.setdefault("max_digits", 19)
        kwargs.setdefault("decimal_places", 4)
        kwargs.setdefault("default", Decimal("0"))
        super().__init__(*args, **kwargs)

    def from_db_value(self, value, expression, connection):  # type: ignore[no-untyped-def]
        if value is None:
            return value
        value = Decimal(value) if not isinstance(value, Decimal) else value
        places = max(2, -value.normalize().as_tuple().exponent)
        return value.quantize(Decimal(1).scaleb(-places))
