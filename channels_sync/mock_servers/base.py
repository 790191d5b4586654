"""A tiny threaded HTTP server that mock channels build on.

Every mock records what it receives, can be told to misbehave (`POST /_mock/fail`), exposes its
state (`GET /_mock/state`) and can be reset (`POST /_mock/reset`). Tests start mocks on free
ports in-process; `manage.py run_mock_channels` runs them standalone.

Every request gets an HTTP answer: a body that is not JSON, a bad header or a bug in a mock
becomes a 400 or 500 in the service's own error envelope (`MockApp.error`), never a dropped
connection.

Time: buckets and token expiry read `MockApp.now()` / `monotonic()` (wall clock + an offset
that `POST /_mock/clock {"advance": seconds}` moves; `{"freeze": true}` stops the clock), so
tests can expire tokens, hold a bucket full and refill it without waiting.

Webhook deliveries go through `MockApp.deliver_raw`: `POST /_mock/deliveries {"hold": true}`
queues them instead of sending, and `POST /_mock/deliveries/release {"order": "fifo"|"reverse"|
"shuffle", "seed": n, "repeat": k}` sends the queue (reordered, each delivery `repeat` times):
late, out-of-order and duplicated deliveries, deterministically.
"""

from __future__ import annotations

import json
import random
import ssl
import threading
import time
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qsl, urlsplit

import httpx


class BadRequest(Exception):
    """The request cannot be read: the mock answers 400 in its service's envelope."""


@dataclass
class Request:
    """One request as a mock sees it."""

    method: str
    path: str
    query: dict[str, str]
    query_list: list[tuple[str, str]]
    raw_query: str
    headers: dict[str, str]  # lower-case names
    body: bytes
    scheme: str = "http"

    def json(self) -> Any:
        """The body as JSON ({} when empty); BadRequest when it is not JSON."""
        if not self.body.strip():
            return {}
        try:
            return json.loads(self.body)
        except (ValueError, UnicodeDecodeError) as exc:
            raise BadRequest(f"The body is not valid JSON: {exc}") from exc

    def json_object(self) -> dict:
        data = self.json()
        if not isinstance(data, dict):
            raise BadRequest("The body must be a JSON object.")
        return data

    @property
    def host(self) -> str:
        return self.headers.get("host", "")


class LeakyBucket:
    """Shopify's REST limit: a bucket of `capacity` requests leaking `leak_rate` per second."""

    def __init__(self, capacity: float, leak_rate: float, clock=time.monotonic) -> None:  # type: ignore[no-untyped-def]
        self.capacity, self.leak_rate, self.clock = capacity, leak_rate, clock
        self.level, self.ts = 0.0, clock()
        self.lock = threading.Lock()

    def admit(self, cost: float = 1.0) -> tuple[bool, float, float]:
        """→ (admitted, level after, seconds until `cost` more fits)."""
        with self.lock:
            now = self.clock()
            self.level = max(0.0, self.level - (now - self.ts) * self.leak_rate)
            self.ts = now
            if self.level + cost > self.capacity:
                return False, self.level, (self.level + cost - self.capacity) / self.leak_rate
            self.level += cost
            return True, self.level, 0.0

    def refund(self, amount: float) -> None:
        with self.lock:
            self.level = max(0.0, self.level - amount)


class TokenBucket:
    """SP-API's usage plans: `burst` tokens refilled at `rate` per second."""

    def __init__(self, rate: float, burst: int, clock=time.monotonic) -> None:  # type: ignore[no-untyped-def]
        self.rate, self.burst, self.clock = rate, float(burst), clock
        self.tokens, self.ts = float(burst), clock()
        self.lock = threading.Lock()

    def take(self) -> float:
        """Take one token: 0 when granted, else the seconds until one is back."""
        with self.lock:
            now = self.clock()
            self.tokens = min(self.burst, self.tokens + (now - self.ts) * self.rate)
            self.ts = now
            if self.tokens >= 1:
                self.tokens -= 1
                return 0.0
            return (1 - self.tokens) / self.rate


@dataclass
class Response:
    status: int = 200
    body: object = None
    headers: dict = field(default_factory=dict)
    raw: bytes | None = None  # a non-JSON body (e.g. a feed document), sent as is


