"""Import orders from a CSV file: one row per order line, rows grouped by external_id.

    manage.py orders_import_csv orders.csv --channel shop [--skip-invalid] [--errors errors.csv]

Columns: external_id, sku, quantity (required); unit_price, email, name, phone, ship_name,
ship_line1, ship_line2, ship_city, ship_region, ship_postal_code, ship_country, currency,
payment_status, service_level, priority, placed_at (optional; order fields are read from the
order's first row).

Nothing is half-imported: the whole file is validated first and, if any row is bad, nothing is
written (unless --skip-invalid, which then skips every order that has a bad row). Orders are
captured set-based, 500 per transaction (orders.services.orders_capture_bulk, the path of
POST /api/v1/orders/bulk/), each order all lines or none; a refused order is reported. Unknown SKUs are imported onto an
`unknown_sku` hold, as with any channel. A per-row error report is printed (and written to
--errors as CSV).
"""

from __future__ import annotations

import csv
from collections import OrderedDict
from decimal import Decimal, InvalidOperation
from typing import Any

from django.core.management.base import BaseCommand, CommandError
from tqdm import tqdm

from channels_sync.models import Channel
from common.csv_export import csv_writer
from common.types import Actor
from orders import services as orders_services
from orders.choices import PaymentStatus

REQUIRED = ("external_id", "sku", "quantity")
BATCH = 500


def _row_errors(row: dict[str, str]) -> list[str]:
    errors = []
    for col in REQUIRED:
        if not (row.get(col) or "").strip():
            errors.append(f"{col} is required")
    qty = (row.get("quantity") or "").strip()
    if qty and (not qty.isdigit() or int(qty) <= 0):
        errors.append(f"quantity {qty!r} is not a positive whole number")
    price = (row.get("unit_price") or "").strip()
    if price:
        try:
            if Decimal(price) < 0:
                errors.append("unit_price is negative")
        except InvalidOperation:
            errors.append(f"unit_price {price!r} is not a number")
    status = (row.get("payment_status") or "").strip()
    if status and status not in PaymentStatus.values:
        errors.append(f"payment_status {status!r} is not one of {', '.join(PaymentStatus.values)}")
    country = (row.get("ship_country") or "").strip()
    if country and len(country) != 2:
        errors.append(f"ship_country {country!r} is not an ISO 2-letter code")
    priority = (row.get("priority") or "").strip()
    if priority and not priority.lstrip("-").isdigit():
        errors.append(f"priority {priority!r} is not a whole number")
    return errors


def _payload(rows: list[dict[str, str]]) -> dict[str, Any]:
    first = rows[0]

    def get(key: str, default: str = "") -> str:
        return (first.get(key) or default).strip()

    return {
        "external_id": get("external_id"),
        "customer": {"email": get("email"), "name": get("name"), "phone": get("phone")},
        "shipping_address": {
            "name": get("ship_name") or get("name"),
            "line1": get("ship_line1"),
            "line2": get("ship_line2"),
            "city": get("ship_city"),
            "region": get("ship_region"),
            "postal_code": get("ship_postal_code"),
            "country": get("ship_country").upper(),
        },
        "currency": get("currency", "USD"),
        "payment_status": get("payment_status", "pending"),
        "service_level": get("service_level", "standard"),
        "priority": int(get("priority", "0") or 0),
        "placed_at": get("placed_at") or None,
        "lines": [
            {
                "sku": (r.get("sku") or "").strip(),
                "quantity": int((r.get("quantity") or "0").strip()),
                "unit_price": (r.get("unit_price") or "0").strip() or "0",
            }
            for r in rows
        ],
    }


