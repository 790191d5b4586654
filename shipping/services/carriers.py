"""Reference data: the default carriers and service levels."""

from __future__ import annotations

from django.db import transaction

from shipping.models import (
    Carrier,
    ServiceLevel,
)

# --- reference data --------------------------------------------------------------------------
DEFAULT_CARRIER_CODE = "MOCK"


@transaction.atomic
def carriers_ensure_defaults(
    *,
    base_url: str = "",
    webhook_secret: str = "",
    api_key: str | None = None,
    update_endpoint: bool = False,
) -> Carrier:
    """Create (or leave alone) the demo carrier MOCK with the default service catalog.

    Blank base_url = the in-process carrier (no server needed). Idempotent; with
    `update_endpoint` an existing carrier is re-pointed at `base_url` (and given the secret and
    key when they are passed), e.g. when the mock carrier server is started.
    """
    from shipping.carriers.pricing import DEFAULT_CATALOG

    carrier, created = Carrier.objects.get_or_create(
        code=DEFAULT_CARRIER_CODE,
        defaults={
            "name": "Mock Parcel Co.",
            "base_url": base_url,
            "webhook_secret": webhook_secret,
            "api_key": api_key if api_key is not None else "",
        },
    )
    if update_endpoint and not created:
        carrier.base_url = base_url
        fields = ["base_url", "updated_at"]
        if webhook_secret:
            carrier.webhook_secret = webhook_secret
            fields.append("webhook_secret")
        if api_key is not None:
            carrier.api_key = api_key
            fields.append("api_key")
        carrier.save(update_fields=fields)
    for spec in DEFAULT_CATALOG:
        ServiceLevel.objects.get_or_create(
            carrier=carrier,
            code=spec.code,
            defaults={
                "name": spec.name,
                "tier": spec.tier,
                "transit_days": spec.transit_days,
                "base_cost": spec.base_cost,
                "cost_per_kg": spec.cost_per_kg,
            },
        )
    return carrier
