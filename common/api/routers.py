"""The project's DRF router: integer primary keys only match digits in the URL.

DRF's default lookup pattern is `[^/.]+`, so `/shipments/abc/void/` reached the view, whose
`int(pk)` raised (500). With integer keys matched as `[0-9]+`, anything else is simply no URL:
the JSON 404. Viewsets that look up by another field (an order number, a token) or set their
own `lookup_value_regex` keep theirs.
"""

from __future__ import annotations

from django.db import models
from rest_framework.routers import DefaultRouter

_INTEGER_FIELDS = (models.AutoField, models.BigAutoField, models.IntegerField)


class Router(DefaultRouter):
    def get_lookup_regex(self, viewset, lookup_prefix=""):  # type: ignore[no-untyped-def]
        if getattr(viewset, "lookup_value_regex", None) is None and _integer_lookup(viewset):
            lookup_url_kwarg = getattr(viewset, "lookup_url_kwarg", None) or getattr(
                viewset, "lookup_field", "pk"
            )
            return f"(?P<{lookup_prefix}{lookup_url_kwarg}>[0-9]+)"
        return super().get_lookup_regex(viewset, lookup_prefix)


def _integer_lookup(viewset) -> bool:  # type: ignore[no-untyped-def]
    lookup = getattr(viewset, "lookup_field", "pk")
    queryset = getattr(viewset, "queryset", None)
    model = getattr(queryset, "model", None)
    if model is None:
        return lookup in ("pk", "id")  # get_queryset() viewsets: our pks are all integers
    field = model._meta.pk if lookup == "pk" else model._meta.get_field(lookup)
    return isinstance(field, _INTEGER_FIELDS)
