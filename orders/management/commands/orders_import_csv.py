"""Import orders from a CSV file: one row per order line, rows grouped by external_id.

    manage.py orders_import_csv orders.csv --channel shop [--skip-invalid] [--errors errors.csv]

Columns: external_id, sku, quantity (required); unit_price, email, name, phone, ship_name,
ship_line1, ship_line2, ship_city, ship_region, ship_postal_code, ship_country, currency,
payment_status, service_level, priority, placed_at (optional; order fields are read from the
order's first row).

Nothing is half-imported: the whole file is validated first and, if any row is bad, nothing is
written (unless --skip-invalid, which then skips every order that has a bad row). Orders are
captured set-based, 500 per transaction (orders.services.orders_capture_bulk, the path of
POST /api/v1/orders/bulk/), each order all lines or none; a refused order is reported. The file
is streamed twice (validate, then capture), never held in memory; the progress bar counts orders. Unknown SKUs are imported onto an
`unknown_sku` hold, as with any channel. A per-row error report is printed (and written to
--errors as CSV).
"""

from __future__ import annotations

import csv
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


def _stream(path: str):  # type: ignore[no-untyped-def]
    """(row number, row) of the file, read as a stream; bad files raise CommandError."""
    try:
        with open(path, newline="", encoding="utf-8-sig") as fh:
            reader = csv.DictReader(fh)
            missing = [c for c in REQUIRED if c not in (reader.fieldnames or [])]
            if missing:
                raise CommandError(f"Missing column(s): {', '.join(missing)}")
            yield from enumerate(reader, start=2)  # row 1 is the header
    except OSError as exc:
        raise CommandError(f"Cannot read {path}: {exc}") from exc
    except UnicodeDecodeError as exc:
        raise CommandError(
            f"{path} is not UTF-8 text (byte {exc.start}): save it as UTF-8 CSV; "
            "nothing was imported."
        ) from exc
    except csv.Error as exc:
        raise CommandError(f"{path} is not valid CSV: {exc}; nothing was imported.") from exc


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
        path = opts["path"]
        # Two streaming passes (a 50 MB file is never held in memory): the first validates
        # every row and counts each order's rows, the second captures each order once all its
        # rows were read, BATCH orders per transaction.
        errors: list[tuple[int, str, str]] = []
        counts: dict[str, int] = {}
        for row_no, row in _stream(path):
            ext = (row.get("external_id") or "").strip()
            for message in _row_errors(row):
                errors.append((row_no, ext, message))
            counts[ext] = counts.get(ext, 0) + 1
        if not counts:
            raise CommandError(f"{path} has no order rows; nothing was imported.")
        bad_orders = {ext for _, ext, _ in errors}
        if errors and not opts["skip_invalid"]:
            self._report(errors, opts)
            raise CommandError(f"{len(errors)} invalid row(s); nothing was imported.")

        actor = Actor.system(f"import:{path}"[:150])
        totals = {"created": 0, "existing": 0}
        wanted = sum(1 for ext in counts if ext and ext not in bad_orders)
        pending: dict[str, list[tuple[int, dict[str, str]]]] = {}
        ready: list[tuple[str, list[tuple[int, dict[str, str]]]]] = []
        with tqdm(
            total=wanted,
            desc="orders",
            unit="order",
            disable=opts["no_progress"],
            file=self.stderr,
        ) as bar:
            for row_no, row in _stream(path):
                ext = (row.get("external_id") or "").strip()
                if not ext or ext in bad_orders:
                    continue
                group = pending.setdefault(ext, [])
                group.append((row_no, row))
                if len(group) == counts[ext]:
                    ready.append((ext, pending.pop(ext)))
                    if len(ready) >= BATCH:
                        self._capture(ready, channel.pk, actor, errors, totals, bar)
                        ready = []
            if ready:
                self._capture(ready, channel.pk, actor, errors, totals, bar)
        created, existing = totals["created"], totals["existing"]
        self._report(errors, opts)
        self.stdout.write(
            self.style.SUCCESS(
                f"{created} order(s) imported, {existing} already present, "
                f"{len({e for _, e, _ in errors})} order(s) with errors skipped"
            )
        )

    def _capture(self, chunk, channel_id, actor, errors, totals, bar) -> None:  # type: ignore[no-untyped-def]
        # Set-based, as POST /orders/bulk/: one transaction for the chunk, each order all or
        # nothing; a refused order is reported on its rows and writes nothing.
        results = orders_services.orders_capture_bulk(
            channel_id=channel_id,
            bodies=[_payload([r for _, r in group]) for _, group in chunk],
            actor=actor,
        )
        for (ext, group), result in zip(chunk, results, strict=True):
            if result.error is not None:
                code = getattr(result.error, "code", "invalid")
                message = getattr(result.error, "message", str(result.error))
                for row_no, _ in group:
                    errors.append((row_no, ext, f"{code}: {message}"))
                continue
            totals["created" if result.created else "existing"] += 1
        bar.update(len(chunk))

    def _report(self, errors: list[tuple[int, str, str]], opts: dict[str, Any]) -> None:
        for row_no, ext, message in sorted(errors):
            self.stdout.write(self.style.ERROR(f"row {row_no} ({ext or '-'}): {message}"))
        if opts.get("errors"):
            with open(opts["errors"], "w", newline="", encoding="utf-8") as fh:
                writer = csv_writer(fh)
                writer.writerow(["row", "external_id", "error"])
                writer.writerows(sorted(errors))
