"""Errors of the channels app (DomainError subclasses → JSON responses)."""

from common.exceptions import DomainError, NotFound


class InvalidSignature(DomainError):
    """The webhook signature does not match the body."""

    code = "invalid_signature"
    http_status = 401


class MalformedPayload(DomainError):
    """The webhook body is not a valid order payload."""

    code = "malformed_payload"
    http_status = 400


class ChannelNotFound(NotFound):
    """No active channel with this code."""

    code = "channel_not_found"


class WebhookNotSupported(DomainError):
    """This channel does not receive webhooks of this kind."""

    code = "webhook_not_supported"
    http_status = 400
