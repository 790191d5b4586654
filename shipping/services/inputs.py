"""Input parsing shared by the shipping services: addresses, parcels, dates, the warehouse's
ship-from address and ship date, the order a fulfillment request belongs to.
"""

from __future__ import annotations

from datetime import date, datetime
from datetime import time as dt_time
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from django.utils import timezone

from common.exceptions import InvalidInput
from orders import selectors as orders_selectors
from shipping.carriers.base import Address, Parcel
from shipping.models import (
    Shipment,
)
from shipping.rating import ship_date_for


# --- input parsing ---------------------------------------------------------------------------
def _parse_ship_to(ship_to: dict[str, Any]) -> Address:
    if not isinstance(ship_to, dict):
        raise InvalidInput(
            "ship_to must be an object.", fields={"ship_to": ["Expected an object."]}
        )
    address = Address.from_dict(ship_to)
    missing = address.missing_fields()
    if missing:
        raise InvalidInput(
            f"The ship-to address is missing {', '.join(missing)}.",
            fields={f"ship_to.{f}": ["This field is required."] for f in missing},
        )
    if len(address.country) != 2:
        raise InvalidInput(
            "country must be an ISO 3166-1 alpha-2 code.",
            fields={"ship_to.country": ["Use a 2-letter country code."]},
        )
    return address


def _parse_packages(packages: list[dict[str, Any]]) -> list[Parcel]:
    if not packages:
        raise InvalidInput("At least one package is required.", fields={"packages": ["Empty."]})
    parcels = []
    for i, package in enumerate(packages):
        try:
            values = {
                k: int(package[k]) for k in ("weight_g", "length_mm", "width_mm", "height_mm")
            }
        except (KeyError, TypeError, ValueError) as exc:
            raise InvalidInput(
                f"Package {i + 1} needs integer weight_g, length_mm, width_mm and height_mm.",
                fields={f"packages[{i}]": [str(exc)]},
            ) from exc
        bad = [k for k, v in values.items() if v <= 0]
        if bad:
            raise InvalidInput(
                f"Package {i + 1}: {', '.join(bad)} must be positive.",
                fields={f"packages[{i}].{k}": ["Must be positive."] for k in bad},
            )
        parcels.append(Parcel(**values))
    return parcels


def _as_date(value: date | datetime | str | None) -> date | None:
    if value is None or value == "":
        return None
    if isinstance(value, str):
        try:
            value = datetime.fromisoformat(value)
        except ValueError as exc:
            raise InvalidInput("promised_by must be an ISO date.") from exc
    if isinstance(value, datetime):
        return timezone.localtime(value).date() if timezone.is_aware(value) else value.date()
    return value


def _warehouse(warehouse_id: int) -> Any:
    # The warehouse is the FK target of our own Shipment.warehouse; reading its return address
    # and cutoff through the relation keeps shipping from importing the (higher) warehouse app.
    warehouse_model = Shipment._meta.get_field("warehouse").related_model
    try:
        return warehouse_model.objects.get(pk=warehouse_id)  # type: ignore[union-attr]
    except warehouse_model.DoesNotExist as exc:  # type: ignore[union-attr]
        raise InvalidInput(
            f"Warehouse {warehouse_id} does not exist.",
            fields={"warehouse_id": ["Unknown warehouse."]},
        ) from exc


def _warehouse_address(warehouse: Any) -> Address:
    return Address(
        name=warehouse.name,
        company="",
        line1=warehouse.address_line1 or warehouse.name,
        city=warehouse.city or "-",
        postal_code=warehouse.postal_code or "-",
        country=warehouse.country or "US",
    )


def _ship_date(warehouse: Any) -> date:
    """Today, or the next working day once the warehouse's shipping cutoff has passed."""
    try:
        tz = ZoneInfo(warehouse.timezone or "UTC")
    except (ZoneInfoNotFoundError, ValueError):
        tz = ZoneInfo("UTC")
    cutoff = warehouse.shipping_cutoff
    if isinstance(cutoff, str):
        cutoff = dt_time.fromisoformat(cutoff)
    return ship_date_for(now_local=timezone.now().astimezone(tz), cutoff=cutoff)


def warehouse_ship_date(*, warehouse_id: int) -> date:
    """The ship date a label bought now at this warehouse gets (and today's manifest closes)."""
    return _ship_date(_warehouse(warehouse_id))


def _order_refs(fulfillment_request_id: int) -> tuple[int | None, int | None]:
    """(order_id, channel_id) of a fulfillment request, asked of the OMS."""
    order = orders_selectors.order_for_fulfillment_request(request_id=fulfillment_request_id)
    if order is None:
        return None, None
    return order.pk, order.channel_id
