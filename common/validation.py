"""Edge checks that hold for every input, whatever field it lands in (no business rules).

* Text never carries NUL characters: Postgres cannot store or compare them (it answered 500),
  and no real name, code or address contains one. `common.middleware.EdgeInputMiddleware`
  refuses them in every query parameter, form field and JSON body.
* Date-times are in range: an offset within ±14:00 (the widest any time zone uses; Postgres
  refuses wider ones) and a value that still exists once converted to UTC. `aware_utc` is the
  one check; the API's filter backend and order capture use it, DRF's DateTimeField already
  converts to UTC and refuses overflow.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

NUL = "\x00"
MAX_UTC_OFFSET = timedelta(hours=14)
NUL_MESSAGE = "NUL characters are not allowed."


def has_nul(value: object) -> bool:
    """True when a string, or any string inside a list/dict, contains a NUL character."""
    if isinstance(value, str):
        return NUL in value
    if isinstance(value, dict):
        return any(has_nul(k) or has_nul(v) for k, v in value.items())
    if isinstance(value, (list, tuple)):
        return any(has_nul(v) for v in value)
    return False


def aware_utc(value: datetime) -> datetime:
    """The date-time in UTC; ValueError when its offset or its UTC value is out of range.

    Naive values are taken as UTC (the project's time zone).
    """
    offset = value.utcoffset()
    if offset is None:
        return value.replace(tzinfo=UTC)
    if abs(offset) > MAX_UTC_OFFSET:
        raise ValueError("The UTC offset must be between -14:00 and +14:00.")
    try:
        return value.astimezone(UTC)
    except OverflowError as exc:
        raise ValueError("The date-time is out of range.") from exc
