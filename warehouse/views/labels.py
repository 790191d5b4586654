"""Printing: bin labels (Code 128) for supervisors and ops; pick lists for the floor."""

from __future__ import annotations

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render

from common.access import SUPERVISION, WAREHOUSE, role_required
from dashboard.printing import BinLabel, PickListRow, bin_labels_pdf
from dashboard.printing import pick_list_pdf as render_pick_list_pdf
from warehouse import ui_selectors
from warehouse.views.base import current_warehouse


@role_required(SUPERVISION)
def labels(request: HttpRequest) -> HttpResponse:
    """The form: warehouse, bin code prefix, zone → a PDF of bin labels."""
    return render(
        request,
        "warehouse/labels.html",
        {
            "warehouses": ui_selectors.warehouses_active()[:50],
            "current": current_warehouse(request),
        },
    )


@role_required(SUPERVISION)
def bin_labels(request: HttpRequest) -> HttpResponse:
    try:
        warehouse_id = int(request.GET.get("warehouse", ""))
    except ValueError:
        return HttpResponse("Choose a warehouse.", status=400, content_type="text/plain")
    bins = ui_selectors.bins_for_labels(
        warehouse_id=warehouse_id,
        prefix=request.GET.get("prefix", "").strip(),
        zone_code=request.GET.get("zone", "").strip(),
    )
    pdf = bin_labels_pdf(
        BinLabel(code=b.code, warehouse=b.warehouse.code, zone=b.zone.code) for b in bins
    )
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = 'inline; filename="bin-labels.pdf"'
    return response


@role_required(WAREHOUSE)
def pick_list_pdf(request: HttpRequest, pick_list_id: int) -> HttpResponse:
    """A pick list on paper: walking order, bin barcodes, quantities, totes."""
    warehouse = current_warehouse(request)
    pick_list = (
        ui_selectors.pick_list_for_screen(pick_list_id=pick_list_id, warehouse_id=warehouse.pk)
        if warehouse
        else None
    )
    if pick_list is None:
        raise Http404("No such pick list in this warehouse.")
    lines = ui_selectors.pick_list_lines(pick_list_id=pick_list.pk)
    pdf = render_pick_list_pdf(
        number=pick_list.number,
        warehouse=warehouse.code,
        subtitle=f"wave {pick_list.wave.number} · {len(lines)} picks",
        rows=[
            PickListRow(
                sequence=i,
                bin_code=line.bin.code,
                sku=line.product.sku,
                description=line.product.name,
                quantity=line.quantity,
                tote=line.tote_code,
            )
            for i, line in enumerate(lines, start=1)
        ],
    )
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="pick-list-{pick_list.number}.pdf"'
    return response
