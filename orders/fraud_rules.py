"""Pure fraud scoring: a configurable rule score. Settings may override ORDERS_FRAUD."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

DEFAULT_FRAUD_CONFIG: dict[str, Any] = {
    "threshold": 50,
    "high_value": {"amount": "1000.00", "score": 40},
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


def fraud_score(
    *,
    total: Decimal,
    shipping_address: Mapping[str, Any],
    billing_address: Mapping[str, Any],
    recent_orders_same_customer: int,
    config: Mapping[str, Any] | None = None,
) -> FraudResult:
    """Score an order against the rules; at or above the threshold it goes on a fraud hold."""
    cfg = {**DEFAULT_FRAUD_CONFIG, **(config or {})}
    score, reasons = 0, []
    hv = cfg["high_value"]
    if total > Decimal(str(hv["amount"])):
        score += int(hv["score"])
        reasons.append(f"order value {total} over {hv['amount']} (+{hv['score']})")
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
