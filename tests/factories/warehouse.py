import factory

from warehouse.choices import BinType, ZoneKind
from warehouse.models import Bin, Warehouse, Zone


class WarehouseFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Warehouse
        django_get_or_create = ("code",)

    code = factory.Sequence(lambda n: f"WH{n}")
    name = factory.LazyAttribute(lambda w: f"Warehouse {w.code}")
    country = "US"
    region = "east"


class ZoneFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Zone
        django_get_or_create = ("warehouse", "code")

    warehouse = factory.SubFactory(WarehouseFactory)
    code = factory.Sequence(lambda n: f"Z{n}")
    name = factory.LazyAttribute(lambda z: f"Zone {z.code}")
    kind = ZoneKind.FAST


class BinFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Bin
        django_get_or_create = ("warehouse", "code")

    warehouse = factory.SubFactory(WarehouseFactory)
    zone = factory.LazyAttribute(lambda b: ZoneFactory(warehouse=b.warehouse, code="MAIN"))
    code = factory.Sequence(lambda n: f"B-{n:04d}")
    bin_type = BinType.PICK_FACE
    capacity_units = 500
