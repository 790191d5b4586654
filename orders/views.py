"""Customer-service screens: one search box, the order page, and the actions within policy.

Thin views: a form checks the shape, one OMS service does the work, a DomainError becomes a
visible message with the service's own words, and every POST redirects back (PRG).
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from common import roles
from common.access import CUSTOMER_DATA, OPS, role_required
from common.exceptions import DomainError
from common.types import Actor
from orders import services as orders_services
from orders import ui_selectors
from orders.choices import HoldKind
from orders.services import edits as order_edits
from orders.services import returns as order_returns
from shipping import selectors as shipping_selectors

SEARCH_LIMIT = 50


class SearchForm(forms.Form):
    q = forms.CharField(
        label="Order number, external id, email, name, phone or tracking number",
        max_length=200,
        required=False,
    )


class CancelForm(forms.Form):
    reason = forms.CharField(label="Reason for cancelling", max_length=200)


class AddressForm(forms.Form):
    name = forms.CharField(label="Name", max_length=200)
    line1 = forms.CharField(label="Address line 1", max_length=200)
    line2 = forms.CharField(label="Address line 2", max_length=200, required=False)
    city = forms.CharField(label="City", max_length=100)
    region = forms.CharField(label="State / region", max_length=100, required=False)
    postal_code = forms.CharField(label="Postal code", max_length=20, required=False)
    country = forms.CharField(label="Country (2 letters)", min_length=2, max_length=2)
    phone = forms.CharField(label="Phone", max_length=40, required=False)

    def clean_country(self) -> str:
        return self.cleaned_data["country"].upper()


class HoldForm(forms.Form):
    reason = forms.CharField(label="Why hold this order?", max_length=500)


class ReleaseForm(forms.Form):
    note = forms.CharField(label="Release note", max_length=500, required=False)


class NoteForm(forms.Form):
    text = forms.CharField(label="Note", max_length=500, widget=forms.Textarea(attrs={"rows": 2}))


class ReturnForm(forms.Form):
    reason = forms.CharField(label="Return reason", max_length=200)


class MapSkuForm(forms.Form):
    product_code = forms.CharField(label="Existing product's SKU or barcode", max_length=64)


class CreateProductForm(forms.Form):
    name = forms.CharField(label="Product name", max_length=200)


class CancelLineForm(forms.Form):
    reason = forms.CharField(label="Reason for cancelling the line", max_length=200)


def _actor(request: HttpRequest) -> Actor:
    return Actor.for_user(request.user)


def _form_errors(request: HttpRequest, form: forms.Form) -> None:
    for field, errs in form.errors.items():
        label = form.fields[field].label if field in form.fields else ""
        for err in errs:
            messages.error(request, f"{label}: {err}" if label else err)


def _order_or_404(number: str) -> Any:
    order = ui_selectors.order_for_page(number=number)
    if order is None:
        raise Http404("No such order.")
    return order


@role_required(CUSTOMER_DATA)
def search(request: HttpRequest) -> HttpResponse:
    form = SearchForm(request.GET or None)
    query = ""
    results: list[Any] = []
    if form.is_valid():
        query = form.cleaned_data["q"].strip()
        if query:
            results = list(ui_selectors.order_search_results(query=query, limit=SEARCH_LIMIT))
            if not results:
                # A label bought but not yet handed over is known to shipping only.
                shipment = shipping_selectors.shipment_get_by_tracking(query)
                if shipment is not None and shipment.order_id:
                    results = list(ui_selectors.orders_by_ids(ids=[shipment.order_id]))
    # htmx (typing in the box) swaps only the result list; a plain GET renders the page.
    template = "orders/_search_results.html" if request.htmx else "orders/search.html"
    return render(
        request,
        template,
        {"form": form, "query": query, "results": results, "limit": SEARCH_LIMIT},
    )


@role_required(CUSTOMER_DATA)
def detail(request: HttpRequest, number: str) -> HttpResponse:
    order = _order_or_404(number)
    page = ui_selectors.order_page(order=order)
    is_ops = roles.has_role(request.user, *roles.OPS_ROLES)
    for hold in page["active_holds"]:
        hold.can_release = is_ops or hold.kind == HoldKind.MANUAL
    unknown_lines = [
        line
        for line in page["lines"]
        if line.product_id is None
        and line.requires_shipping
        and line.quantity > line.quantity_cancelled
    ]
    address = order.shipping_address or {}
    return render(
        request,
        "orders/detail.html",
        {
            **page,
            "order": order,
            "shipments": list(shipping_selectors.shipments_for_order(order.pk)),
            "cancel_form": CancelForm(),
            "address_form": AddressForm(
                initial={k: address.get(k, "") for k in AddressForm.base_fields}
            ),
            "hold_form": HoldForm(),
            "note_form": NoteForm(),
            "return_form": ReturnForm(),
            "unknown_lines": unknown_lines if order.is_cancellable else [],
            "can_resolve_skus": is_ops,
        },
    )


def _run(request: HttpRequest, number: str, form: forms.Form, action, success: str) -> HttpResponse:  # type: ignore[no-untyped-def]
    """Validate the form, call the service, report the outcome, redirect to the order page."""
    if not form.is_valid():
        _form_errors(request, form)
    else:
        try:
            action(form.cleaned_data)
        except DomainError as exc:
            messages.error(request, exc.message)
        else:
            messages.success(request, success)
    return redirect("orders_ui:detail", number=number)


@role_required(CUSTOMER_DATA)
@require_POST
def cancel(request: HttpRequest, number: str) -> HttpResponse:
    order = _order_or_404(number)
    return _run(
        request,
        number,
        CancelForm(request.POST),
        lambda data: order_edits.order_cancel(
            order_id=order.pk, actor=_actor(request), reason=data["reason"]
        ),
        f"Order {number} is cancelled.",
    )


@role_required(CUSTOMER_DATA)
@require_POST
def change_address(request: HttpRequest, number: str) -> HttpResponse:
    order = _order_or_404(number)
    return _run(
        request,
        number,
        AddressForm(request.POST),
        lambda data: order_edits.order_address_change(
            order_id=order.pk,
            actor=_actor(request),
            shipping_address={k: v for k, v in data.items() if v},
        ),
        "Shipping address updated.",
    )


@role_required(CUSTOMER_DATA)
@require_POST
def place_hold(request: HttpRequest, number: str) -> HttpResponse:
    order = _order_or_404(number)
    return _run(
        request,
        number,
        HoldForm(request.POST),
        lambda data: orders_services.order_hold_place(
            order_id=order.pk, kind=HoldKind.MANUAL, reason=data["reason"], actor=_actor(request)
        ),
        "Manual hold placed.",
    )


@role_required(CUSTOMER_DATA)
@require_POST
def release_hold(request: HttpRequest, number: str, hold_id: int) -> HttpResponse:
    order = _order_or_404(number)
    hold = ui_selectors.hold_of_order(order_id=order.pk, hold_id=hold_id)
    if hold is None:
        raise Http404("No such hold on this order.")
    if hold.kind != HoldKind.MANUAL and not roles.has_role(request.user, *roles.OPS_ROLES):
        messages.error(request, "Customer service may release manual holds only; ask ops.")
        return redirect("orders_ui:detail", number=number)
    return _run(
        request,
        number,
        ReleaseForm(request.POST),
        lambda data: orders_services.order_hold_release(
            hold_id=hold.pk, actor=_actor(request), note=data["note"]
        ),
        f"{hold.get_kind_display()} hold released.",
    )


@role_required(CUSTOMER_DATA)
@require_POST
def add_note(request: HttpRequest, number: str) -> HttpResponse:
    order = _order_or_404(number)
    return _run(
        request,
        number,
        NoteForm(request.POST),
        lambda data: orders_services.order_note_add(
            order_id=order.pk, text=data["text"], actor=_actor(request)
        ),
        "Note added.",
    )


@role_required(CUSTOMER_DATA)
@require_POST
def start_return(request: HttpRequest, number: str) -> HttpResponse:
    """Open a return for the quantities typed per line (`qty_<line id>` fields)."""
    order = _order_or_404(number)
    lines: list[tuple[int, int]] = []
    for key, value in request.POST.items():
        if key.startswith("qty_") and value.strip():
            try:
                line_id, qty = int(key[4:]), int(value)
            except ValueError:
                messages.error(request, "Return quantities must be whole numbers.")
                return redirect("orders_ui:detail", number=number)
            if qty > 0:
                lines.append((line_id, qty))
    return _run(
        request,
        number,
        ReturnForm(request.POST),
        lambda data: order_returns.return_request(
            order_id=order.pk, lines=lines, reason=data["reason"], actor=_actor(request)
        ),
        "Return opened.",
    )


# ---------------------------------------------------------------- unknown SKUs (ops)


def _line_or_404(order: Any, line_id: int) -> Any:
    line = ui_selectors.line_of_order(order_id=order.pk, line_id=line_id)
    if line is None:
        raise Http404("No such line on this order.")
    return line


@role_required(OPS)
@require_POST
def line_map(request: HttpRequest, number: str, line_id: int) -> HttpResponse:
    """Map a line's unknown SKU to an existing product (the SKU becomes an alias of it)."""
    order = _order_or_404(number)
    line = _line_or_404(order, line_id)
    return _run(
        request,
        number,
        MapSkuForm(request.POST),
        lambda data: order_edits.order_line_product_map(
            order_id=order.pk,
            line_id=line_id,
            product_code=data["product_code"],
            actor=_actor(request),
        ),
        f"{line.sku} now maps to {request.POST.get('product_code', '').strip()}.",
    )


@role_required(OPS)
@require_POST
def line_create_product(request: HttpRequest, number: str, line_id: int) -> HttpResponse:
    """Create the product for a line's unknown SKU."""
    order = _order_or_404(number)
    line = _line_or_404(order, line_id)
    return _run(
        request,
        number,
        CreateProductForm(request.POST),
        lambda data: order_edits.order_line_product_create(
            order_id=order.pk, line_id=line_id, name=data["name"], actor=_actor(request)
        ),
        f"Product {line.sku} created.",
    )


@role_required(OPS)
@require_POST
def line_cancel(request: HttpRequest, number: str, line_id: int) -> HttpResponse:
    """Cancel what is left of one line (e.g. an item that is not sold here)."""
    order = _order_or_404(number)
    line = _line_or_404(order, line_id)
    return _run(
        request,
        number,
        CancelLineForm(request.POST),
        lambda data: order_edits.order_cancel(
            order_id=order.pk,
            actor=_actor(request),
            reason=data["reason"],
            lines=[(line.pk, line.quantity - line.quantity_cancelled)],
        ),
        f"Line {line.line_number} ({line.sku}) cancelled.",
    )
