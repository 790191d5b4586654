"""Catalog writes: create a product, give a product another code (an alias a channel uses)."""

from __future__ import annotations

from django.db import IntegrityError, transaction

from common.exceptions import InvalidInput
from common.types import Actor
from inventory import selectors as inventory_selectors
from inventory.choices import BarcodeKind
from inventory.exceptions import CodeTaken
from inventory.models import Barcode, Product


def _clean_code(code: str, field: str) -> str:
    code = (code or "").strip()
    if not code or len(code) > 64:
        raise InvalidInput(
            f"A {field} of 1 to 64 characters is required.", fields={field: ["invalid"]}
        )
    return code


@transaction.atomic
def product_create(*, sku: str, name: str, actor: Actor) -> Product:
    """Create an active product. Raises InvalidInput, CodeTaken (the SKU or a barcode has it)."""
    sku = _clean_code(sku, "sku")
    name = (name or "").strip()[:200]
    if not name:
        raise InvalidInput("The product needs a name.", fields={"name": ["required"]})
    if inventory_selectors.product_get_by_code(code=sku) is not None:
        raise CodeTaken(f"{sku} is already a product's SKU or barcode.")
    try:
        with transaction.atomic():
            return Product.objects.create(sku=sku, name=name)
    except IntegrityError as exc:
        raise CodeTaken(f"{sku} is already a product's SKU.") from exc


@transaction.atomic
def product_alias_add(*, product_id: int, code: str, actor: Actor) -> Barcode:
    """Make `code` find the product from now on (an internal barcode). Raises CodeTaken."""
    code = _clean_code(code, "code")
    found = inventory_selectors.product_get_by_code(code=code)
    if found is not None:
        if found.pk == product_id:
            return Barcode.objects.filter(code=code).first() or Barcode(product=found, code=code)
        raise CodeTaken(f"{code} already belongs to product {found.sku}.")
    try:
        with transaction.atomic():
            return Barcode.objects.create(
                product_id=product_id, code=code, kind=BarcodeKind.INTERNAL
            )
    except IntegrityError as exc:
        raise CodeTaken(f"{code} already belongs to another product.") from exc
