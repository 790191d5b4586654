"""Load demo data: two warehouses, 500 SKUs with barcodes, stock, channels and a user per role.

Idempotent: running it again adds nothing that already exists.
"""

from __future__ import annotations

import random
from datetime import timedelta

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.core.management.base import BaseCommand
from django.db import transaction
from django.utils import timezone
from tqdm import tqdm

from channels_sync import services as channels_services
from channels_sync.models import Channel, ChannelWarehouse
from common import roles
from common.exceptions import DomainError
from common.types import Actor
from inventory import services as inventory_services
from inventory.models import Barcode, Product, StockMovement
from notifications.models import ChannelNotificationSettings
from orders import services as orders_services
from orders.models import Order
from orders.services.edits import order_cancel
from shipping import services as shipping_services
from warehouse.choices import BinType
from warehouse.models import Bin, BoxType, Warehouse
from warehouse.services.layout import layout_generate

DEMO_PASSWORD = "demo-pass-2026"  # noqa: S105 - documented demo login, never used in production
WAREHOUSES = [
    {
        "code": "EAST",
        "name": "East DC (Newark)",
        "city": "Newark",
        "postal_code": "07102",
        "country": "US",
        "region": "us-east",
        "timezone": "America/New_York",
    },
    {
        "code": "WEST",
        "name": "West DC (Reno)",
        "city": "Reno",
        "postal_code": "89502",
        "country": "US",
        "region": "us-west",
        "timezone": "America/Los_Angeles",
    },
]
USERS = [
    ("admin", None, True),
    ("ops", roles.OPS_MANAGER, False),
    ("opsadmin", roles.OPS_ADMIN, False),
    ("cs", roles.CUSTOMER_SERVICE, False),
    ("picker", roles.WAREHOUSE_OPERATOR, False),
    ("supervisor", roles.WAREHOUSE_SUPERVISOR, False),
]
CHANNELS = [
    ("shopify-demo", "Demo Shopify store", "shopify", True),
    ("woo-demo", "Demo WooCommerce store", "woocommerce", True),
    ("amazon-demo", "Demo Amazon marketplace", "amazon", False),
    ("web", "Own storefront (REST API)", "custom", True),
]
WORDS = [
    "Organic Cotton Tee",
    "Merino Beanie",
    "Trail Socks",
    "Canvas Tote",
    "Bamboo Toothbrush",
    "Steel Bottle",
    "Yoga Mat",
    "Coffee Beans",
    "Ceramic Mug",
    "Notebook A5",
    "Desk Lamp",
    "Phone Case",
    "Linen Shirt",
    "Wool Scarf",
    "Running Cap",
    "Leather Wallet",
    "Silk Pillowcase",
    "Cast Iron Pan",
    "Chef Knife",
    "Glass Jar",
]
SIZES = ["XS", "S", "M", "L", "XL"]
# code, name, inner length × width × height (mm), max weight (g), tare (g)
BOX_TYPES = [
    ("BOX-S", "Small mailer", 250, 200, 100, 2000, 100),
    ("BOX-M", "Medium carton", 400, 300, 200, 10000, 250),
    ("BOX-L", "Large carton", 600, 400, 400, 25000, 500),
    ("BOX-XL", "Extra-large carton", 800, 600, 600, 30000, 900),
]
CUSTOMERS = [
    ("Ada Lovelace", "ada@example.com", "+1 650 555 0100"),
    ("Grace Hopper", "grace@example.com", "+1 212 555 0142"),
    ("Alan Turing", "alan@example.org", "+44 20 7946 0018"),
    ("Katherine Johnson", "kj@example.net", "+1 757 555 0199"),
    ("Edsger Dijkstra", "edsger@example.nl", "+31 20 555 0123"),
    ("Barbara Liskov", "liskov@example.com", "+1 617 555 0175"),
    ("Donald Knuth", "knuth@example.edu", "+1 650 555 0111"),
    ("Margaret Hamilton", "margaret@example.com", "+1 617 555 0190"),
]
ADDRESSES = [
    ("1600 Amphitheatre Pkwy", "Mountain View", "CA", "94043"),
    ("350 5th Ave", "New York", "NY", "10118"),
    ("1 Infinite Loop", "Cupertino", "CA", "95014"),
    ("233 S Wacker Dr", "Chicago", "IL", "60606"),
    ("400 Broad St", "Seattle", "WA", "98109"),
    ("2 Seaport Ln", "Boston", "MA", "02210"),
]
DEMO_ORDERS = 60


def _gtin13(n: int) -> str:
    body = f"400{n:09d}"
    total = sum(int(d) * (3 if i % 2 else 1) for i, d in enumerate(body))
    return body + str((10 - total % 10) % 10)


