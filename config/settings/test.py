"""Test settings: the base settings plus fast hashing. Celery is eager only without REDIS_URL."""

import os

# Under pytest-xdist each worker process ("gw0", "gw1", …) has its own test database
# (pytest-django) and must have its own Redis database too: the cache holds throttle counters and
# the broker's queues are read by the real Celery workers some tests start. The marker keeps the
# shift from being applied twice in the processes those tests spawn (they inherit the environment).
if (
    os.environ.get("PYTEST_XDIST_WORKER", "").startswith("gw")
    and os.environ.get("REDIS_URL")
    and not os.environ.get("TEST_REDIS_DB_PER_WORKER")
):
    _base, _, _db = os.environ["REDIS_URL"].rstrip("/").rpartition("/")
    if not _db.isdigit():  # redis://host:port with no database number
        _base, _db = os.environ["REDIS_URL"].rstrip("/"), "0"
    _shift = int(os.environ["PYTEST_XDIST_WORKER"][2:])
    os.environ["REDIS_URL"] = f"{_base}/{(int(_db) + _shift) % 16}"
    os.environ["TEST_REDIS_DB_PER_WORKER"] = "1"

from .base import *

PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]

# Throttling stays on, with rates no test suite reaches; tests of throttling override these.
REST_FRAMEWORK = {
    **REST_FRAMEWORK,
    "DEFAULT_THROTTLE_RATES": {"anon": "100000/min", "user": "100000/min", "channel": "100000/min"},
}
LOGIN_THROTTLE_FAILURES = 1000
API_TOKEN_THROTTLE_FAILURES = 1000
