import itertools

import pytest

from channels_sync import ratelimit

_ids = itertools.count(900000)


def test_bucket_grants_the_burst_then_asks_to_wait():
    channel_id = next(_ids)

    grants = [ratelimit.rate_limit_take(channel_id=channel_id, rate=0.5, burst=3) for _ in range(4)]

    assert grants[:3] == [0.0, 0.0, 0.0]
    assert grants[3] == pytest.approx(2.0, abs=0.2)  # one token at 0.5/s


def test_retry_after_blocks_the_channel_for_every_caller():
    channel_id = next(_ids)

    ratelimit.rate_limit_block(channel_id=channel_id, seconds=5)

    assert ratelimit.rate_limit_take(channel_id=channel_id, rate=100, burst=100) == pytest.approx(
        5, abs=0.5
    )


@pytest.mark.redis
def test_the_bucket_lives_in_redis_and_is_shared(settings):
    import redis

    channel_id = next(_ids)
    ratelimit.rate_limit_take(channel_id=channel_id, rate=1, burst=2)

    client = redis.Redis.from_url(settings.REDIS_URL)
    tokens = float(client.hget(f"chsync:rl:{channel_id}:tokens", "tokens"))

    assert tokens == pytest.approx(1.0, abs=0.1)
