"""Per-channel rate limits shared by every worker: a token bucket in Redis.

Each channel has `rate_limit_per_second` (refill) and `rate_limit_burst` (capacity). A Lua script
takes a token atomically using the Redis server's clock, so workers on many machines share one
bucket. A `Retry-After` from the channel blocks the whole bucket until that moment.

Without Redis (embedded mode), or while Redis is unreachable (it restarts), an in-process bucket
stands in: sync keeps going, limited per process instead of globally.

The clock is injectable (`rate_limit_clock_set`): by default the local bucket reads
`time.monotonic()` and the Redis scripts the Redis server's own clock (one clock for every
machine); a test injects a clock it moves itself, so nothing waits on the wall clock.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable

from django.conf import settings

logger = logging.getLogger(__name__)

_TAKE = """
local tokens_key, blocked_key = KEYS[1], KEYS[2]
local rate, capacity, cost = tonumber(ARGV[1]), tonumber(ARGV[2]), tonumber(ARGV[3])
local now = tonumber(ARGV[4])
if not now then
  local t = redis.call('TIME')
  now = tonumber(t[1]) + tonumber(t[2]) / 1000000
end
local blocked = tonumber(redis.call('GET', blocked_key) or '0')
if blocked > now then return tostring(blocked - now) end
local state = redis.call('HMGET', tokens_key, 'tokens', 'ts')
local tokens = tonumber(state[1]) or capacity
local ts = tonumber(state[2]) or now
tokens = math.min(capacity, tokens + math.max(0, now - ts) * rate)
local wait = 0
if tokens >= cost then tokens = tokens - cost else wait = (cost - tokens) / rate end
redis.call('HSET', tokens_key, 'tokens', tokens, 'ts', now)
redis.call('EXPIRE', tokens_key, math.ceil(capacity / rate) + 60)
return tostring(wait)
"""

_BLOCK = """
local now = tonumber(ARGV[2])
if not now then
  local t = redis.call('TIME')
  now = tonumber(t[1]) + tonumber(t[2]) / 1000000
end
local until_ts = now + tonumber(ARGV[1])
local current = tonumber(redis.call('GET', KEYS[1]) or '0')
if until_ts > current then
  redis.call('SET', KEYS[1], tostring(until_ts), 'EX', math.ceil(tonumber(ARGV[1])) + 1)
end
return 1
"""


_clock: Callable[[], float] | None = None


def rate_limit_clock_set(clock: Callable[[], float] | None) -> None:
    """Inject the clock both buckets read (seconds as a float); None restores the defaults."""
    global _clock
    _clock = clock


def _now_arg() -> str:
    return "" if _clock is None else repr(_clock())


class _LocalBucket:
    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.state: dict[int, tuple[float, float]] = {}
        self.blocked: dict[int, float] = {}

    def take(self, channel_id: int, rate: float, capacity: float, cost: float) -> float:
        with self.lock:
            now = (_clock or time.monotonic)()
            if self.blocked.get(channel_id, 0) > now:
                return self.blocked[channel_id] - now
            tokens, ts = self.state.get(channel_id, (capacity, now))
            tokens = min(capacity, tokens + (now - ts) * rate)
            wait = 0.0
            if tokens >= cost:
                tokens -= cost
            else:
                wait = (cost - tokens) / rate
            self.state[channel_id] = (tokens, now)
            return wait

    def block(self, channel_id: int, seconds: float) -> None:
        with self.lock:
            until = (_clock or time.monotonic)() + seconds
            self.blocked[channel_id] = max(self.blocked.get(channel_id, 0), until)


_local = _LocalBucket()
_client = None
_scripts: dict[str, object] = {}


def _redis():  # type: ignore[no-untyped-def]
    global _client
    url = getattr(settings, "CHANNELS_SYNC_REDIS_URL", "") or settings.REDIS_URL
    if not url:
        return None
    if _client is None:
        import redis

        _client = redis.Redis.from_url(url, socket_timeout=2, socket_connect_timeout=2)
        _scripts["take"] = _client.register_script(_TAKE)
        _scripts["block"] = _client.register_script(_BLOCK)
    return _client


def _keys(channel_id: int) -> list[str]:
    return [f"chsync:rl:{channel_id}:tokens", f"chsync:rl:{channel_id}:blocked"]


def rate_limit_take(*, channel_id: int, rate: float, burst: int, cost: float = 1.0) -> float:
    """Take `cost` tokens from the channel's bucket; return 0, or the seconds to wait first."""
    rate = max(rate, 0.001)
    capacity = max(float(burst), cost)
    client = _redis()
    if client is not None:
        try:
            return float(
                _scripts["take"](keys=_keys(channel_id), args=[rate, capacity, cost, _now_arg()])
            )  # type: ignore[operator]
        except Exception as exc:  # Redis down or restarting: degrade to a local bucket
            logger.warning("rate limiter: Redis unavailable (%s); using a local bucket", exc)
    return _local.take(channel_id, rate, capacity, cost)


def rate_limit_block(*, channel_id: int, seconds: float) -> None:
    """Honour a channel's Retry-After: no worker calls it for `seconds`."""
    seconds = max(0.0, float(seconds))
    _local.block(channel_id, seconds)
    client = _redis()
    if client is not None:
        try:
            _scripts["block"](keys=[_keys(channel_id)[1]], args=[seconds, _now_arg()])  # type: ignore[operator]
        except Exception as exc:
            logger.warning("rate limiter: Redis unavailable (%s)", exc)


def rate_limit_wait(*, channel_id: int, rate: float, burst: int, max_wait: float) -> float:
    """Block until a token is granted, or return the remaining wait if it exceeds `max_wait`."""
    deadline = time.monotonic() + max_wait
    while True:
        wait = rate_limit_take(channel_id=channel_id, rate=rate, burst=burst)
        if wait <= 0:
            return 0.0
        if time.monotonic() + wait > deadline:
            return wait
        time.sleep(wait)
