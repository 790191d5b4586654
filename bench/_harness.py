"""Shared helpers for the hardening benchmarks (bench_hot_sku, bench_ingest, bench_lookup, bench_peak).

Every benchmark needs a real Postgres: DATABASE_URL (default postgres://postgres@127.0.0.1:5432/fulfillment_bench).
They create what they need in that database (migrate, then their own rows) and print figures.
"""

from __future__ import annotations

import contextlib
import os
import platform
import statistics
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DEFAULT_DB = "postgres://postgres@127.0.0.1:5432/fulfillment_bench"


def setup_django(*, db_url: str | None = None, settings: str = "config.settings.base") -> str:
    """Point Django at the benchmark database with production-like settings (DEBUG off)."""
    sys.path.insert(0, str(ROOT))
    url = db_url or os.environ.get("DATABASE_URL") or DEFAULT_DB
    os.environ["DATABASE_URL"] = url
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", settings)
    os.environ.setdefault("DEBUG", "false")
    os.environ.setdefault("SECRET_KEY", "bench-only-" + "x" * 50)
    os.environ.setdefault("ALLOWED_HOSTS", "*")
    os.environ.setdefault("API_THROTTLE_CHANNEL", "10000000/min")
    os.environ.setdefault("API_THROTTLE_USER", "10000000/min")
    create_database(url)
    import django

    django.setup()
    return url


def create_database(url: str) -> None:
    """CREATE DATABASE if missing (connects to the server's `postgres` database)."""
    import psycopg

    base, name = url.rsplit("/", 1)
    with psycopg.connect(base + "/postgres", autocommit=True) as conn:
        exists = conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone()
        if not exists:
            conn.execute(f'CREATE DATABASE "{name}"')


def migrate() -> None:
    from django.core.management import call_command

    call_command("migrate", verbosity=0, interactive=False)


def pct(values: list[float], p: float) -> float:
    """The p-th percentile (0–100) of values, nearest-rank."""
    if not values:
        return float("nan")
    ordered = sorted(values)
    k = max(0, min(len(ordered) - 1, round(p / 100 * len(ordered) + 0.5) - 1))
    return ordered[k]


def summary_ms(latencies_s: list[float]) -> str:
    ms = [x * 1000 for x in latencies_s]
    if not ms:
        return "no samples"
    return (
        f"p50 {pct(ms, 50):.1f} ms  p99 {pct(ms, 99):.1f} ms  "
        f"mean {statistics.fmean(ms):.1f} ms  max {max(ms):.1f} ms"
    )


def machine() -> str:
    cpu = platform.processor() or platform.machine()
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    pg = ""
    with contextlib.suppress(OSError):
        pg = subprocess.run(
            ["psql", "--version"], capture_output=True, text=True, check=False
        ).stdout.strip()
    load = ""
    with contextlib.suppress(OSError):
        load = " ".join(Path("/proc/loadavg").read_text().split()[:3])
    return (
        f"{os.cpu_count()} cores, {cpu}, Python {platform.python_version()}, {pg}; "
        f"load average at start {load} (other work on the machine skews figures)"
    )


def consistency_line() -> str:
    """Run the system-wide consistency check and return a one-line verdict (raises on problems)."""
    from audit.consistency import consistency_check

    report = consistency_check()
    if report.problems:
        for p in report.problems[:20]:
            print("  INCONSISTENT", p)
        raise SystemExit(f"consistency check FAILED: {len(report.problems)} problem(s)")
    skipped = f", {len(report.skipped)} skipped" if report.skipped else ""
    return f"consistency check: {len(report.checked)} condition(s) hold{skipped}"
