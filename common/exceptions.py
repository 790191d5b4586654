"""The domain error hierarchy. Services raise these; interfaces turn them into responses."""

from __future__ import annotations

from typing import Any


class DomainError(Exception):
    """A business rule refused the request. `code` is stable; `message` is for people."""

    code = "domain_error"
    http_status = 400

    def __init__(self, message: str = "", *, code: str | None = None, **extra: Any) -> None:
        super().__init__(message or self.__class__.__doc__ or self.code)
        self.message = message or (self.__class__.__doc__ or self.code).strip()
        if code:
            self.code = code
        self.extra = extra

    def as_dict(self) -> dict[str, Any]:
        body: dict[str, Any] = {"code": self.code, "message": self.message}
        if self.extra:
            body["extra"] = self.extra
        return body


class NotFound(DomainError):
    """The object does not exist."""

    code = "not_found"
    http_status = 404


class PermissionDenied(DomainError):
    """You may not do this."""

    code = "permission_denied"
    http_status = 403


class Conflict(DomainError):
    """The request conflicts with the current state."""

    code = "conflict"
    http_status = 409


class InvalidInput(DomainError):
    """The input is not valid."""

    code = "invalid"
    http_status = 400
