"""Test settings: the base settings plus fast hashing. Celery is eager only without REDIS_URL."""

from .base import *

PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]

# Throttling stays on, with rates no test suite reaches; tests of throttling override these.
REST_FRAMEWORK = {
    **REST_FRAMEWORK,
    "DEFAULT_THROTTLE_RATES": {"anon": "100000/min", "user": "100000/min", "channel": "100000/min"},
}
LOGIN_THROTTLE_FAILURES = 1000
API_TOKEN_THROTTLE_FAILURES = 1000
