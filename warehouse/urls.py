"""Warehouse screens (mobile): task list, scanner screens, labels and pick-list PDFs."""

from django.urls import path

from warehouse.views import floor, home, labels, pack, pick

app_name = "warehouse_ui"

urlpatterns = [
    path("", home.home, name="home"),
    path("warehouse/", home.choose_warehouse, name="choose_warehouse"),
    path("waves/", home.wave_create, name="wave_create"),
    path("waves/routes/", home.wave_routes, name="wave_routes"),
    path("pick/", pick.start, name="pick_start"),
    path("pick/<int:pick_list_id>/", pick.screen, name="pick"),
    path("pick/<int:pick_list_id>/scan/", pick.scan, name="pick_scan"),
    path("pick/<int:pick_list_id>/confirm/", pick.confirm, name="pick_confirm"),
    path("pick/<int:pick_list_id>/short/", pick.short, name="pick_short"),
    path("pick/<int:pick_list_id>.pdf", labels.pick_list_pdf, name="pick_list_pdf"),
    path("pack/", pack.start, name="pack_start"),
    path("pack/<int:package_id>/", pack.screen, name="pack"),
    path("pack/<int:package_id>/item/", pack.scan_item, name="pack_scan"),
    path("pack/<int:package_id>/weigh/", pack.weigh, name="pack_weigh"),
    path(
        "pack/<int:package_id>/weight-override/",
        pack.weight_override,
        name="pack_weight_override",
    ),
    path("pack/<int:package_id>/close/", pack.close, name="pack_close"),
    path("pack/<int:package_id>/ship/", pack.ship, name="pack_ship"),
    path("receive/", floor.receive_list, name="receive"),
    path("receive/<int:shipment_id>/", floor.receive, name="receive_shipment"),
    path("receive/<int:shipment_id>/close/", floor.receive_close, name="receive_close"),
    path("putaway/<int:task_id>/", floor.putaway, name="putaway_task"),
    path("move/", floor.move, name="move"),
    path("move/<int:task_id>/", floor.move_task, name="move_task"),
    path("count/", floor.count_list, name="count_start"),
    path("count/<int:count_id>/", floor.count, name="count"),
    path("count/task/<int:task_id>/", floor.count_task, name="count_task"),
    path("labels/", labels.labels, name="labels"),
    path("labels/bins.pdf", labels.bin_labels, name="bin_labels_pdf"),
]
