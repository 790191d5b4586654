"""The date lots expire by. One function, so tests move it with time-machine (never wall-clock
in an assertion) and every path (task, wave release, allocation, pick) agrees on "today"."""

from __future__ import annotations

import datetime as dt

from django.utils import timezone


def today() -> dt.date:
    """Today's date in the project's time zone (settings.TIME_ZONE)."""
    return timezone.localdate()


def is_expired(expiry_date: dt.date | None, *, on: dt.date | None = None) -> bool:
    """A lot is expired the day after its expiry date (it may be sold on that date)."""
    return expiry_date is not None and expiry_date < (on or today())
