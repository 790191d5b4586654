"""HTTP carrier adapter speaking an EasyPost-style JSON API (rates → buy → track → scan form).

Transient failures (connection errors, timeouts, 5xx, 429) are retried with exponential backoff
and jitter, honouring `Retry-After`; after `max_attempts` they raise CarrierUnavailable. Other
4xx answers raise CarrierRejected with the carrier's message. Buying is safe to retry: every
purchase carries an Idempotency-Key, and the carrier returns the same label for the same key.
"""

from __future__ import annotations

import functools
import logging
import random
import time
from collections.abc import Callable
from datetime import date, datetime
from decimal import Decimal, InvalidOperation
from typing import Any, TypeVar

import httpx

from shipping.carriers.base import (
    CARRIER_STATUS_MAP,
    Address,
    ManifestResult,
    Parcel,
    PurchasedLabel,
    RateQuote,
    TrackingResult,
    TrackingUpdate,
)
from shipping.carriers.pricing import add_business_days
from shipping.exceptions import CarrierRejected, CarrierUnavailable

logger = logging.getLogger(__name__)

MAX_RETRY_AFTER_SECONDS = 30.0

F = TypeVar("F", bound=Callable[..., Any])


def _parses_answer(method: F) -> F:
    """Turn a carrier answer that lacks the fields we need into CarrierRejected, not a 500."""

    @functools.wraps(method)
    def wrapper(self: HttpCarrierAdapter, *args: Any, **kwargs: Any) -> Any:
        try:
            return method(self, *args, **kwargs)
        except (KeyError, TypeError, ValueError, InvalidOperation) as exc:
            raise CarrierRejected(
                f"Carrier {self.carrier_code} sent an answer we cannot read ({exc!r})."
            ) from exc

    return wrapper  # type: ignore[return-value]


