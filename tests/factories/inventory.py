import factory

from inventory.models import Barcode, Product


class ProductFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Product
        django_get_or_create = ("sku",)

    sku = factory.Sequence(lambda n: f"SKU-{n:05d}")
    name = factory.LazyAttribute(lambda p: f"Product {p.sku}")
    weight_g = 250
    length_mm = 200
    width_mm = 150
    height_mm = 50
    abc_class = "B"


class BarcodeFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Barcode

    product = factory.SubFactory(ProductFactory)
    code = factory.Sequence(lambda n: f"0{400000000000 + n:012d}")
    kind = "gtin"