class MockApp:
    """Subclasses implement `route(request) -> Response` and `error(status, message)`."""

    name = "mock"

    def __init__(self) -> None:
        self.lock = threading.RLock()
        self.base_url = ""
        self.clock_offset = 0.0
        self.frozen: tuple[float, float] | None = None
        self.reset()

    # --- time -------------------------------------------------------------------------------
    def now(self) -> float:
        """Wall-clock seconds as the mock sees them (moved by /_mock/clock)."""
        if self.frozen is not None:
            return self.frozen[0] + self.clock_offset
        return time.time() + self.clock_offset

    def monotonic(self) -> float:
        if self.frozen is not None:
            return self.frozen[1] + self.clock_offset
        return time.monotonic() + self.clock_offset

    def freeze(self, frozen: bool) -> None:
        """Stop (or restart) the mock's clock: buckets neither leak nor refill, tokens do not
        age, until the clock is advanced by hand."""
        with self.lock:
            if frozen and self.frozen is None:
                self.frozen = (time.time(), time.monotonic())
            elif not frozen and self.frozen is not None:
                self.clock_offset += time.time() - self.frozen[0]
                self.clock_offset -= time.time() - self.frozen[0]
                self.frozen = None

    def reset(self) -> None:
        with self.lock:
            self.clock_offset = 0.0
            self.frozen = None
            self.requests: list[dict] = []
            self.failures: list[dict] = []
            self.hold_deliveries = False
            self.held: list[dict] = []
            self.reset_state()

    def reset_state(self) -> None:  # pragma: no cover - overridden
        pass

    def state(self) -> dict:  # pragma: no cover - overridden
        return {}

    # --- the service's own answers --------------------------------------------------------
    def error(self, status: int, message: str, *, code: str = "") -> Response:
        """An error in the service's envelope (overridden per service)."""
        return Response(status, {"errors": message})

    def throttled(self, retry_after: float) -> Response:
        return Response(
            429,
            {"errors": "Exceeded 2 calls per second for api client. Reduce request rates."},
            {"Retry-After": f"{retry_after:.1f}"},
        )

    def route(self, request: Request) -> Response:
        return self.error(404, "Not Found")

    def decorate(self, request: Request, response: Response) -> Response:
        """Headers every answer of the service carries (overridden per service)."""
        return response

    # --- control endpoints ----------------------------------------------------------------
    def control(self, request: Request) -> Response:
        method, path = request.method, request.path
        try:
            data = request.json_object()
        except BadRequest as exc:
            return Response(400, {"error": str(exc)})
        if path == "/_mock/fail" and method == "POST":
            try:
                failure = {
                    "mode": str(data.get("mode", "500")),
                    "count": int(data.get("count", 1)),
                    "seconds": float(data.get("seconds", 0)),
                    "retry_after": data.get("retry_after", 2),
                    "path": str(data.get("path", "")),
                }
            except (TypeError, ValueError) as exc:
                return Response(400, {"error": f"bad failure: {exc}"})
            with self.lock:
                self.failures.append(failure)
            return Response(200, {"ok": True})
        if path == "/_mock/reset" and method == "POST":
            self.reset()
            return Response(200, {"ok": True})
        if path == "/_mock/state":
            with self.lock:
                return Response(200, self.state())
        if path == "/_mock/requests":
            with self.lock:
                return Response(200, {"requests": list(self.requests)})
        if path == "/_mock/clock" and method == "POST":
            try:
                advance = float(data.get("advance", 0))
            except (TypeError, ValueError):
                return Response(400, {"error": "advance must be a number of seconds"})
            if "freeze" in data:
                self.freeze(bool(data["freeze"]))
            with self.lock:
                self.clock_offset += advance
            return Response(200, {"offset": self.clock_offset, "now": self.now()})
        if path == "/_mock/deliveries" and method == "POST":
            with self.lock:
                self.hold_deliveries = bool(data.get("hold", True))
                return Response(200, {"hold": self.hold_deliveries, "held": len(self.held)})
        if path == "/_mock/deliveries/release" and method == "POST":
            return Response(200, {"sent": self.release_deliveries(**_release_args(data))})
        try:
            return self.control_extra(method, path, data)
        except (KeyError, TypeError, ValueError) as exc:
            return Response(400, {"error": f"bad control request: {exc!r}"})

    def control_extra(self, method: str, path: str, data: dict) -> Response:
        return Response(404, {"error": "unknown control endpoint"})

    def injected_failure(self, path: str) -> dict | None:
        with self.lock:
            for failure in self.failures:
                if failure["count"] > 0 and path.startswith(failure["path"]):
                    failure["count"] -= 1
                    self.failures = [f for f in self.failures if f["count"] > 0]
                    return dict(failure)
        return None

    # --- webhook deliveries ---------------------------------------------------------------
    def send_signed(self, *, url: str, body: bytes, headers: dict) -> dict:
        try:
            response = httpx.post(url, content=body, headers=headers, timeout=10)
        except httpx.HTTPError as exc:
            return {"status": 0, "body": f"{type(exc).__name__}: {exc}"}
        return {"status": response.status_code, "body": response.text[:2000]}

    def deliver_raw(self, *, url: str, body: bytes, headers: dict, meta: dict) -> dict | None:
        """Send one signed delivery now, or queue it while deliveries are held."""
        with self.lock:
            if self.hold_deliveries:
                self.held.append({"url": url, "body": body, "headers": headers, "meta": meta})
                return None
        return self._send_delivery(url=url, body=body, headers=headers, meta=meta)

    def _send_delivery(self, *, url: str, body: bytes, headers: dict, meta: dict) -> dict:
        result = self.send_signed(url=url, body=body, headers=headers)
        with self.lock:
            self.webhooks_sent.append({**meta, **result})
        return result

    def release_deliveries(self, *, order: str = "fifo", seed: int = 0, repeat: int = 1) -> int:
        """Send the held deliveries (in `order`, each `repeat` times) and stop holding."""
        with self.lock:
            queue, self.held, self.hold_deliveries = list(self.held), [], False
        if order == "reverse":
            queue.reverse()
        elif order == "shuffle":
            random.Random(seed).shuffle(queue)
        sent = 0
        for _ in range(max(1, repeat)):
            for item in queue:
                self._send_delivery(**item)
                sent += 1
        return sent