class Command(BaseCommand):
    help = "Import orders from a CSV file (validated first; each order all or nothing)."

    def add_arguments(self, parser):  # type: ignore[no-untyped-def]
        parser.add_argument("path")
        parser.add_argument("--channel", required=True, help="Channel code the orders belong to")
        parser.add_argument(
            "--skip-invalid", action="store_true", help="Import the valid orders only"
        )
        parser.add_argument("--errors", help="Write the per-row error report to this CSV file")
        parser.add_argument("--no-progress", action="store_true")

    def handle(self, *args, **opts):  # type: ignore[no-untyped-def]
        channel = Channel.objects.filter(code=opts["channel"]).first()
        if channel is None:
            raise CommandError(f"Unknown channel {opts['channel']!r}")
        try:
            with open(opts["path"], newline="", encoding="utf-8-sig") as fh:
                reader = csv.DictReader(fh)
                missing = [c for c in REQUIRED if c not in (reader.fieldnames or [])]
                if missing:
                    raise CommandError(f"Missing column(s): {', '.join(missing)}")
                rows = list(enumerate(reader, start=2))  # row 1 is the header
        except OSError as exc:
            raise CommandError(f"Cannot read {opts['path']}: {exc}") from exc
        except UnicodeDecodeError as exc:
            raise CommandError(
                f"{opts['path']} is not UTF-8 text (byte {exc.start}): save it as UTF-8 CSV; "
                "nothing was imported."
            ) from exc
        except csv.Error as exc:
            raise CommandError(
                f"{opts['path']} is not valid CSV: {exc}; nothing was imported."
            ) from exc
        if not rows:
            raise CommandError(f"{opts['path']} has no order rows; nothing was imported.")

        errors: list[tuple[int, str, str]] = []
        groups: OrderedDict[str, list[tuple[int, dict[str, str]]]] = OrderedDict()
        for row_no, row in rows:
            for message in _row_errors(row):
                errors.append((row_no, (row.get("external_id") or "").strip(), message))
            groups.setdefault((row.get("external_id") or "").strip(), []).append((row_no, row))
        bad_orders = {ext for _, ext, _ in errors}
        if errors and not opts["skip_invalid"]:
            self._report(errors, opts)
            raise CommandError(f"{len(errors)} invalid row(s); nothing was imported.")

        actor = Actor.system(f"import:{opts['path']}"[:150])
        created = existing = 0
        todo = [(ext, group) for ext, group in groups.items() if ext and ext not in bad_orders]
        # Set-based, as POST /orders/bulk/: BATCH orders per transaction (each order all or
        # nothing; a refused order is reported and writes nothing).
        with tqdm(
            total=len(todo),
            desc="orders",
            unit="order",
            disable=opts["no_progress"],
            file=self.stderr,
        ) as bar:
            for start in range(0, len(todo), BATCH):
                chunk = todo[start : start + BATCH]
                results = orders_services.orders_capture_bulk(
                    channel_id=channel.pk,
                    bodies=[_payload([r for _, r in group]) for _, group in chunk],
                    actor=actor,
                )
                for (ext, group), result in zip(chunk, results, strict=True):
                    if result.error is not None:
                        exc = result.error
                        code = getattr(exc, "code", "invalid")
                        message = getattr(exc, "message", str(exc))
                        for row_no, _ in group:
                            errors.append((row_no, ext, f"{code}: {message}"))
                        continue
                    created += result.created
                    existing += not result.created
                bar.update(len(chunk))
        self._report(errors, opts)
        self.stdout.write(
            self.style.SUCCESS(
                f"{created} order(s) imported, {existing} already present, "
                f"{len({e for _, e, _ in errors})} order(s) with errors skipped"
            )
        )

    def _report(self, errors: list[tuple[int, str, str]], opts: dict[str, Any]) -> None:
        for row_no, ext, message in sorted(errors):
            self.stdout.write(self.style.ERROR(f"row {row_no} ({ext or '-'}): {message}"))
        if opts.get("errors"):
            with open(opts["errors"], "w", newline="", encoding="utf-8") as fh:
                writer = csv_writer(fh)
                writer.writerow(["row", "external_id", "error"])
                writer.writerows(sorted(errors))
