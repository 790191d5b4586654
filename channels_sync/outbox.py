"""LEAF module: the one door through which any app tells the channels that something changed.

It imports nothing from other apps (only channels_sync models), so inventory, orders, warehouse
and shipping may all call it inside their own transactions (the transactional-outbox pattern).
Each call writes or bumps one OutboxMessage row per channel that must hear of the change, in the
caller's transaction: if the caller rolls back, the channel hears nothing. Rows are coalesced per
(channel, topic, key): a burst of changes to one SKU is one row whose `version` counts them, and
the worker pushes the newest truth once. After commit a drain task is kicked for the channel.
"""

from __future__ import annotations

import json
from functools import partial

from django.db import transaction
from django.utils import timezone

from channels_sync.choices import ChannelKind, OutboxTopic
from channels_sync.models import Channel, Listing, OutboxMessage


def stock_listeners(*, product_id: int, warehouse_id: int) -> list[int]:
    """The channels that must hear when this product's stock in this warehouse moves: active,
    with a base URL, fed by the warehouse and listing the product. A read only (no lock), so
    a hot path may run it before it takes its row lock and pass the result to stock_changed."""
    return sorted(
        Listing.objects.filter(
            product_id=product_id,
            is_active=True,
            channel__is_active=True,
            channel__warehouse_links__warehouse_id=warehouse_id,
        )
        .exclude(channel__base_url="")
        .values_list("channel_id", flat=True)
        .distinct()
    )


def stock_changed(
    *, product_id: int, warehouse_id: int, channel_ids: list[int] | None = None
) -> None:
    """Available-to-sell of a product in a warehouse moved (called by inventory on every change).

    Marks (channel, product) dirty for every channel of `stock_listeners` (looked up here unless
    the caller already did). The value itself is read from the truth when the worker pushes it.
    """
    if channel_ids is None:
        channel_ids = stock_listeners(product_id=product_id, warehouse_id=warehouse_id)
    for channel_id in channel_ids:
        _enqueue(
            channel_id=channel_id,
            topic=OutboxTopic.STOCK,
            key=str(product_id),
            payload={"product_id": product_id},
        )


def stock_changed_many(*, pairs: list[tuple[int, int]]) -> None:
    """`stock_changed` for many (product id, warehouse id) pairs: one listener query, one upsert.

    Used by set-based writers (a bulk receipt, a wave release) instead of a call per row.
    """
    wanted = set(pairs)
    if not wanted:
        return
    rows = (
        Listing.objects.filter(
            product_id__in={p for p, _ in wanted},
            is_active=True,
            channel__is_active=True,
            channel__warehouse_links__warehouse_id__in={w for _, w in wanted},
        )
        .exclude(channel__base_url="")
        .values_list("channel_id", "product_id", "channel__warehouse_links__warehouse_id")
    )
    _enqueue_many(
        [
            (channel_id, OutboxTopic.STOCK, str(product_id), {"product_id": product_id})
            for channel_id, product_id, warehouse_id in rows
            if (product_id, warehouse_id) in wanted
        ]
    )


def stock_listeners_many(*, pairs: set[tuple[int, int]]) -> dict[tuple[int, int], list[int]]:
    """`stock_listeners` for many (product id, warehouse id) pairs in one read (no lock)."""
    if not pairs:
        return {}
    out: dict[tuple[int, int], set[int]] = {}
    for channel_id, product_id, warehouse_id in (
        Listing.objects.filter(
            product_id__in={p for p, _ in pairs},
            is_active=True,
            channel__is_active=True,
            channel__warehouse_links__warehouse_id__in={w for _, w in pairs},
        )
        .exclude(channel__base_url="")
        .values_list("channel_id", "product_id", "channel__warehouse_links__warehouse_id")
    ):
        if (product_id, warehouse_id) in pairs:
            out.setdefault((product_id, warehouse_id), set()).add(channel_id)
    return {pair: sorted(ids) for pair, ids in out.items()}


def stock_entries(*, channel_ids: list[int], product_id: int) -> list[tuple[int, str, str, dict]]:
    """The outbox entries `stock_changed` writes, for a caller that writes them with others in
    one `enqueue_many` (set-based order capture)."""
    return [
        (channel_id, OutboxTopic.STOCK, str(product_id), {"product_id": product_id})
        for channel_id in channel_ids
    ]


def order_status_entry(
    *, order_id: int, channel_id: int, status: str, pushed: bool
) -> list[tuple[int, str, str, dict]]:
    """The entry `order_status_changed` writes; `pushed` is `channel_is_pushed` of the order's
    channel, read by the caller with the channel (no query here)."""
    if not pushed:
        return []
    return [
        (
            channel_id,
            OutboxTopic.ORDER_STATUS,
            str(order_id),
            {"order_id": order_id, "status": status},
        )
    ]


def channel_is_pushed(channel: Channel) -> bool:
    """`_is_pushed_to` for a channel row already loaded: active, not custom, with a base URL."""
    return bool(channel.is_active and channel.kind != ChannelKind.CUSTOM and channel.base_url)


def enqueue_many(entries: list[tuple[int, str, str, dict]]) -> None:
    """Write many outbox entries (channel, topic, key, payload) in one coalescing upsert."""
    _enqueue_many(entries)


def order_status_changed(*, order_id: int, channel_id: int, status: str) -> None:
    """An order's status changed (called by orders' single status writer)."""
    if _is_pushed_to(channel_id):
        _enqueue(
            channel_id=channel_id,
            topic=OutboxTopic.ORDER_STATUS,
            key=str(order_id),
            payload={"order_id": order_id, "status": status},
        )


