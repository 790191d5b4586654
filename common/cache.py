"""The shared cache (Redis in production) fails open: Redis accelerates, it never stops work.

Throttle counters, sign-in failure counters and drain-kick flags live in the cache. When Redis
is down or unreachable every call answers as if the key were absent (reads give the default,
writes do nothing, `add` says it added), so the API, scans and pages go on: throttles and
limits simply do not count during the outage. The outage is logged once when it starts and
once when Redis answers again, not on every request. Channel pushes are not affected: the
outbox rows wait in Postgres and the beat sweep drains them once the broker is back.
"""

from __future__ import annotations

import functools
import logging
import threading
from typing import Any

from django.core.cache.backends.redis import RedisCache
from redis.exceptions import ConnectionError as RedisConnectionError
from redis.exceptions import TimeoutError as RedisTimeoutError

logger = logging.getLogger(__name__)

_OUTAGE_ERRORS = (RedisConnectionError, RedisTimeoutError, OSError)
_state = {"down": False}
_lock = threading.Lock()


def _went_down(exc: BaseException) -> None:
    with _lock:
        if _state["down"]:
            return
        _state["down"] = True
    logger.warning("cache: Redis unavailable (%s); failing open until it answers again", exc)


def _came_back() -> None:
    with _lock:
        if not _state["down"]:
            return
        _state["down"] = False
    logger.warning("cache: Redis answers again")


def cache_is_down() -> bool:
    """True while the last cache call found Redis unreachable."""
    return _state["down"]


def _fail_open(answer):  # type: ignore[no-untyped-def]
    """Wrap a cache method: on an outage, `answer(*args, **kwargs)` is returned instead."""

    def decorate(method):  # type: ignore[no-untyped-def]
        @functools.wraps(method)
        def wrapper(self, *args, **kwargs):  # type: ignore[no-untyped-def]
            try:
                result = method(self, *args, **kwargs)
            except _OUTAGE_ERRORS as exc:
                _went_down(exc)
                return answer(*args, **kwargs)
            if _state["down"]:
                _came_back()
            return result

        return wrapper

    return decorate


def _nothing(*args: Any, **kwargs: Any) -> None:
    return None


class FailOpenRedisCache(RedisCache):
    """Django's RedisCache whose calls fail open while Redis is unreachable (see module doc)."""

    get = _fail_open(lambda key, default=None, version=None: default)(RedisCache.get)
    get_many = _fail_open(lambda *a, **k: {})(RedisCache.get_many)
    has_key = _fail_open(lambda *a, **k: False)(RedisCache.has_key)
    set = _fail_open(_nothing)(RedisCache.set)
    set_many = _fail_open(lambda *a, **k: [])(RedisCache.set_many)
    add = _fail_open(lambda *a, **k: True)(RedisCache.add)
    touch = _fail_open(lambda *a, **k: False)(RedisCache.touch)
    delete = _fail_open(lambda *a, **k: False)(RedisCache.delete)
    delete_many = _fail_open(_nothing)(RedisCache.delete_many)
    incr = _fail_open(lambda key, delta=1, version=None: delta)(RedisCache.incr)
    decr = _fail_open(lambda key, delta=1, version=None: -delta)(RedisCache.decr)
    clear = _fail_open(_nothing)(RedisCache.clear)
