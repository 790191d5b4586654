"""Mock carrier: an HTTP server with its own state, modelled on EasyPost's API.

Carrier API (JSON, `Authorization: Bearer <api key>` when the server has one):
  POST /v2/rates                      {"shipment": {from_address, to_address, parcels, ship_date}}
                                      → {"rates": [{id, carrier, service, rate, currency,
                                                    delivery_days, delivery_date}]}
  POST /v2/shipments                  {"shipment": {..., "service", "reference"}} + Idempotency-Key
                                      → 201 {id, tracking_code, status, selected_rate, reference}
  POST /v2/shipments/{id}/refund      → {id, refund_status: "submitted"} (422 once moving)
  GET  /v2/trackers/{tracking_code}   → {tracking_code, status, tracking_details: [...]}
  POST /v2/scan_forms                 {"tracking_codes": [...], "ship_date"} → {id, tracking_codes}

EasyPost's own shapes are accepted too, so the easypost client library works against it:
  POST /v2/shipments    {"shipment": {to_address/from_address {street1, city, state, zip,
                         country}, parcel {length, width, height in inches, weight in ounces}}}
                         → 201 Shipment with `rates` (not bought; no tracking_code) or, with
                         `service`, bought at once
  POST /v2/shipments/{id}/buy {"rate": {"id"}}  → the Shipment with tracking_code, selected_rate
  GET  /v2/shipments/{id}                       → the Shipment
  POST /v2/trackers     {"tracker": {"tracking_code", "carrier"}} → Tracker
Errors are EasyPost's envelope `{"error": {"code", "message", "errors": []}}`; a body that is
not JSON is 400 and an unknown route 404: every request gets an answer.

Test and demo controls (no auth):
  POST /_control/fail      {"mode": "500"|"429"|"slow"|"timeout", "count": n, "retry_after": s,
                            "delay": s, "path_prefix": "/v2/shipments"}  queue failures
  POST /_control/advance   {"tracking_code", "status"?: target, "push"?: true}  move tracking on
  POST /_control/config    {"webhook_url", "webhook_secret", "auto_advance_seconds", "api_key",
                            "manual_clock"}  manual_clock: only /_control/clock moves time on
  POST /_control/clock     {"seconds": s}  let s seconds pass on the auto-advance clock now;
                            → {"ticks": n} (every moving parcel moves n stages on, pushing)
  POST /_control/reset     forget everything
  GET  /_control/state     shipments, scan forms, request counts, pushed webhooks

Webhooks (`tracker.updated`) are POSTed to webhook_url with `X-Timestamp` and
`X-Hmac-Signature: hmac-sha256-hex=<HMAC-SHA256(secret, "<timestamp>.<body>")>`.
"""

from __future__ import annotations

import contextlib
import hashlib
import hmac
import json
import logging
import secrets
import threading
import time
import urllib.request
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from decimal import Decimal
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

from shipping.carriers.base import Parcel
from shipping.carriers.pricing import DEFAULT_CATALOG, ServiceSpec, add_business_days, price

logger = logging.getLogger(__name__)

STAGES = ("pre_transit", "in_transit", "out_for_delivery", "delivered")
MESSAGES = {
    "pre_transit": ("Label created, shipment information sent", "Origin"),
    "in_transit": ("Departed carrier facility", "Regional hub"),
    "out_for_delivery": ("Out for delivery", "Destination facility"),
    "delivered": ("Delivered, front door", "Destination"),
    "exception": ("Delivery exception: address not found", "Destination facility"),
}


@dataclass
class _Shipment:
    id: str
    tracking_code: str
    service: str
    rate: Decimal
    delivery_date: date
    reference: str
    status: str = "pre_transit"
    refunded: bool = False
    details: list[dict[str, Any]] = field(default_factory=list)

    def tracker(self) -> dict[str, Any]:
        return {
            "object": "Tracker",
            "id": f"trk_{self.id[4:]}",
            "tracking_code": self.tracking_code,
            "status": self.status,
            "carrier": "MOCK",
            "est_delivery_date": self.delivery_date.isoformat(),
            "tracking_details": list(self.details),
        }


