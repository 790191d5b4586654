"""Helpers for tests that run a real Celery worker process (and, optionally, a private Redis)."""

from __future__ import annotations

import os
import pathlib
import signal
import socket
import subprocess
import tempfile
import time

from django.db import connection

ROOT = pathlib.Path(__file__).resolve().parents[2]
CELERY = str(ROOT / ".venv" / "bin" / "celery")


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def worker_database_url() -> str:
    d = connection.settings_dict
    auth = d["USER"] or "postgres"
    if d.get("PASSWORD"):
        auth += f":{d['PASSWORD']}"
    return f"postgres://{auth}@{d['HOST'] or '127.0.0.1'}:{d['PORT'] or 5432}/{d['NAME']}"


class Worker:
    """`celery -A config worker -B` in its own process group, against the test database."""

    def __init__(self, *, redis_url: str, concurrency: int = 2, **env: str) -> None:
        self.redis_url, self.concurrency, self.extra = redis_url, concurrency, env
        self.dir = tempfile.mkdtemp(prefix="chsync-worker-")
        self.proc: subprocess.Popen | None = None
        self.starts = 0

    def start(self, timeout: float = 30) -> Worker:
        self.starts += 1
        env = {
            **os.environ,
            "DJANGO_SETTINGS_MODULE": "config.settings.test",
            "DATABASE_URL": worker_database_url(),
            "REDIS_URL": self.redis_url,
            "CELERY_TASK_ALWAYS_EAGER": "false",
            # a loaded CI machine must not turn slow answers into dead messages: generous
            # timeout and attempts (parking is tested without a worker), lease > timeout
            "CHANNELS_SYNC_LEASE_SECONDS": "8",
            "CHANNELS_SYNC_MAX_ATTEMPTS": "20",
            "CHANNELS_SYNC_SWEEP_SECONDS": "1",
            "CHANNELS_SYNC_HTTP_TIMEOUT": "4",
            "CHANNELS_SYNC_BACKOFF_BASE": "0.2",
            "CHANNELS_SYNC_BACKOFF_CAP": "1",
            "CHANNELS_SYNC_POLL_SECONDS": "1000",
            "CHANNELS_SYNC_RECONCILE_SECONDS": "1000",
            "LOG_LEVEL": "WARNING",
            **self.extra,
        }
        self.log = pathlib.Path(self.dir) / f"worker-{self.starts}.log"
        self.proc = subprocess.Popen(
            [
                CELERY,
                "-A",
                "config",
                "worker",
                "-B",
                "-s",
                str(pathlib.Path(self.dir) / "beat-schedule"),
                "-l",
                "info",
                "-c",
                str(self.concurrency),
                "--pool",
                "prefork",
                "-n",
                f"chsync{os.getpid()}-{self.starts}@%h",
                "--without-gossip",
                "--without-mingle",
                "--without-heartbeat",
                # tests run one at a time: anything queued now is left over from earlier tests
                # (whose rows are gone) and must not hold up this worker
                "--purge",
            ],
            cwd=ROOT,
            env=env,
            stdout=self.log.open("w"),
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if " ready." in self.log.read_text():
                return self
            if self.proc.poll() is not None:
                break
            time.sleep(0.2)
        raise RuntimeError(f"worker did not start:\n{self.tail()}")

    def kill(self) -> None:
        """SIGKILL the whole worker (main process, pool children, embedded beat)."""
        if self.proc and self.proc.poll() is None:
            os.killpg(self.proc.pid, signal.SIGKILL)
            self.proc.wait(10)

    def tail(self, n: int = 60) -> str:
        try:
            return "\n".join(self.log.read_text().splitlines()[-n:])
        except OSError:
            return ""


class RedisServer:
    """A private redis-server on a spare port, without persistence (a restart loses all)."""

    def __init__(self) -> None:
        self.port = free_port()
        self.url = f"redis://127.0.0.1:{self.port}/0"

    def start(self) -> RedisServer:
        subprocess.run(
            [
                "redis-server",
                "--port",
                str(self.port),
                "--save",
                "",
                "--appendonly",
                "no",
                "--daemonize",
                "yes",
                "--bind",
                "127.0.0.1",
            ],
            check=True,
            capture_output=True,
        )
        deadline = time.monotonic() + 60  # poll until it answers (generous)
        while time.monotonic() < deadline:
            ping = subprocess.run(
                ["redis-cli", "-p", str(self.port), "ping"], capture_output=True, text=True
            )
            if ping.stdout.strip() == "PONG":
                return self
            time.sleep(0.1)
        raise RuntimeError("redis-server did not start")

    def stop(self) -> None:
        subprocess.run(
            ["redis-cli", "-p", str(self.port), "shutdown", "nosave"], capture_output=True
        )
        deadline = time.monotonic() + 60  # poll until it is gone (generous)
        while time.monotonic() < deadline:
            ping = subprocess.run(
                ["redis-cli", "-p", str(self.port), "ping"], capture_output=True, text=True
            )
            if ping.stdout.strip() != "PONG":
                return
            time.sleep(0.1)
        raise RuntimeError("redis-server did not stop")


def wait_for(predicate, *, timeout: float, message: str = "", interval: float = 0.2):  # type: ignore[no-untyped-def]
    deadline = time.monotonic() + timeout
    while True:
        value = predicate()
        if value:
            return value
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out after {timeout}s: {message}")
        time.sleep(interval)
