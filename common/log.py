"""Logging plumbing: a refused or not-found request is one concise line, not a traceback.

Django logs a `PermissionDenied` (and a bad request) on `django.request` with the exception's
traceback attached; with Django's own `django` console handler and the root handler both
printing, every 403 wrote two full tracebacks. `ClientErrorsWithoutTraceback` drops the
traceback from every 4xx record (the message with status and path stays), and settings route the
`django` loggers to one handler.
"""

from __future__ import annotations

import logging


class ClientErrorsWithoutTraceback(logging.Filter):
    """Strip `exc_info` from records of responses below 500 (401, 403, 404, 400 …)."""

    def filter(self, record: logging.LogRecord) -> bool:
        status = getattr(record, "status_code", None)
        if isinstance(status, int) and status < 500:
            record.exc_info = None
            record.exc_text = None
        return True
