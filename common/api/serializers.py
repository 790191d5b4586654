"""Error bodies, declared once so every endpoint's schema documents its errors."""

from drf_spectacular.utils import OpenApiResponse
from rest_framework import serializers


class ErrorDetailSerializer(serializers.Serializer):
    code = serializers.CharField()
    message = serializers.CharField()
    fields = serializers.DictField(required=False, help_text="Field name → list of messages")
    extra = serializers.DictField(required=False)


class ErrorResponseSerializer(serializers.Serializer):
    error = ErrorDetailSerializer()


def error_responses(*codes: int) -> dict[int, OpenApiResponse]:
    """`extend_schema(responses={**error_responses(400, 404, 409), 200: X})`."""
    text = {
        400: "Invalid input: field-level messages in error.fields",
        401: "Not authenticated",
        403: "Not allowed for this role or channel",
        404: "Not found",
        409: "Conflicts with the current state (error.code says which rule)",
        422: "Idempotency key reused with a different body",
        429: "Rate limited",
    }
    return {c: OpenApiResponse(ErrorResponseSerializer, description=text.get(c, "")) for c in codes}
