"""A tiny threaded HTTP server that mock channels build on.

Every mock records what it receives, can be told to misbehave (`POST /_mock/fail`), exposes its
state (`GET /_mock/state`) and can be reset (`POST /_mock/reset`). Tests start mocks on free
ports in-process; `manage.py run_mock_channels` runs them standalone.
"""

from __future__ import annotations

import json
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlsplit

import httpx


class LeakyBucket:
    """Shopify's REST limit: a bucket of `capacity` requests leaking `leak_rate` per second."""

    def __init__(self, capacity: float, leak_rate: float) -> None:
        self.capacity, self.leak_rate = capacity, leak_rate
        self.level, self.ts = 0.0, time.monotonic()
        self.lock = threading.Lock()

    def admit(self) -> tuple[bool, float, float]:
        """→ (admitted, level after, seconds until one more request fits)."""
        with self.lock:
            now = time.monotonic()
            self.level = max(0.0, self.level - (now - self.ts) * self.leak_rate)
            self.ts = now
            if self.level + 1 > self.capacity:
                return False, self.level, (self.level + 1 - self.capacity) / self.leak_rate
            self.level += 1
            return True, self.level, 0.0


class Response:
    def __init__(self, status: int = 200, body: object = None, headers: dict | None = None) -> None:
        self.status, self.body, self.headers = status, body, headers or {}


class MockApp:
    """Subclasses implement `route(method, path, query, headers, body) -> Response`."""

    name = "mock"

    def __init__(self) -> None:
        self.lock = threading.RLock()
        self.base_url = ""
        self.reset()

    def reset(self) -> None:
        with self.lock:
            self.requests: list[dict] = []
            self.failures: list[dict] = []
            self.reset_state()

    def reset_state(self) -> None:  # pragma: no cover - overridden
        pass

    def state(self) -> dict:  # pragma: no cover - overridden
        return {}

    def route(self, method: str, path: str, query: dict, headers: dict, body: bytes) -> Response:
        return Response(404, {"errors": "Not Found"})

    def control(self, method: str, path: str, body: bytes) -> Response:
        data = json.loads(body or b"{}")
        if path == "/_mock/fail" and method == "POST":
            with self.lock:
                self.failures.append(
                    {
                        "mode": str(data.get("mode", "500")),
                        "count": int(data.get("count", 1)),
                        "seconds": float(data.get("seconds", 0)),
                        "retry_after": data.get("retry_after", 2),
                        "path": data.get("path", ""),
                    }
                )
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
        return self.control_extra(method, path, data)

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

    def send_signed(self, *, url: str, body: bytes, headers: dict) -> dict:
        response = httpx.post(url, content=body, headers=headers, timeout=10)
        return {"status": response.status_code, "body": response.text[:2000]}


def _handler(app: MockApp) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def log_message(self, format: str, *args: object) -> None:
            return

        def _serve(self, method: str) -> None:
            parts = urlsplit(self.path)
            length = int(self.headers.get("Content-Length") or 0)
            body = self.rfile.read(length) if length else b""
            if parts.path.startswith("/_mock/"):
                response = app.control(method, parts.path, body)
            else:
                failure = app.injected_failure(parts.path)
                response = None
                if failure:
                    mode = failure["mode"]
                    if mode == "429":
                        response = Response(
                            429,
                            {"errors": "Exceeded 2 calls per second for api client."},
                            {"Retry-After": str(failure["retry_after"])},
                        )
                    elif mode == "500":
                        response = Response(500, {"errors": "Internal Server Error"})
                    elif mode in ("timeout", "slow"):
                        time.sleep(failure["seconds"] or 30)
                if response is None:
                    query = {k: v[-1] for k, v in parse_qs(parts.query).items()}
                    headers = {k.lower(): v for k, v in self.headers.items()}
                    with app.lock:
                        app.requests.append(
                            {
                                "at": time.time(),
                                "method": method,
                                "path": parts.path,
                                "query": query,
                                "body": body.decode(errors="replace")[:500000],
                            }
                        )
                    response = app.route(method, parts.path, query, headers, body)
            payload = b"" if response.body is None else json.dumps(response.body).encode()
            try:
                self.send_response(response.status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(payload)))
                for key, value in response.headers.items():
                    self.send_header(key, value)
                self.end_headers()
                self.wfile.write(payload)
            except (BrokenPipeError, ConnectionResetError):
                pass

        def do_GET(self) -> None:
            self._serve("GET")

        def do_POST(self) -> None:
            self._serve("POST")

        def do_PUT(self) -> None:
            self._serve("PUT")

        def do_DELETE(self) -> None:
            self._serve("DELETE")

    return Handler


class _QuietServer(ThreadingHTTPServer):
    def handle_error(self, request, client_address) -> None:  # type: ignore[no-untyped-def]
        # Clients that vanish (a killed worker, a timed-out call) are part of the game here.
        return


class MockServer:
    """Runs a MockApp on a (free) port in a background thread."""

    def __init__(self, app: MockApp, *, host: str = "127.0.0.1", port: int = 0) -> None:
        self.app = app
        self.httpd = _QuietServer((host, port), _handler(app))
        self.httpd.daemon_threads = True
        self.port = self.httpd.server_address[1]
        self.url = f"http://{host}:{self.port}"
        app.base_url = self.url
        self.thread = threading.Thread(target=self.httpd.serve_forever, daemon=True)

    def start(self) -> MockServer:
        self.thread.start()
        return self

    def stop(self) -> None:
        self.httpd.shutdown()
        self.httpd.server_close()