class CarrierState:
    """Everything the mock carrier remembers. Thread-safe through one lock."""

    def __init__(
        self, *, catalog: tuple[ServiceSpec, ...] = DEFAULT_CATALOG, api_key: str = ""
    ) -> None:
        self.lock = threading.RLock()
        self.catalog = {s.code: s for s in catalog}
        self.api_key = api_key
        self.reset()

    def reset(self) -> None:
        with self.lock:
            # Requests that started before a reset must not write into the fresh state.
            self.generation = getattr(self, "generation", 0) + 1
            self.shipments: dict[str, _Shipment] = {}
            self.by_tracking: dict[str, _Shipment] = {}
            self.idempotency: dict[str, str] = {}
            self.quoted: dict[str, dict[str, Any]] = {}  # EasyPost-style shipments not bought
            self.foreign: dict[str, dict[str, Any]] = {}  # trackers for other carriers' codes
            self.scan_forms: dict[str, list[str]] = {}
            self.failures: list[dict[str, Any]] = []
            self.requests: dict[str, int] = {}
            self.webhooks_sent: list[dict[str, Any]] = []
            self.webhook_url = ""
            self.webhook_secret = ""
            self.auto_advance_seconds = 0.0
            self.manual_clock = False
            self.clock_pending = 0.0  # seconds passed since the last auto-advance tick

    # -- failure injection --------------------------------------------------------------------
    def take_failure(self, path: str) -> dict[str, Any] | None:
        with self.lock:
            for failure in self.failures:
                if path.startswith(failure.get("path_prefix", "")):
                    failure["count"] -= 1
                    if failure["count"] <= 0:
                        self.failures.remove(failure)
                    return dict(failure)
        return None

    # -- tracking -----------------------------------------------------------------------------
    def _add_detail(self, shipment: _Shipment, status: str) -> None:
        message, city = MESSAGES[status]
        shipment.status = status
        shipment.details.append(
            {
                "object": "TrackingDetail",
                "id": f"{shipment.tracking_code}-{len(shipment.details) + 1}",
                "status": status,
                "message": message,
                "datetime": datetime.now(tz=UTC).isoformat().replace("+00:00", "Z"),
                "tracking_location": {"city": city, "country": "US"},
            }
        )

    def advance(self, tracking_code: str, target: str | None = None) -> _Shipment:
        """Move a shipment one stage on (or through every stage up to `target`)."""
        with self.lock:
            shipment = self.by_tracking[tracking_code]
            if target == "exception":
                self._add_detail(shipment, "exception")
                return shipment
            current = STAGES.index(shipment.status) if shipment.status in STAGES else 1
            stop = STAGES.index(target) if target in STAGES else min(current + 1, len(STAGES) - 1)
            for stage in STAGES[current + 1 : stop + 1]:
                self._add_detail(shipment, stage)
            return shipment

    def push_webhook(self, shipment: _Shipment) -> int | None:
        """POST a signed tracker.updated event to webhook_url; returns the HTTP status."""
        with self.lock:
            url, secret = self.webhook_url, self.webhook_secret
            tracker = shipment.tracker()
        if not url:
            return None
        body = json.dumps(
            {
                "object": "Event",
                "id": f"evt_{secrets.token_hex(8)}",
                "description": "tracker.updated",
                "result": tracker,
            }
        ).encode()
        timestamp = str(int(time.time()))
        signature = (
            "hmac-sha256-hex="
            + hmac.new(
                secret.encode(), timestamp.encode() + b"." + body, hashlib.sha256
            ).hexdigest()
        )
        request = urllib.request.Request(  # noqa: S310 - URL is configured by the operator
            url,
            data=body,
            method="POST",
            headers={
                "Content-Type": "application/json",
                "X-Timestamp": timestamp,
                "X-Hmac-Signature": signature,
            },
        )
        try:
            with urllib.request.urlopen(request, timeout=10) as response:  # noqa: S310
                status = response.status
        except urllib.error.HTTPError as exc:
            status = exc.code
        except OSError as exc:
            logger.warning("webhook to %s failed: %s", url, exc)
            status = 0
        with self.lock:
            self.webhooks_sent.append(
                {
                    "tracking_code": tracker["tracking_code"],
                    "status": tracker["status"],
                    "http": status,
                }
            )
        return status

    def clock_pass(self, seconds: float) -> int:
        """Let `seconds` pass on the auto-advance clock: one tick per `auto_advance_seconds`
        elapsed (none while it is 0). Fed by real time in the server's clock thread, or by
        `/_control/clock` (tests drive it without waiting). Returns the number of ticks."""
        with self.lock:
            interval = self.auto_advance_seconds
            if interval <= 0:
                self.clock_pending = 0.0
                return 0
            self.clock_pending += max(0.0, seconds)
            ticks = int(self.clock_pending // interval)
            self.clock_pending -= ticks * interval
        for _ in range(ticks):
            self.tick()
        return ticks

    def tick(self) -> None:
        """Advance every moving shipment one stage (the auto-advance clock)."""
        with self.lock:
            moving = [
                s
                for s in self.shipments.values()
                if not s.refunded and s.status not in ("delivered",)
            ]
            for shipment in moving:
                self.advance(shipment.tracking_code)
        for shipment in moving:
            self.push_webhook(shipment)

    # -- carrier operations -------------------------------------------------------------------
    def quote(self, body: dict[str, Any]) -> list[dict[str, Any]]:
        shipment = body.get("shipment") or {}
        if not isinstance(shipment, dict):
            raise ValueError("shipment must be an object")
        parcels = _parcels(shipment)
        if not parcels:
            raise ValueError("shipment.parcels must not be empty")
        to = shipment.get("to_address") or {}
        if not isinstance(to, dict):
            raise ValueError("to_address must be an object")
        if not (to.get("postal_code") or to.get("zip")) or not to.get("country"):
            raise ValueError("to_address needs postal_code (zip) and country")
        ship_date = date.fromisoformat(
            shipment.get("ship_date") or datetime.now(tz=UTC).date().isoformat()
        )
        return [
            {
                "object": "Rate",
                "id": f"rate_{spec.code}_{secrets.token_hex(4)}",
                "carrier": "MOCK",
                "service": spec.code,
                "rate": str(price(spec, parcels)),
                "currency": "USD",
                "delivery_days": spec.transit_days,
                "delivery_date": add_business_days(ship_date, spec.transit_days).isoformat(),
            }
            for spec in self.catalog.values()
        ]

    def create_unbought(self, body: dict[str, Any]) -> dict[str, Any]:
        """EasyPost's shipment.create without a service: the shipment with its rates."""
        rates = self.quote(body)
        sid = f"shp_{secrets.token_hex(8)}"
        shipment = body.get("shipment") or {}
        doc = {
            "object": "Shipment",
            "id": sid,
            "mode": "test",
            "created_at": datetime.now(tz=UTC).isoformat().replace("+00:00", "Z"),
            "reference": shipment.get("reference"),
            "to_address": shipment.get("to_address"),
            "from_address": shipment.get("from_address"),
            "parcel": shipment.get("parcel"),
            "rates": [{**r, "shipment_id": sid} for r in rates],
            "selected_rate": None,
            "tracking_code": None,
            "postage_label": None,
            "status": "unknown",
            "refund_status": None,
            "_body": body,
        }
        with self.lock:
            self.quoted[sid] = doc
        return {k: v for k, v in doc.items() if not k.startswith("_")}

    def buy_quoted(self, sid: str, rate_id: str, generation: int) -> _Shipment | None:
        """EasyPost's shipment.buy: buy one of the rates a created shipment was given."""
        with self.lock:
            if sid in self.shipments:
                return self.shipments[sid]
            doc = self.quoted.get(sid)
            rate = next((r for r in (doc or {}).get("rates", []) if r["id"] == rate_id), None)
            if doc is None or rate is None:
                return None
            body = json.loads(json.dumps(doc["_body"]))
            body.setdefault("shipment", {})["service"] = rate["service"]
            shipment, _ = self.buy(body, f"buy:{sid}", generation)
            # The bought shipment keeps the id EasyPost gave it at creation.
            del self.shipments[shipment.id]
            shipment.id = sid
            self.shipments[sid] = shipment
            self.idempotency[f"buy:{sid}"] = sid
            return shipment

    def foreign_tracker(self, code: str, data: dict[str, Any]) -> dict[str, Any]:
        """A tracker for a code this carrier did not issue (EasyPost tracks any carrier's)."""
        tracker = self.foreign.setdefault(
            code,
            {
                "object": "Tracker",
                "id": f"trk_{secrets.token_hex(8)}",
                "tracking_code": code,
                "status": "unknown",
                "carrier": str(data.get("carrier") or "USPS"),
                "est_delivery_date": None,
                "tracking_details": [],
            },
        )
        return dict(tracker)

    def buy(
        self, body: dict[str, Any], idempotency_key: str, generation: int
    ) -> tuple[_Shipment, bool]:
        with self.lock:
            if generation != self.generation:
                raise ValueError("the carrier was reset while this request was in flight")
            if idempotency_key and idempotency_key in self.idempotency:
                return self.shipments[self.idempotency[idempotency_key]], False
            shipment_body = body.get("shipment") or {}
            service = shipment_body.get("service", "")
            if service not in self.catalog:
                raise ValueError(f"unknown service {service!r}")
            rate = next(r for r in self.quote(body) if r["service"] == service)
            sid = f"shp_{secrets.token_hex(8)}"
            tracking = f"1Z{secrets.randbelow(10**16):016d}"
            shipment = _Shipment(
                id=sid,
                tracking_code=tracking,
                service=service,
                rate=Decimal(rate["rate"]),
                delivery_date=date.fromisoformat(rate["delivery_date"]),
                reference=str(shipment_body.get("reference", "")),
            )
            self._add_detail(shipment, "pre_transit")
            self.shipments[sid] = shipment
            self.by_tracking[tracking] = shipment
            if idempotency_key:
                self.idempotency[idempotency_key] = sid
            return shipment, True


def _parcels(shipment: dict[str, Any]) -> list[Parcel]:
    """Metric `parcels` (ours) or EasyPost's imperial `parcel` (inches, ounces)."""
    raw = shipment.get("parcels")
    if raw is None and shipment.get("parcel") is not None:
        raw = [shipment["parcel"]]
    if not isinstance(raw, list):
        raise ValueError("parcels must be a list")
    out = []
    for p in raw:
        if not isinstance(p, dict):
            raise ValueError("each parcel must be an object")
        try:
            if "weight_g" in p:
                out.append(
                    Parcel(
                        **{k: int(p[k]) for k in ("weight_g", "length_mm", "width_mm", "height_mm")}
                    )
                )
            else:
                out.append(
                    Parcel(
                        weight_g=max(1, round(float(p["weight"]) * 28.349523125)),
                        length_mm=max(1, round(float(p.get("length") or 1) * 25.4)),
                        width_mm=max(1, round(float(p.get("width") or 1) * 25.4)),
                        height_mm=max(1, round(float(p.get("height") or 1) * 25.4)),
                    )
                )
        except (KeyError, TypeError) as exc:
            raise ValueError(f"parcel needs weight (and dimensions): {exc!r}") from exc
        if out[-1].weight_g <= 0:
            raise ValueError("parcel weight must be positive")
    return out


def _shipment_json(s: _Shipment) -> dict[str, Any]:
    return {
        "object": "Shipment",
        "id": s.id,
        "mode": "test",
        "tracking_code": s.tracking_code,
        "status": s.status,
        "reference": s.reference,
        "refund_status": "submitted" if s.refunded else None,
        "selected_rate": {
            "object": "Rate",
            "id": f"rate_{s.service}_{s.id[4:12]}",
            "shipment_id": s.id,
            "carrier": "MOCK",
            "service": s.service,
            "rate": str(s.rate),
            "currency": "USD",
            "delivery_date": s.delivery_date.isoformat(),
        },
        "postage_label": {"object": "PostageLabel", "label_file_type": "application/pdf"},
        "tracker": s.tracker(),
    }


class _Handler(BaseHTTPRequestHandler):
    server: _Server
    protocol_version = "HTTP/1.1"

    def log_message(self, format: str, *args: Any) -> None:
        logger.debug("mock carrier: " + format, *args)

    # -- helpers ------------------------------------------------------------------------------
    def _send(self, status: int, payload: Any, headers: dict[str, str] | None = None) -> None:
        body = json.dumps(payload).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        for key, value in (headers or {}).items():
            self.send_header(key, value)
        self.end_headers()
        self.wfile.write(body)

    def _error(
        self, status: int, code: str, message: str, headers: dict[str, str] | None = None
    ) -> None:
        self._send(status, {"error": {"code": code, "message": message, "errors": []}}, headers)

    def _body(self) -> dict[str, Any]:
        try:
            length = int(self.headers.get("Content-Length") or 0)
        except ValueError as exc:
            raise ValueError("Content-Length is not a number") from exc
        if length < 0 or length > 10_000_000:
            raise ValueError("Content-Length is out of range")
        raw = self.rfile.read(length) if length else b""
        data = json.loads(raw) if raw.strip() else {}
        if not isinstance(data, dict):
            raise ValueError("the body must be a JSON object")
        return data

    def _dispatch(self, method: str) -> None:
        try:
            self._dispatch_inner(method)
        except Exception as exc:
            logger.exception("mock carrier failed on %s %s", method, self.path)
            with contextlib.suppress(OSError):
                self._error(
                    500, "INTERNAL_SERVER_ERROR", f"The mock carrier failed: {type(exc).__name__}"
                )

    def _dispatch_inner(self, method: str) -> None:
        state = self.server.state
        path = self.path.split("?", 1)[0]
        self.generation = state.generation
        try:
            body = self._body() if method in ("POST", "PUT", "PATCH") else {}
        except (ValueError, UnicodeDecodeError) as exc:
            self.close_connection = True
            self._error(400, "BAD_REQUEST", f"The request body is not valid JSON: {exc}")
            return
        if path.startswith("/_control/"):
            self._control(method, path, body)
            return
        with state.lock:
            state.requests[f"{method} {path}"] = state.requests.get(f"{method} {path}", 0) + 1
        if state.api_key:
            auth = self.headers.get("Authorization") or ""
            if not auth:
                self._error(401, "APIKEY.REQUIRED", "No API key was given.")
                return
            if auth != f"Bearer {state.api_key}":
                self._error(401, "APIKEY.INACTIVE", "The API key is not valid.")
                return
        failure = state.take_failure(path)
        if failure:
            mode = failure.get("mode")
            if mode == "500":
                self._error(500, "internal_error", "The carrier had a problem.")
                return
            if mode == "429":
                self._error(
                    429,
                    "rate_limited",
                    "Too many requests.",
                    {"Retry-After": str(failure.get("retry_after", 1))},
                )
                return
            if mode in ("slow", "timeout"):
                time.sleep(float(failure.get("delay", 2.0)))
                if mode == "timeout":
                    self._error(504, "timeout", "Gateway timeout.")
                    return
        try:
            self._api(method, path, body)
        except ValueError as exc:
            self._error(422, "SHIPMENT.INVALID_PARAMS", str(exc))

    def _api(self, method: str, path: str, body: dict[str, Any]) -> None:
        state = self.server.state
        parts = [p for p in path.split("/") if p]
        if method == "POST" and parts == ["v2", "rates"]:
            self._send(200, {"rates": state.quote(body)})
        elif method == "POST" and parts == ["v2", "shipments"]:
            if not (body.get("shipment") or {}).get("service"):
                # EasyPost: a shipment is created with its rates and bought later.
                self._send(201, state.create_unbought(body))
                return
            shipment, created = state.buy(
                body, self.headers.get("Idempotency-Key", ""), self.generation
            )
            self._send(201 if created else 200, _shipment_json(shipment))
        elif (
            method == "POST"
            and len(parts) == 4
            and parts[:2] == ["v2", "shipments"]
            and parts[3] == "buy"
        ):
            rate = body.get("rate") or {}
            bought = state.buy_quoted(parts[2], str(rate.get("id", "")), self.generation)
            if bought is None:
                self._error(404, "NOT_FOUND", "No such shipment or rate.")
                return
            self._send(200, _shipment_json(bought))
        elif method == "GET" and len(parts) == 3 and parts[:2] == ["v2", "shipments"]:
            with state.lock:
                shipment = state.shipments.get(parts[2])
                quoted = state.quoted.get(parts[2])
            if shipment is not None:
                self._send(200, _shipment_json(shipment))
            elif quoted is not None:
                self._send(200, quoted)
            else:
                self._error(404, "NOT_FOUND", "The requested resource could not be found.")
        elif method == "POST" and parts == ["v2", "trackers"]:
            tracker = body.get("tracker") or {}
            code = str(tracker.get("tracking_code") or "")
            if not code:
                self._error(422, "TRACKER.INVALID_PARAMS", "tracking_code is required.")
                return
            with state.lock:
                known = state.by_tracking.get(code)
                answer = known.tracker() if known else state.foreign_tracker(code, tracker)
            self._send(200 if known else 201, answer)
        elif (
            method == "POST"
            and len(parts) == 4
            and parts[:2] == ["v2", "shipments"]
            and parts[3] == "refund"
        ):
            with state.lock:
                shipment = state.shipments.get(parts[2])
                if shipment is None:
                    self._error(404, "not_found", "No such shipment.")
                    return
                if shipment.status != "pre_transit":
                    self._error(422, "not_refundable", "The carrier already has this parcel.")
                    return
                shipment.refunded = True
            self._send(200, _shipment_json(shipment))
        elif method == "GET" and len(parts) == 3 and parts[:2] == ["v2", "trackers"]:
            with state.lock:
                shipment = state.by_tracking.get(parts[2])
                tracker = shipment.tracker() if shipment else None
            if tracker is None:
                self._error(404, "not_found", "No such tracking code.")
                return
            self._send(200, tracker)
        elif method == "POST" and parts == ["v2", "scan_forms"]:
            codes = [str(c) for c in body.get("tracking_codes", [])]
            with state.lock:
                unknown = [c for c in codes if c not in state.by_tracking]
                if not codes or unknown:
                    self._error(422, "invalid_request", f"Unknown or no tracking codes: {unknown}")
                    return
                form_id = f"sf_{secrets.token_hex(6)}"
                state.scan_forms[form_id] = codes
            self._send(
                201,
                {"object": "ScanForm", "id": form_id, "tracking_codes": codes, "status": "created"},
            )
        else:
            self._error(404, "not_found", f"No route {method} {path}.")

    def _control(self, method: str, path: str, body: dict[str, Any]) -> None:
        state = self.server.state
        if method == "GET" and path == "/_control/state":
            with state.lock:
                self._send(
                    200,
                    {
                        "shipments": {
                            s.tracking_code: _shipment_json(s) for s in state.shipments.values()
                        },
                        "scan_forms": state.scan_forms,
                        "requests": state.requests,
                        "webhooks_sent": state.webhooks_sent,
                        "pending_failures": state.failures,
                    },
                )
        elif method == "POST" and path == "/_control/fail":
            failure = {"count": 1, "path_prefix": "", **body}
            with state.lock:
                state.failures.append(failure)
            self._send(200, {"queued": failure})
        elif method == "POST" and path == "/_control/advance":
            try:
                shipment = state.advance(body["tracking_code"], body.get("status"))
            except KeyError:
                self._error(404, "not_found", "No such tracking code.")
                return
            pushed = state.push_webhook(shipment) if body.get("push", True) else None
            self._send(200, {"tracker": shipment.tracker(), "webhook_status": pushed})
        elif method == "POST" and path == "/_control/config":
            with state.lock:
                for key in ("webhook_url", "webhook_secret", "api_key"):
                    if key in body:
                        setattr(state, key, str(body[key]))
                if "auto_advance_seconds" in body:
                    state.auto_advance_seconds = float(body["auto_advance_seconds"])
                    state.clock_pending = 0.0
                if "manual_clock" in body:
                    state.manual_clock = bool(body["manual_clock"])
            self._send(200, {"ok": True})
        elif method == "POST" and path == "/_control/clock":
            try:
                seconds = float(body.get("seconds", 0))
            except (TypeError, ValueError):
                self._error(400, "invalid", "seconds must be a number.")
                return
            self._send(200, {"ticks": state.clock_pass(seconds)})
        elif method == "POST" and path == "/_control/reset":
            state.reset()
            self._send(200, {"ok": True})
        else:
            self._error(404, "not_found", f"No control {method} {path}.")

    def do_GET(self) -> None:
        self._dispatch("GET")

    def do_POST(self) -> None:
        self._dispatch("POST")

    def do_PUT(self) -> None:
        self._dispatch("PUT")

    def do_PATCH(self) -> None:
        self._dispatch("PATCH")

    def do_DELETE(self) -> None:
        self._dispatch("DELETE")


class _Server(ThreadingHTTPServer):
    daemon_threads = True
    allow_reuse_address = True

    def __init__(self, address: tuple[str, int], state: CarrierState) -> None:
        super().__init__(address, _Handler)
        self.state = state


class MockCarrierServer:
    """Start/stop the mock carrier in a background thread (tests) or in the foreground (runner)."""

    def __init__(self, *, host: str = "127.0.0.1", port: int = 0, api_key: str = "") -> None:
        self.state = CarrierState(api_key=api_key)
        self.httpd = _Server((host, port), self.state)
        self._threads: list[threading.Thread] = []
        self._stop = threading.Event()

    @property
    def url(self) -> str:
        host, port = self.httpd.server_address[:2]
        return f"http://{host}:{port}"

    def _clock(self) -> None:
        """Feed real time to the auto-advance clock (unless a test drives it by hand)."""
        last = time.monotonic()
        while not self._stop.wait(0.2):
            now = time.monotonic()
            elapsed, last = now - last, now
            if self.state.manual_clock:
                continue
            try:
                self.state.clock_pass(elapsed)
            except Exception:
                logger.exception("auto-advance failed")

    def start(self) -> MockCarrierServer:
        for target in (self.httpd.serve_forever, self._clock):
            thread = threading.Thread(target=target, daemon=True)
            thread.start()
            self._threads.append(thread)
        return self

    def serve_forever(self) -> None:
        clock = threading.Thread(target=self._clock, daemon=True)
        clock.start()
        try:
            self.httpd.serve_forever()
        finally:
            self._stop.set()

    def stop(self) -> None:
        self._stop.set()
        self.httpd.shutdown()
        self.httpd.server_close()
