"""WMS settings with defaults; override any of them in Django settings."""

from __future__ import annotations

from typing import Any

from django.conf import settings

DEFAULTS: dict[str, Any] = {
    # Cycle count interval per ABC class, in days.
    "WMS_COUNT_DAYS": {"A": 90, "B": 180, "C": 365},
    # Variance ratio Σ|counted − expected| / Σ expected above which a recount is asked for …
    "WMS_COUNT_RECOUNT_RATIO": 0.02,
    # … and above which (after the recount) a supervisor must approve the adjustment.
    "WMS_COUNT_APPROVAL_RATIO": 0.10,
    # A variance of at most this many units never needs a recount (tiny bins).
    "WMS_COUNT_TOLERANCE_UNITS": 0,
    # Packing: measured weight may differ from the expected weight by this share or these grams.
    "WMS_WEIGHT_TOLERANCE_RATIO": 0.10,
    "WMS_WEIGHT_TOLERANCE_G": 50,
    # Waves: totes on one picking cart (one pick list per cart).
    "WMS_TOTES_PER_CART": 12,
}


def wms_setting(name: str) -> Any:
    """The configured value of a WMS setting, or its default."""
    return getattr(settings, name, DEFAULTS[name])