class HttpCarrierAdapter:
    """Talks to a carrier API at `base_url` (our mock carrier server in tests and demos)."""

    def __init__(
        self,
        *,
        carrier_code: str,
        base_url: str,
        api_key: str = "",
        timeout: float = 10.0,
        max_attempts: int = 4,
        backoff_base: float = 0.5,
        backoff_cap: float = 8.0,
        transport: httpx.BaseTransport | None = None,
    ) -> None:
        self.carrier_code = carrier_code
        self.max_attempts = max(1, max_attempts)
        self.backoff_base = backoff_base
        self.backoff_cap = backoff_cap
        headers = {"Accept": "application/json", "User-Agent": "fulfillment-shipping/1"}
        if api_key:
            headers["Authorization"] = f"Bearer {api_key}"
        # One short-lived client per call (closed afterwards): adapters are built per use and
        # must not leak sockets in long-running workers.
        self._client_options: dict[str, Any] = {
            "base_url": base_url.rstrip("/"),
            "headers": headers,
            "timeout": timeout,
            "transport": transport,
        }

    # -- plumbing ---------------------------------------------------------------------------
    def _delay(self, attempt: int, response: httpx.Response | None) -> float:
        if response is not None and response.status_code == 429:
            retry_after = response.headers.get("Retry-After", "")
            try:
                return min(float(retry_after), MAX_RETRY_AFTER_SECONDS)
            except ValueError:
                pass
        backoff = min(self.backoff_cap, self.backoff_base * (2**attempt))
        return backoff / 2 + random.uniform(0, backoff / 2)

    def _request(
        self, method: str, path: str, *, json: Any = None, headers: dict[str, str] | None = None
    ) -> dict[str, Any]:
        with httpx.Client(**self._client_options) as client:
            return self._request_with_retries(client, method, path, json=json, headers=headers)

    def _request_with_retries(
        self,
        client: httpx.Client,
        method: str,
        path: str,
        *,
        json: Any = None,
        headers: dict[str, str] | None = None,
    ) -> dict[str, Any]:
        last_problem = ""
        for attempt in range(self.max_attempts):
            response: httpx.Response | None = None
            try:
                response = client.request(method, path, json=json, headers=headers)
            except httpx.TransportError as exc:  # timeouts, refused connections, resets
                last_problem = f"{type(exc).__name__}: {exc}"
            else:
                if response.status_code < 400:
                    try:
                        body = response.json()
                    except ValueError as exc:
                        raise CarrierRejected(
                            f"Carrier {self.carrier_code} answered {path} with a body that is not JSON."
                        ) from exc
                    if not isinstance(body, dict):
                        raise CarrierRejected(
                            f"Carrier {self.carrier_code} sent an unexpected answer."
                        )
                    return body
                if response.status_code == 429 or response.status_code >= 500:
                    last_problem = f"HTTP {response.status_code}"
                else:
                    raise CarrierRejected(
                        _error_message(response), status=response.status_code, path=path
                    )
            if attempt + 1 < self.max_attempts:
                delay = self._delay(attempt, response)
                logger.warning(
                    "carrier %s %s %s failed (%s); retry %d in %.2fs",
                    self.carrier_code,
                    method,
                    path,
                    last_problem,
                    attempt + 1,
                    delay,
                )
                time.sleep(delay)
        raise CarrierUnavailable(
            f"Carrier {self.carrier_code} is unavailable ({last_problem}) after "
            f"{self.max_attempts} attempts; nothing was bought. Try again later.",
            attempts=self.max_attempts,
            last_problem=last_problem,
        )

    @staticmethod
    def _shipment_body(
        ship_from: Address, ship_to: Address, parcels: list[Parcel], ship_date: date
    ) -> dict[str, Any]:
        return {
            "from_address": ship_from.as_dict(),
            "to_address": ship_to.as_dict(),
            "parcels": [p.as_dict() for p in parcels],
            "ship_date": ship_date.isoformat(),
        }

    # -- the CarrierAdapter protocol -----------------------------------------------------------
    @_parses_answer
    def rate(
        self, *, ship_from: Address, ship_to: Address, parcels: list[Parcel], ship_date: date
    ) -> list[RateQuote]:
        data = self._request(
            "POST",
            "/v2/rates",
            json={"shipment": self._shipment_body(ship_from, ship_to, parcels, ship_date)},
        )
        quotes = []
        for r in data.get("rates", []):
            days = int(r["delivery_days"])
            quotes.append(
                RateQuote(
                    carrier_code=self.carrier_code,
                    service=r["service"],
                    amount=Decimal(str(r["rate"])),
                    currency=r.get("currency", "USD"),
                    transit_days=days,
                    delivery_date=(
                        date.fromisoformat(r["delivery_date"])
                        if r.get("delivery_date")
                        else add_business_days(ship_date, days)
                    ),
                    rate_id=r.get("id", ""),
                )
            )
        return quotes

    @_parses_answer
    def buy_label(
        self,
        *,
        ship_from: Address,
        ship_to: Address,
        parcels: list[Parcel],
        service: str,
        ship_date: date,
        reference: str,
        idempotency_key: str,
    ) -> PurchasedLabel:
        body = self._shipment_body(ship_from, ship_to, parcels, ship_date)
        body.update({"service": service, "reference": reference})
        data = self._request(
            "POST",
            "/v2/shipments",
            json={"shipment": body},
            headers={"Idempotency-Key": idempotency_key},
        )
        rate = data.get("selected_rate") or {}
        delivery = rate.get("delivery_date")
        return PurchasedLabel(
            tracking_number=data["tracking_code"],
            carrier_shipment_id=data["id"],
            service=rate.get("service", service),
            amount=Decimal(str(rate.get("rate", "0"))),
            currency=rate.get("currency", "USD"),
            delivery_date=date.fromisoformat(delivery) if delivery else None,
        )

    @_parses_answer
    def track(self, *, tracking_number: str) -> TrackingResult:
        data = self._request("GET", f"/v2/trackers/{tracking_number}")
        return tracking_result_from_payload(data)

    def void(self, *, carrier_shipment_id: str, tracking_number: str) -> None:
        self._request("POST", f"/v2/shipments/{carrier_shipment_id}/refund")

    @_parses_answer
    def manifest(self, *, tracking_numbers: list[str], ship_date: date) -> ManifestResult:
        data = self._request(
            "POST",
            "/v2/scan_forms",
            json={"tracking_codes": tracking_numbers, "ship_date": ship_date.isoformat()},
        )
        return ManifestResult(
            carrier_manifest_id=data["id"], tracking_numbers=list(data.get("tracking_codes", []))
        )


def tracking_result_from_payload(data: dict[str, Any]) -> TrackingResult:
    """Parse an EasyPost-style tracker object (from GET /trackers or a tracker.updated webhook)."""
    events = []
    for detail in data.get("tracking_details", []):
        status = CARRIER_STATUS_MAP.get(str(detail.get("status", "")))
        if status is None:
            continue
        location = detail.get("tracking_location") or {}
        events.append(
            TrackingUpdate(
                event_id=str(detail["id"]),
                status=status,
                description=str(detail.get("message", ""))[:255],
                location=", ".join(str(v) for v in location.values() if v)[:120],
                occurred_at=datetime.fromisoformat(str(detail["datetime"]).replace("Z", "+00:00")),
            )
        )
    return TrackingResult(
        tracking_number=str(data["tracking_code"]),
        status=str(data.get("status", "")),
        events=events,
    )


def _error_message(response: httpx.Response) -> str:
    try:
        body = response.json()
    except ValueError:
        return f"carrier answered HTTP {response.status_code}"
    error = body.get("error") if isinstance(body, dict) else None
    if isinstance(error, dict):
        return str(error.get("message") or error.get("code") or body)
    return str(body)