def order_status_changed_many(*, changes: list[tuple[int, int, str]]) -> None:
    """`order_status_changed` for many (order id, channel id, status) triples: one channel
    query, one upsert (a set-based writer such as a wave release starting many requests)."""
    if not changes:
        return
    pushed = set(
        Channel.objects.filter(pk__in={c for _, c, _ in changes if c}, is_active=True)
        .exclude(kind=ChannelKind.CUSTOM)
        .exclude(base_url="")
        .values_list("pk", flat=True)
    )
    _enqueue_many(
        [
            (
                channel_id,
                OutboxTopic.ORDER_STATUS,
                str(order_id),
                {"order_id": order_id, "status": status},
            )
            for order_id, channel_id, status in changes
            if channel_id in pushed
        ]
    )


def shipment_confirmed(*, order_id: int, channel_id: int, shipment_id: int) -> None:
    """A shipment left the building with a tracking number (called when it is confirmed)."""
    if _is_pushed_to(channel_id):
        _enqueue(
            channel_id=channel_id,
            topic=OutboxTopic.SHIPMENT,
            key=str(shipment_id),
            payload={"order_id": order_id, "shipment_id": shipment_id},
        )


def order_cancelled(*, order_id: int, channel_id: int, line_ids: list[int] | None = None) -> None:
    """An order (or some of its lines) was cancelled on our side."""
    if _is_pushed_to(channel_id):
        _enqueue(
            channel_id=channel_id,
            topic=OutboxTopic.CANCELLATION,
            key=str(order_id),
            payload={"order_id": order_id, "line_ids": line_ids},
        )


def stock_resync(*, channel_id: int, product_ids: list[int]) -> None:
    """Mark (channel, product) dirty so the worker re-pushes the truth (used by reconciliation)."""
    for product_id in sorted(product_ids):
        _enqueue(
            channel_id=channel_id,
            topic=OutboxTopic.STOCK,
            key=str(product_id),
            payload={"product_id": product_id},
        )


def _is_pushed_to(channel_id: int | None) -> bool:
    # Custom storefronts read our REST API themselves, and a channel without a base URL has
    # nowhere to be told: nothing is queued for them (reconciliation catches stock up later).
    if not channel_id:
        return False
    return (
        Channel.objects.filter(pk=channel_id, is_active=True)
        .exclude(kind=ChannelKind.CUSTOM)
        .exclude(base_url="")
        .exists()
    )


def _enqueue(*, channel_id: int, topic: str, key: str, payload: dict) -> None:
    _enqueue_many([(channel_id, topic, key, payload)])


def _enqueue_many(entries: list[tuple[int, str, str, dict]]) -> None:
    """Write or bump one row per (channel, topic, key), coalesced in SQL: one upsert statement.

    `INSERT … ON CONFLICT (channel, topic, key) DO UPDATE` (Postgres and SQLite ≥ 3.24): no
    read-then-write and no savepoint, and concurrent writers of the same key serialise on the
    unique index. A row that was fully sent becomes pending now; one already pending keeps its
    age and its backoff (a new change must not hammer a failing channel). Rows are written in
    key order so that two transactions enqueueing overlapping sets cannot deadlock.
    """
    newest: dict[tuple[int, str, str], dict] = {}
    for channel_id, topic, key, payload in entries:
        newest[(channel_id, str(topic), str(key))] = payload
    if not newest:
        return
    connection = transaction.get_connection()
    now = connection.ops.adapt_datetimefield_value(timezone.now())
    table = connection.ops.quote_name(OutboxMessage._meta.db_table)
    key_col = connection.ops.quote_name("key")
    payload_sql = "CAST(%s AS jsonb)" if connection.vendor == "postgresql" else "%s"
    fresh = f"{table}.version = {table}.sent_version"
    items = sorted(newest.items())
    with connection.cursor() as cursor:
        for start in range(0, len(items), 500):
            chunk = items[start : start + 500]
            row_sql = f"(%s, %s, %s, {payload_sql}, 1, 0, %s, %s, 0, '', '', %s)"
            params: list = []
            for (channel_id, topic, key), payload in chunk:
                params += [channel_id, topic, key, json.dumps(payload), now, now, now]
            cursor.execute(
                f"INSERT INTO {table} (channel_id, topic, {key_col}, payload, version, "  # noqa: S608 - our own identifiers
                "sent_version, pending_since, next_attempt_at, attempts, last_error, lease_token, "
                f"created_at) VALUES {', '.join([row_sql] * len(chunk))} "
                f"ON CONFLICT (channel_id, topic, {key_col}) DO UPDATE SET "
                f"version = {table}.version + 1, payload = excluded.payload, "
                f"pending_since = CASE WHEN {fresh} THEN excluded.pending_since "
                f"ELSE {table}.pending_since END, "
                f"next_attempt_at = CASE WHEN {fresh} THEN excluded.next_attempt_at "
                f"ELSE {table}.next_attempt_at END, "
                f"attempts = CASE WHEN {fresh} THEN 0 ELSE {table}.attempts END",
                params,
            )
    for channel_id in sorted({channel_id for channel_id, _, _ in newest}):
        _kick_after_commit(channel_id)


def _kick_after_commit(channel_id: int) -> None:
    # One kick per channel per transaction: a 1,000-SKU receipt queues one drain, not 1,000.
    # The callbacks list is the connection's own, so a rolled-back savepoint drops its kick.
    for entry in transaction.get_connection().run_on_commit:
        func = entry[1]
        if isinstance(func, partial) and func.func is _kick and func.args == (channel_id,):
            return
    transaction.on_commit(partial(_kick, channel_id))


def _kick(channel_id: int) -> None:
    # Imported late: the tasks module pulls in services of other apps, which import this leaf.
    from channels_sync.tasks import outbox_kick

    outbox_kick(channel_id=channel_id)
