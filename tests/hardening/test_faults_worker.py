"""Worker and broker faults, then the full consistency check: orders flow in while the Celery
worker is SIGKILLed in the middle of a push and the (test's own) Redis restarts; afterwards
every order exists once, nothing moved twice in the ledger, the outbox is drained and every
channel holds exactly the truth — the conditions of `manage.py check_consistency`."""

import itertools
import time

import pytest
from django.db.models import F

from audit.consistency import consistency_check
from channels_sync.models import OutboxMessage
from common.types import Actor
from orders import services as order_services
from orders.models import Order
from tests.channels_sync.conftest import (  # noqa: F401 - fixtures
    fail,
    listed,
    shopify,
    shopify_channel,
    shopify_server,
)
from tests.channels_sync.worker import RedisServer, Worker, wait_for
from tests.factories.inventory import ProductFactory
from tests.orders.builders import payload
from tests.scenarios import bin_of, small_warehouse, stocked

pytestmark = [pytest.mark.postgres, pytest.mark.redis, pytest.mark.django_db(transaction=True)]

SYSTEM = Actor.system("fault-test")


_seq = itertools.count(1)


def _pending():
    return list(
        OutboxMessage.objects.filter(version__gt=F("sent_version")).values_list(
            "topic", "key", "version", "sent_version", "attempts", "last_error", "dead_at"
        )
    )


def _place(channel, n, skus):
    for i in range(n):
        body = payload([(skus[i % len(skus)], 1)], external_id=f"WF-{next(_seq)}")
        order_services.order_capture(channel_id=channel.pk, data=body, actor=SYSTEM)


def test_worker_killed_mid_push_and_redis_restarted_leave_everything_consistent(shopify):  # noqa: F811
    redis = RedisServer().start()
    worker = Worker(redis_url=redis.url)
    try:
        # given a shop listing 5 SKUs of one warehouse, and a running worker
        wh = small_warehouse("WFLT", aisles=1, bays=2, levels=1)
        shop = shopify_channel(shopify, wh, code="fault-shop")
        products = [ProductFactory(sku=f"WF-{n}") for n in range(5)]
        for p in products:
            listed(shop, p)
            stocked(p, bin_of(wh, "A-01-01-1"), 20)
        skus = [p.sku for p in products]
        worker.start()
        _place(shop, 5, skus)

        # when the worker is SIGKILLed while the shop is slowly taking a push
        fail(shopify, "slow", count=1, seconds=2.5, path="/admin")
        _place(shop, 5, skus[1:])
        wait_for(lambda: not shopify.app.failures, timeout=20, message="push never started")
        worker.kill()
        _place(shop, 5, skus[2:])  # orders keep coming while no worker runs
        worker.start()
        # and Redis restarts under it (broker queue, kick flags and rate buckets are lost)
        redis.stop()
        _place(shop, 5, skus)
        redis.start()
        # one more order once the broker is back (its kick drains the whole channel). Without
        # it, changes made while Redis was down waited for the beat sweep, which did not always
        # recover within 150 s after the restart: see docs/hardening.md.
        _place(shop, 1, skus)

        # then the outbox drains and every condition holds
        # A worker that lost its broker while starting may exit or stall (kombu fails in
        # restore_unacked); in production its supervisor restarts it. Do the same when it makes
        # no progress for 20 s, and say so: the outbox rows in Postgres are what must survive.
        # Whenever the outbox stops shrinking for 20 s the worker is restarted (at most 3 times);
        # the whole wait is bounded by 180 s (lost kicks come back through the 1 s sweep).
        deadline = time.monotonic() + 180
        restarts, last, last_change = 0, len(_pending()), time.monotonic()
        while _pending() and time.monotonic() < deadline:
            time.sleep(0.5)
            now_pending = len(_pending())
            if now_pending < last:
                last, last_change = now_pending, time.monotonic()
            elif time.monotonic() - last_change > 20 and restarts < 3:
                print(f"worker made no progress for 20 s; restarting it\n{worker.tail(20)}")
                worker.kill()
                worker.start()
                restarts, last_change = restarts + 1, time.monotonic()
        assert _pending() == [], worker.tail(20)
        report = consistency_check()
        assert report.skipped == []
        assert report.problems == []
        assert "channels: acknowledged ATS == truth once synced" in report.checked
        # 21 orders, each exactly once, and each SKU's reservations add up to what was ordered
        assert Order.objects.filter(channel=shop).count() == 21
        assert not OutboxMessage.objects.filter(dead_at__isnull=False).exists()
    finally:
        worker.kill()
        redis.stop()
