"""Pure fraud scoring: a configurable rule score. Settings may override ORDERS_FRAUD."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

# An order's value is only comparable with a threshold in its own currency: `amount` is in
# `currency`, `amounts` gives the threshold for other currencies (about USD 1,000 each; there is no
# exchange-rate service here). An order in a currency with no threshold is not scored on value.
HIGH_VALUE_AMOUNTS: dict[str, str] = {
    "EUR": "1000",
    "GBP": "800",
    "CHF": "900",
    "CAD": "1400",
    "AUD": "1500",
    "NZD": "1700",
    "SEK": "10000",
    "NOK": "10000",
    "DKK": "7000",
    "PLN": "4000",
    "JPY": "150000",
    "CNY": "7000",
    "INR": "85000",
    "MXN": "18000",
    "BRL": "5500",
    "KWD": "300",
    "BHD": "375",
    "AED": "3700",
    "SAR": "3750",
}

DEFAULT_FRAUD_CONFIG: dict[str, Any] = {
    "threshold": 50,
    "high_value": {
        "amount": "1000.00",
        "currency": "USD",
        "amounts": HIGH_VALUE_AMOUNTS,
        "score": 40,
    },
    "address_mismatch": {"score": 20},
    "velocity": {"max_orders": 3, "window_hours": 24, "score": 30},
    "risky_countries": {"countries": [], "score": 50},
}


@dataclass(frozen=True)
class FraudResult:
    score: int
    threshold: int
    reasons: list[str]

    @property
    def is_suspicious(self) -> bool:
        return self.score >= self.threshold


def _addr_key(address: Mapping[str, Any]) -> tuple[str, ...]:
    return tuple(
        str(address.get(k, "")).strip().lower() for k in ("line1", "postal_code", "city", "country")
    )


def _high_value_threshold(hv: Mapping[str, Any], currency: str) -> Decimal | None:
    if currency == str(hv.get("currency", "USD")).upper():
        return Decimal(str(hv["amount"]))
    amount = {k.upper(): v for k, v in (hv.get("amounts") or {}).items()}.get(currency)
    return None if amount is None else Decimal(str(amount))


def fraud_score(
    *,
    total: Decimal,
    currency: str = "USD",
    shipping_address: Mapping[str, Any],
    billing_address: Mapping[str, Any],
    recent_orders_same_customer: int,
    config: Mapping[str, Any] | None = None,
) -> FraudResult:
    """Score an order against the rules; at or above the threshold it goes on a fraud hold."""
    cfg = {**DEFAULT_FRAUD_CONFIG, **(config or {})}
    score, reasons = 0, []
    hv = {**DEFAULT_FRAUD_CONFIG["high_value"], **cfg["high_value"]}
    limit = _high_value_threshold(hv, currency.upper())
    if limit is not None and total > limit:
        score += int(hv["score"])
        reasons.append(f"order value {total} {currency} over {limit} (+{hv['score']})")
    if billing_address and _addr_key(billing_address) != _addr_key(shipping_address):
        score += int(cfg["address_mismatch"]["score"])
        reasons.append(
            f"billing and shipping addresses differ (+{cfg['address_mismatch']['score']})"
        )
    vel = cfg["velocity"]
    if recent_orders_same_customer >= int(vel["max_orders"]):
        score += int(vel["score"])
        reasons.append(
            f"{recent_orders_same_customer} orders from this email/address in "
            f"{vel['window_hours']} h (+{vel['score']})"
        )
    risky = cfg["risky_countries"]
    country = str(shipping_address.get("country", "")).upper()
    if country and country in {c.upper() for c in risky["countries"]}:
        score += int(risky["score"])
        reasons.append(f"destination {country} is listed as risky (+{risky['score']})")
    return FraudResult(score=score, threshold=int(cfg["threshold"]), reasons=reasons)