def _release_args(data: dict) -> dict:
    return {
        "order": str(data.get("order", "fifo")),
        "seed": int(data.get("seed", 0)),
        "repeat": int(data.get("repeat", 1)),
    }


def _handler(app: MockApp, scheme: str) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def log_message(self, format: str, *args: object) -> None:
            return

        def _read_body(self) -> bytes:
            raw = self.headers.get("Content-Length")
            if raw is None:
                return b""
            try:
                length = int(raw)
            except ValueError as exc:
                raise BadRequest("Content-Length is not a number.") from exc
            if length < 0 or length > 50_000_000:
                raise BadRequest("Content-Length is out of range.")
            return self.rfile.read(length) if length else b""

        def _serve(self, method: str) -> None:
            try:
                response = self._answer(method)
            except Exception as exc:
                response = app.error(500, f"Internal error in the mock: {type(exc).__name__}")
            self._write(response, method)

        def _answer(self, method: str) -> Response:
            parts = urlsplit(self.path)
            try:
                body = self._read_body()
            except BadRequest as exc:
                self.close_connection = True
                return app.error(400, str(exc))
            query_list = parse_qsl(parts.query, keep_blank_values=True)
            request = Request(
                method=method,
                path=parts.path,
                query=dict(query_list),
                query_list=query_list,
                raw_query=parts.query,
                headers={k.lower(): v for k, v in self.headers.items()},
                body=body,
                scheme=scheme,
            )
            if parts.path.startswith("/_mock/"):
                return app.control(request)
            failure = app.injected_failure(parts.path)
            if failure:
                mode = failure["mode"]
                if mode == "429":
                    return app.decorate(request, app.throttled(float(failure["retry_after"])))
                if mode == "500":
                    return app.decorate(request, app.error(500, "Internal Server Error"))
                if mode in ("timeout", "slow"):
                    time.sleep(failure["seconds"] or 30)
            with app.lock:
                app.requests.append(
                    {
                        "at": time.time(),
                        "method": method,
                        "path": parts.path,
                        "query": request.query,
                        "headers": request.headers,
                        "body": body.decode(errors="replace")[:500000],
                    }
                )
            try:
                response = app.route(request)
            except BadRequest as exc:
                response = app.error(400, str(exc))
            return app.decorate(request, response)

        def _write(self, response: Response, method: str) -> None:
            if response.raw is not None:
                payload, ctype = response.raw, "application/octet-stream"
            else:
                payload = b"" if response.body is None else json.dumps(response.body).encode()
                ctype = "application/json; charset=utf-8"
            try:
                self.send_response(response.status)
                headers = {"Content-Type": ctype, **response.headers}
                for key, value in headers.items():
                    self.send_header(key, str(value))
                self.send_header("Content-Length", str(len(payload)))
                self.end_headers()
                if method != "HEAD":
                    self.wfile.write(payload)
            except (BrokenPipeError, ConnectionResetError):
                pass

        def do_GET(self) -> None:
            self._serve("GET")

        def do_POST(self) -> None:
            self._serve("POST")

        def do_PUT(self) -> None:
            self._serve("PUT")

        def do_PATCH(self) -> None:
            self._serve("PATCH")

        def do_DELETE(self) -> None:
            self._serve("DELETE")

        def do_HEAD(self) -> None:
            self._serve("HEAD")

        def do_OPTIONS(self) -> None:
            self._serve("OPTIONS")

    return Handler


class _QuietServer(ThreadingHTTPServer):
    def handle_error(self, request, client_address) -> None:  # type: ignore[no-untyped-def]
        # Clients that vanish (a killed worker, a timed-out call) are part of the game here.
        return


class MockServer:
    """Runs a MockApp on a (free) port in a background thread; over TLS with `ssl_context`."""

    def __init__(
        self,
        app: MockApp,
        *,
        host: str = "127.0.0.1",
        port: int = 0,
        ssl_context: ssl.SSLContext | None = None,
        server_name: str = "",
    ) -> None:
        self.app = app
        scheme = "https" if ssl_context else "http"
        self.httpd = _QuietServer((host, port), _handler(app, scheme))
        self.httpd.daemon_threads = True
        if ssl_context is not None:
            self.httpd.socket = ssl_context.wrap_socket(self.httpd.socket, server_side=True)
        self.port = self.httpd.server_address[1]
        self.url = f"{scheme}://{server_name or host}:{self.port}"
        app.base_url = self.url
        self.thread = threading.Thread(target=self.httpd.serve_forever, daemon=True)

    def start(self) -> MockServer:
        self.thread.start()
        return self

    def stop(self) -> None:
        self.httpd.shutdown()
        self.httpd.server_close()
