"""Pure: an order's money breakdown, cleaned and checked (docs/orders.md, "Money").

The breakdown is the same for the REST API and for channel documents (channels_sync.parsers
produce it):

* per line: `unit_price`, `quantity`, optional `line_subtotal` (price × quantity as charged),
  `discount_allocations` [{amount, title, code, kind}] and `discount_total`, `tax_lines`
  [{title, rate, amount}] and `tax_total`, `presentment` {unit_price, discount_total, tax_total};
* per order: `discount_applications`, `shipping_lines` [{title, code, price, discount,
  tax_lines, tax_total}], `tax_lines`, `duties` [{title, amount}], `prices_include_tax`,
  `presentment_currency` + `presentment` totals, `current` totals, and the totals
  `items_total`, `subtotal`, `discount_total`, `shipping_total`, `shipping_discount_total`,
  `tax_total`, `duties_total`, `tip_total`, `total`.

The identities (every amount exact in its currency's exponent):

    items_total = Σ line_subtotal                 line_subtotal = unit_price × quantity
    subtotal    = items_total − Σ line discounts
    discount_total = Σ line discounts + shipping_discount_total
    shipping_total = Σ shipping price (before discounts); shipping_discount_total = Σ discount
    tax_total   = Σ line taxes + Σ shipping taxes (when tax lines are given)
    total       = subtotal + shipping_total − shipping_discount_total
                  + (0 if prices_include_tax else tax_total) + duties_total + tip_total

A total that is not given is derived. `check=True` (the REST API) refuses a body whose given
figures contradict these, naming every field that does not add up; `check=False` (a channel's
own document) stores the channel's figures as it wrote them.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from common import money as m

ZERO = Decimal("0")
LIMIT = Decimal("10000000000")  # one amount; sums stay below the columns' 10^15
ORDER_TOTALS = (
    "items_total",
    "subtotal",
    "discount_total",
    "shipping_total",
    "shipping_discount_total",
    "tax_total",
    "duties_total",
    "tip_total",
    "total",
)


class Errors(dict):
    def add(self, field: str, message: str) -> None:
        self.setdefault(field, []).append(message)


def _amt(value: Any, cur: str, field: str, errors: Errors, *, check: bool) -> Decimal:
    try:
        result = m.amount(value, cur, strict=check)
    except m.MoneyError as exc:
        errors.add(field, str(exc))
        return ZERO
    if abs(result) >= LIMIT:
        errors.add(field, "must be between -9,999,999,999 and 9,999,999,999")
        return ZERO
    return result


def _opt(data: dict, key: str) -> bool:
    return data.get(key) not in (None, "")


def _tax_lines(raw: Any, cur: str, where: str, errors: Errors, *, check: bool) -> list[dict]:
    if raw in (None, ""):
        return []
    if not isinstance(raw, list):
        errors.add(where, "must be a list")
        return []
    out = []
    for i, t in enumerate(raw):
        if not isinstance(t, dict):
            errors.add(f"{where}[{i}]", "must be an object")
            continue
        rate = t.get("rate")
        try:
            rate_text = str(Decimal(str(rate))) if rate not in (None, "") else ""
        except ArithmeticError:
            errors.add(f"{where}[{i}].rate", "not a number")
            rate_text = ""
        out.append(
            {
                "title": str(t.get("title") or "")[:100],
                "rate": rate_text,
                "amount": m.fmt(
                    _amt(t.get("amount"), cur, f"{where}[{i}].amount", errors, check=check), cur
                ),
                **(
                    {"presentment_amount": str(t["presentment_amount"])}
                    if t.get("presentment_amount") not in (None, "")
                    else {}
                ),
            }
        )
    return out


def _allocations(raw: Any, cur: str, where: str, errors: Errors, *, check: bool) -> list[dict]:
    if raw in (None, ""):
        return []
    if not isinstance(raw, list):
        errors.add(where, "must be a list")
        return []
    out = []
    for i, d in enumerate(raw):
        if not isinstance(d, dict):
            errors.add(f"{where}[{i}]", "must be an object")
            continue
        a = _amt(d.get("amount"), cur, f"{where}[{i}].amount", errors, check=check)
        if check and a < 0:
            errors.add(f"{where}[{i}].amount", "must not be negative")
        row = {k: str(d.get(k) or "")[:100] for k in ("title", "code", "kind")}
        if d.get("application_index") not in (None, ""):
            row["application_index"] = str(d["application_index"])
        row["amount"] = m.fmt(a, cur)
        if d.get("presentment_amount") not in (None, ""):
            row["presentment_amount"] = str(d["presentment_amount"])
        out.append(row)
    return out


def _sum(rows: list[dict], cur: str, key: str = "amount") -> Decimal:
    return m.total((r[key] for r in rows), cur)


def clean_line_money(raw: dict, i: int, cur: str, errors: Errors, *, check: bool) -> dict:
    """The money of one line: unit price, subtotal, allocations, taxes (exact)."""
    where = f"lines[{i}]"
    qty = int(raw["quantity"])
    unit = _amt(raw.get("unit_price"), cur, f"{where}.unit_price", errors, check=check)
    if check and unit < 0:
        errors.add(f"{where}.unit_price", "must not be negative")
    allocations = _allocations(
        raw.get("discount_allocations"), cur, f"{where}.discount_allocations", errors, check=check
    )
    taxes = _tax_lines(raw.get("tax_lines"), cur, f"{where}.tax_lines", errors, check=check)
    if _opt(raw, "line_subtotal"):
        line_subtotal = _amt(
            raw["line_subtotal"], cur, f"{where}.line_subtotal", errors, check=check
        )
        if check and line_subtotal != unit * qty:
            errors.add(
                f"{where}.line_subtotal", f"is not unit_price × quantity ({m.fmt(unit * qty, cur)})"
            )
    else:
        line_subtotal = unit * qty
    discount = (
        _amt(raw["discount_total"], cur, f"{where}.discount_total", errors, check=check)
        if _opt(raw, "discount_total")
        else _sum(allocations, cur)
    )
    if check and allocations and discount != _sum(allocations, cur):
        errors.add(f"{where}.discount_total", "is not the sum of its discount_allocations")
    if check and discount > line_subtotal:
        errors.add(f"{where}.discount_total", "is more than the line's price × quantity")
    tax = (
        _amt(raw["tax_total"], cur, f"{where}.tax_total", errors, check=check)
        if _opt(raw, "tax_total")
        else _sum(taxes, cur)
    )
    if check and taxes and tax != _sum(taxes, cur):
        errors.add(f"{where}.tax_total", "is not the sum of its tax_lines")
    presentment = raw.get("presentment") if isinstance(raw.get("presentment"), dict) else {}
    return {
        "unit_price": unit,
        "line_subtotal": line_subtotal,
        "discount_total": discount,
        "tax_total": tax,
        "discount_allocations": allocations,
        "tax_lines": taxes,
        "presentment": {str(k)[:40]: str(v)[:40] for k, v in presentment.items()},
    }


def _shipping_lines(raw: Any, cur: str, errors: Errors, *, check: bool) -> list[dict]:
    if raw in (None, ""):
        return []
    if not isinstance(raw, list):
        errors.add("shipping_lines", "must be a list")
        return []
    out = []
    for i, s in enumerate(raw):
        where = f"shipping_lines[{i}]"
        if not isinstance(s, dict):
            errors.add(where, "must be an object")
            continue
        price = _amt(s.get("price"), cur, f"{where}.price", errors, check=check)
        discount = _amt(s.get("discount"), cur, f"{where}.discount", errors, check=check)
        taxes = _tax_lines(s.get("tax_lines"), cur, f"{where}.tax_lines", errors, check=check)
        tax = (
            _amt(s["tax_total"], cur, f"{where}.tax_total", errors, check=check)
            if _opt(s, "tax_total")
            else _sum(taxes, cur)
        )
        if check and taxes and tax != _sum(taxes, cur):
            errors.add(f"{where}.tax_total", "is not the sum of its tax_lines")
        if check and (price < 0 or discount < 0 or discount > price):
            errors.add(where, "price and discount must be ≥ 0 and discount ≤ price")
        row = {
            "title": str(s.get("title") or "")[:200],
            "code": str(s.get("code") or "")[:100],
            "price": m.fmt(price, cur),
            "discount": m.fmt(discount, cur),
            "tax_total": m.fmt(tax, cur),
            "tax_lines": taxes,
        }
        if isinstance(s.get("presentment"), dict):
            row["presentment"] = {str(k)[:40]: str(v)[:40] for k, v in s["presentment"].items()}
        out.append(row)
    return out


def _plain_list(raw: Any, field: str, errors: Errors) -> list:
    if raw in (None, ""):
        return []
    if not isinstance(raw, list) or not all(isinstance(x, dict) for x in raw):
        errors.add(field, "must be a list of objects")
        return []
    return [{str(k)[:60]: v for k, v in x.items()} for x in raw][:100]


def clean_order_money(
    data: dict, lines: list[dict], cur: str, errors: Errors, *, check: bool
) -> dict:
    """Order totals and breakdown from the cleaned lines (each with clean_line_money's keys).

    Returns the Order field values plus `money` (the JSON breakdown).
    """
    shipping_lines = _shipping_lines(data.get("shipping_lines"), cur, errors, check=check)
    tax_lines = _tax_lines(data.get("tax_lines"), cur, "tax_lines", errors, check=check)
    duties = []
    for i, d in enumerate(_plain_list(data.get("duties"), "duties", errors)):
        a = _amt(d.get("amount"), cur, f"duties[{i}].amount", errors, check=check)
        duties.append({"title": str(d.get("title") or "Duty")[:100], "amount": m.fmt(a, cur)})
    items = m.total((ln["line_subtotal"] for ln in lines), cur)
    line_discounts = m.total((ln["discount_total"] for ln in lines), cur)
    line_taxes = m.total((ln["tax_total"] for ln in lines), cur)
    ship = _sum(shipping_lines, cur, "price")
    ship_discounts = _sum(shipping_lines, cur, "discount")
    ship_taxes = _sum(shipping_lines, cur, "tax_total")
    derived = {
        "items_total": items,
        "subtotal": items - line_discounts,
        "shipping_total": ship,
        "shipping_discount_total": ship_discounts,
        "duties_total": _sum(duties, cur),
        "tip_total": ZERO,
    }
    given = {
        key: _amt(data[key], cur, key, errors, check=check)
        for key in ORDER_TOTALS
        if _opt(data, key)
    }
    out = {key: given.get(key, derived.get(key)) for key in ORDER_TOTALS}
    if out["shipping_discount_total"] is None:
        out["shipping_discount_total"] = ZERO
    if out["discount_total"] is None:
        out["discount_total"] = line_discounts + out["shipping_discount_total"]
    if out["tax_total"] is None:
        out["tax_total"] = (
            _sum(tax_lines, cur)
            if tax_lines and not (line_taxes or ship_taxes)
            else line_taxes + ship_taxes
        )
    include = bool(data.get("prices_include_tax"))
    computed_total = (
        out["subtotal"]
        + out["shipping_total"]
        - out["shipping_discount_total"]
        + (ZERO if include else out["tax_total"])
        + out["duties_total"]
        + out["tip_total"]
    )
    if out["total"] is None:
        out["total"] = computed_total
    if check:
        _check(
            out,
            derived,
            given,
            lines,
            shipping_lines,
            tax_lines,
            duties,
            computed_total,
            line_discounts,
            line_taxes + ship_taxes,
            cur,
            errors,
        )
    if out["total"] < 0:
        errors.add("total", "must not be negative")
    for key in ORDER_TOTALS:
        if abs(out[key]) >= LIMIT * 10000:
            errors.add(key, "out of range")
    presentment_currency = str(data.get("presentment_currency") or "").upper()[:3]
    if presentment_currency == cur:
        presentment_currency = ""
    breakdown: dict[str, Any] = {
        "discount_applications": [
            {"type": "", "title": "", "code": "", **a}
            for a in _plain_list(data.get("discount_applications"), "discount_applications", errors)
        ],
        "shipping_lines": shipping_lines,
        "tax_lines": tax_lines,
        "duties": duties,
    }
    for key in ("presentment", "current"):
        if isinstance(data.get(key), dict) and data[key]:
            breakdown[key] = {str(k)[:40]: str(v)[:40] for k, v in data[key].items()}
    for key in ("fee_lines", "coupon_lines"):
        if data.get(key):
            breakdown[key] = _plain_list(data.get(key), key, errors)
    return {
        **out,
        "prices_include_tax": include,
        "presentment_currency": presentment_currency,
        "money": breakdown,
    }


def _check(
    out,
    derived,
    given,
    lines,
    shipping_lines,
    tax_lines,
    duties,
    computed_total,
    line_discounts,
    detail_taxes,
    cur,
    errors,
) -> None:  # type: ignore[no-untyped-def]
    def differs(key: str, expected: Decimal, why: str) -> None:
        if key in given and given[key] != expected:
            errors.add(key, f"{m.fmt(given[key], cur)} ≠ {why} ({m.fmt(expected, cur)})")

    differs("items_total", derived["items_total"], "Σ lines unit_price × quantity")
    differs("subtotal", out["items_total"] - line_discounts, "items_total − Σ line discounts")
    if shipping_lines:
        differs("shipping_total", derived["shipping_total"], "Σ shipping_lines.price")
        differs(
            "shipping_discount_total",
            derived["shipping_discount_total"],
            "Σ shipping_lines.discount",
        )
    differs(
        "discount_total",
        line_discounts + out["shipping_discount_total"],
        "Σ line discounts + shipping_discount_total",
    )
    if detail_taxes:
        differs("tax_total", detail_taxes, "Σ line and shipping taxes")
    if tax_lines and "tax_total" in given and _sum(tax_lines, cur) != given["tax_total"]:
        errors.add("tax_lines", f"Σ tax_lines ≠ tax_total ({m.fmt(given['tax_total'], cur)})")
    if duties:
        differs("duties_total", derived["duties_total"], "Σ duties")
    differs(
        "total",
        computed_total,
        "subtotal + shipping − shipping discounts + tax (unless included) + duties + tips",
    )
