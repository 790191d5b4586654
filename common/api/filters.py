"""The API's filter backend: django-filter plus the edge checks every filter value gets."""

from __future__ import annotations

from datetime import datetime

import django_filters
from django_filters import utils
from django_filters.rest_framework import DjangoFilterBackend
from rest_framework.exceptions import ValidationError

from common.validation import aware_utc


class FilterBackend(DjangoFilterBackend):
    """DjangoFilterBackend whose date-time values are checked and converted to UTC.

    django-filter's date-time fields keep the offset they were given; an offset Postgres does
    not know (e.g. -19:29) or a value that overflows in UTC reached the database as a 500.
    Bad filters answer 400 with the field named, as every other invalid input.
    """

    def filter_queryset(self, request, queryset, view):  # type: ignore[no-untyped-def]
        filterset = self.get_filterset(request, queryset, view)
        if filterset is None:
            return queryset
        if not filterset.is_valid() and self.raise_exception:
            raise utils.translate_validation(filterset.errors)
        errors = {}
        cleaned = filterset.form.cleaned_data
        for name, value in list(cleaned.items()):
            if isinstance(value, datetime):
                try:
                    cleaned[name] = aware_utc(value)
                except ValueError as exc:
                    errors[name] = [str(exc)]
        if errors:
            raise ValidationError(errors)
        return filterset.qs


class FilterSet(django_filters.FilterSet):
    """The project's FilterSet: every date-time value is checked and converted to UTC when the
    filterset is validated, whoever validates it (the filter backend or a view paging by hand),
    so an out-of-range offset or a value that overflows in UTC is a 400 naming the field."""

    def is_valid(self) -> bool:
        if not super().is_valid():
            return False
        for name, value in list(self.form.cleaned_data.items()):
            if isinstance(value, datetime):
                try:
                    self.form.cleaned_data[name] = aware_utc(value)
                except ValueError as exc:
                    self.form.add_error(name, str(exc))
        return not self.form.errors
