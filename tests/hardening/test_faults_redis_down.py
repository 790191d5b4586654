"""Redis down: orders are still taken, and their changes reach the channel once it is back.

A real web server (gunicorn, the project's WSGI app) runs with REDIS_URL pointing at a port
where no Redis answers yet: the cache behind throttles and kick flags, and Celery's broker,
are all unreachable. An order posted with a channel token must answer 201 (the throttle fails
open). Then a redis-server starts on that port with a worker (beat sweep): the stock change
waiting in the outbox reaches the Shopify-style mock.
"""

import os
import pathlib
import subprocess
import tempfile

import httpx
import pytest

from channels_sync.models import OutboxMessage
from channels_sync.services.sync import channel_ats
from orders.models import Order
from tests.channels_sync.conftest import (  # noqa: F401 - fixtures
    listed,
    shopify,
    shopify_channel,
    shopify_server,
)
from tests.channels_sync.worker import RedisServer, Worker, free_port, wait_for, worker_database_url
from tests.factories.channels_sync import channel_token
from tests.factories.inventory import ProductFactory
from tests.orders.builders import payload
from tests.scenarios import bin_of, small_warehouse, stocked

pytestmark = [pytest.mark.postgres, pytest.mark.redis, pytest.mark.django_db(transaction=True)]

ROOT = pathlib.Path(__file__).resolve().parents[2]
GUNICORN = str(ROOT / ".venv" / "bin" / "gunicorn")


class WebServer:
    def __init__(self, *, redis_url: str) -> None:
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.redis_url = redis_url
        self.proc: subprocess.Popen | None = None

    def start(self) -> "WebServer":
        env = {
            **os.environ,
            "DJANGO_SETTINGS_MODULE": "config.settings.test",
            "DATABASE_URL": worker_database_url(),
            "REDIS_URL": self.redis_url,
            "CELERY_TASK_ALWAYS_EAGER": "false",
            "CONN_MAX_AGE": "0",
            "LOG_LEVEL": "WARNING",
        }
        self.log = tempfile.NamedTemporaryFile("w", prefix="redis-down-web-", suffix=".log")  # noqa: SIM115
        self.proc = subprocess.Popen(
            [GUNICORN, "config.wsgi", "-b", f"127.0.0.1:{self.port}", "-w", "1", "--timeout", "60"],
            cwd=ROOT,
            env=env,
            stdout=self.log,
            stderr=subprocess.STDOUT,
        )
        wait_for(self._up, timeout=240, message="web server did not start")
        return self

    def _up(self) -> bool:
        try:
            return httpx.get(f"{self.url}/healthz", timeout=2).status_code == 200
        except httpx.HTTPError:
            return False

    def stop(self) -> None:
        if self.proc and self.proc.poll() is None:
            self.proc.terminate()
            self.proc.wait(20)

    def tail(self) -> str:
        return pathlib.Path(self.log.name).read_text()[-3000:]


def test_orders_are_taken_while_redis_is_down_and_reach_the_channel_after(shopify):  # noqa: F811
    redis = RedisServer()  # its port is reserved, nothing listens there yet
    web = WebServer(redis_url=redis.url)
    worker = Worker(redis_url=redis.url)
    try:
        # given a shop listing one stocked SKU, and a web server whose Redis is down
        wh = small_warehouse("RDWN", aisles=1, bays=2, levels=1)
        shop = shopify_channel(shopify, wh, code="redis-down-shop")
        product = listed(shop, ProductFactory(sku="RDWN-1"))
        stocked(product, bin_of(wh, "A-01-01-1"), 10)
        token = channel_token(shop)
        web.start()

        # when an order is posted over the API
        response = httpx.post(
            f"{web.url}/api/v1/orders/",
            json=payload([("RDWN-1", 3)], external_id="RDWN-ORDER-1"),
            headers={"Authorization": f"Token {token}"},
            timeout=60,
        )

        # then it is taken, and its stock change waits in the outbox (Postgres)
        assert response.status_code == 201, (response.status_code, response.text, web.tail())
        assert Order.objects.filter(channel=shop, external_id="RDWN-ORDER-1").count() == 1
        truth = channel_ats(channel=shop, product_ids=[product.pk])[product.pk]
        assert truth == 7
        assert OutboxMessage.objects.filter(channel=shop, key=str(product.pk)).exists()
        assert "failing open" in web.tail()  # logged (once) by the cache

        # and when Redis comes back with a worker, the change reaches the mock channel
        redis.start()
        worker.start(timeout=180)
        item = str(7000 + product.pk)
        wait_for(
            lambda: shopify.app.inventory.get(item) == truth,
            timeout=120,
            message=f"the shop never heard: {shopify.app.inventory} {worker.tail(20)}",
        )
        assert web.tail().count("failing open") == 1
    finally:
        worker.kill()
        web.stop()
        redis.stop()
