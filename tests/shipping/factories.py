"""Carriers and service levels are reference data (leaf rows). Shipments are built through
shipping.services.shipment_create_with_label (see tests/shipping/conftest.py)."""

import factory

from shipping.carriers.pricing import DEFAULT_CATALOG
from shipping.models import Carrier, ServiceLevel


class CarrierFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Carrier
        django_get_or_create = ("code",)

    code = factory.Sequence(lambda n: f"CAR{n}")
    name = factory.LazyAttribute(lambda c: f"Carrier {c.code}")
    base_url = ""
    webhook_secret = "carrier-whsec"
    timeout_seconds = 2.0
    max_attempts = 3


class ServiceLevelFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ServiceLevel
        django_get_or_create = ("carrier", "code")

    carrier = factory.SubFactory(CarrierFactory)
    code = factory.Sequence(lambda n: f"SVC{n}")
    name = factory.LazyAttribute(lambda s: s.code.title())
    tier = "standard"
    transit_days = 3
    base_cost = "5.00"
    cost_per_kg = "1.00"


def carrier_with_default_catalog(**kwargs) -> Carrier:
    """A carrier offering the same services (codes, transit days, prices) as the mock server."""
    carrier = CarrierFactory(**kwargs)
    for spec in DEFAULT_CATALOG:
        ServiceLevelFactory(
            carrier=carrier,
            code=spec.code,
            name=spec.name,
            tier=spec.tier,
            transit_days=spec.transit_days,
            base_cost=spec.base_cost,
            cost_per_kg=spec.cost_per_kg,
        )
    return carrier