class Command(BaseCommand):
    help = "Load demo data (idempotent): warehouses, bins, 500 SKUs, stock, channels, users."

    def add_arguments(self, parser):
        parser.add_argument("--skus", type=int, default=500)
        parser.add_argument("--aisles", type=int, default=10)
        parser.add_argument("--bays", type=int, default=20)
        parser.add_argument("--levels", type=int, default=4)
        parser.add_argument("--quiet", action="store_true", help="No progress bar")

    def handle(self, *args, **opts):
        rng = random.Random(42)
        quiet = opts["quiet"]
        warehouses = self._warehouses(opts)
        products = self._products(opts["skus"], rng)
        self._users()
        self._channels(warehouses)
        shipping_services.carriers_ensure_defaults()  # in-process carrier: packing needs no server
        self._box_types()
        self._stock(products, warehouses, rng, quiet)
        self._orders(products, rng, quiet)
        self._notifications()
        self.stdout.write(
            self.style.SUCCESS(
                f"demo data ready: {len(warehouses)} warehouses, {Bin.objects.count()} bins, "
                f"{Product.objects.count()} SKUs, {Order.objects.count()} orders; logins {', '.join(u for u, _, _ in USERS)} "
                f"(password {DEMO_PASSWORD})"
            )
        )

    def _warehouses(self, opts) -> list[Warehouse]:
        result = []
        for spec in WAREHOUSES:
            wh, _ = Warehouse.objects.get_or_create(code=spec["code"], defaults=spec)
            layout_generate(
                warehouse=wh, aisles=opts["aisles"], bays=opts["bays"], levels=opts["levels"]
            )
            result.append(wh)
        return result

    @transaction.atomic
    def _products(self, count: int, rng: random.Random) -> list[Product]:
        existing = set(Product.objects.values_list("sku", flat=True))
        new, codes = [], []
        for i in range(count):
            sku = f"DEMO-{i + 1:04d}"
            if sku in existing:
                continue
            base = WORDS[i % len(WORDS)]
            size = SIZES[(i // len(WORDS)) % len(SIZES)]
            abc = "A" if i < count * 0.2 else ("B" if i < count * 0.5 else "C")
            new.append(
                Product(
                    sku=sku,
                    name=f"{base} {size}",
                    abc_class=abc,
                    weight_g=rng.randint(50, 2500),
                    length_mm=rng.randint(50, 400),
                    width_mm=rng.randint(40, 300),
                    height_mm=rng.randint(10, 200),
                    is_lot_tracked=(i % 25 == 0),
                    is_expiry_tracked=(i % 50 == 0),
                )
            )
            codes.append((sku, _gtin13(i + 1)))
        Product.objects.bulk_create(new, batch_size=500)
        by_sku = {p.sku: p for p in Product.objects.filter(sku__in=[s for s, _ in codes])}
        Barcode.objects.bulk_create(
            [Barcode(product=by_sku[s], code=c, kind="gtin") for s, c in codes],
            batch_size=500,
            ignore_conflicts=True,
        )
        return list(Product.objects.filter(sku__startswith="DEMO-").order_by("sku"))

    def _users(self) -> None:
        roles.ensure_role_groups()
        user_model = get_user_model()
        for username, role, is_super in USERS:
            user, created = user_model.objects.get_or_create(
                username=username,
                defaults={
                    "email": f"{username}@demo.example",
                    "is_staff": True,
                    "is_superuser": is_super,
                },
            )
            if created:
                user.set_password(DEMO_PASSWORD)
                user.save(update_fields=["password"])
            if role:
                user.groups.add(Group.objects.get(name=role))

    def _channels(self, warehouses: list[Warehouse]) -> None:
        for code, name, kind, split in CHANNELS:
            channel, created = Channel.objects.get_or_create(
                code=code,
                defaults={
                    "name": name,
                    "kind": kind,
                    "allows_split_shipments": split,
                    "webhook_secret": f"{code}-secret",
                    "safety_stock": 2,
                },
            )
            for priority, wh in enumerate(
                warehouses if code != "amazon-demo" else warehouses[:1], 1
            ):
                ChannelWarehouse.objects.get_or_create(
                    channel=channel, warehouse=wh, defaults={"priority": priority}
                )
            if created:
                channels_services.channel_token_create(
                    channel_id=channel.pk,
                    name="demo",
                    actor=Actor.system("seed_demo"),
                    key=f"demo-token-{code}",
                )

    def _box_types(self) -> None:
        for code, name, length, width, height, max_weight, tare in BOX_TYPES:
            BoxType.objects.get_or_create(
                code=code,
                defaults={
                    "name": name,
                    "length_mm": length,
                    "width_mm": width,
                    "height_mm": height,
                    "max_weight_g": max_weight,
                    "tare_weight_g": tare,
                },
            )

    def _orders(self, products, rng: random.Random, quiet: bool) -> None:
        """A day of orders through the real capture path: most route and release to a
        warehouse; a few wait on payment, a bad address or an unknown SKU, so that the
        dashboard, the exceptions queue and customer service have something to show."""
        actor = Actor.system("seed_demo")
        channels = list(Channel.objects.filter(code__in=[c for c, *_ in CHANNELS]).order_by("code"))
        now = timezone.now()
        for n in tqdm(range(1, DEMO_ORDERS + 1), desc="orders", disable=quiet):
            channel = channels[n % len(channels)]
            name, email, phone = CUSTOMERS[n % len(CUSTOMERS)]
            line1, city, region, postal = ADDRESSES[n % len(ADDRESSES)]
            if n % 20 == 7:
                postal = "ABC"  # malformed ZIP: address hold
            address = {
                "name": name,
                "line1": line1,
                "city": city,
                "region": region,
                "postal_code": postal,
                "country": "US",
            }
            picked = rng.sample(products[:200], rng.randint(1, 3))
            lines = [
                {
                    "sku": p.sku,
                    "quantity": rng.randint(1, 2),
                    "unit_price": f"{rng.randint(8, 90)}.00",
                }
                for p in picked
            ]
            if n % 30 == 11:
                lines.append({"sku": "LEGACY-404", "quantity": 1, "unit_price": "12.00"})
            placed = now - timedelta(minutes=rng.randint(5, 24 * 60))
            try:
                orders_services.order_capture(
                    channel_id=channel.pk,
                    data={
                        "external_id": f"DEMO-ORD-{n:04d}",
                        "customer": {"email": email, "name": name, "phone": phone},
                        "shipping_address": address,
                        "billing_address": address,
                        "currency": "USD",
                        "lines": lines,
                        "service_level": "express" if n % 9 == 0 else "standard",
                        "payment_status": "pending" if n % 15 == 4 else "captured",
                        "priority": 1 if n % 9 == 0 else 0,
                        "placed_at": placed.isoformat(),
                        "promised_ship_by": (placed + timedelta(hours=20)).isoformat(),
                    },
                    actor=actor,
                )
            except DomainError as exc:  # a channel that refuses backorders: skip that order
                self.stderr.write(f"DEMO-ORD-{n:04d} not placed: {exc.message}")

    def _notifications(self) -> None:
        """Amazon e-mails its own buyers (we send nothing there); one demo order is cancelled,
        so var/mail/ and the e-mails page show a message from the first run on."""
        amazon = Channel.objects.filter(code="amazon-demo").first()
        if amazon is not None:
            ChannelNotificationSettings.objects.get_or_create(
                channel=amazon, defaults={"channel_notifies_buyers": True}
            )
        order = Order.objects.filter(external_id="DEMO-ORD-0003").first()
        if order is not None and order.is_cancellable:
            try:
                order_cancel(
                    order_id=order.pk,
                    actor=Actor.system("seed_demo"),
                    reason="demo: the buyer changed their mind",
                )
            except DomainError as exc:
                self.stderr.write(f"DEMO-ORD-0003 not cancelled: {exc.message}")

    def _stock(self, products, warehouses, rng: random.Random, quiet: bool) -> None:
        if StockMovement.objects.filter(document_type="seed").exists():
            return
        actor = Actor.system("seed_demo")
        for wh in warehouses:
            pick_faces = list(
                Bin.objects.filter(warehouse=wh, bin_type=BinType.PICK_FACE).order_by(
                    "pick_sequence"
                )
            )
            reserves = list(
                Bin.objects.filter(warehouse=wh, bin_type=BinType.RESERVE).order_by("pick_sequence")
            )
            # Fast movers (A) get the pick faces nearest the depot, as velocity slotting does.
            # One set-based receipt per warehouse (inventory_services.stock_receive_many).
            lines = []
            for i, product in enumerate(products):
                lot = f"L{rng.randint(100, 999)}" if product.is_lot_tracked else ""
                lines.append(
                    inventory_services.ReceiptLine(
                        product_id=product.pk,
                        bin=pick_faces[i % len(pick_faces)],
                        quantity=rng.randint(5, 60),
                        lot=lot,
                    )
                )
                if reserves and i % 3 != 2:
                    lines.append(
                        inventory_services.ReceiptLine(
                            product_id=product.pk,
                            bin=reserves[i % len(reserves)],
                            quantity=rng.randint(20, 200),
                            lot=lot,
                        )
                    )
            with transaction.atomic():
                inventory_services.stock_receive_many(
                    lines=lines, actor=actor, document_type="seed", document_ref=wh.code
                )
            if not quiet:
                self.stdout.write(f"stock {wh.code}: {len(lines)} receipt lines")
