from django.urls import path

from common.api.routers import Router
from warehouse.api import views

router = Router(trailing_slash=True)
router.register("wms/inbound-shipments", views.InboundShipmentViewSet, basename="wms-inbound")
router.register("wms/tasks", views.TaskViewSet, basename="wms-task")
router.register("wms/waves", views.WaveViewSet, basename="wms-wave")
router.register("wms/pick-lists", views.PickListViewSet, basename="wms-pick-list")
router.register("wms/counts", views.CycleCountViewSet, basename="wms-count")

urlpatterns = [
    path("wms/scan/", views.ScanLookupApi.as_view(), name="wms-scan"),
    path("wms/inbound/", views.InboundCreateApi.as_view(), name="wms-inbound-create"),
    path("wms/inbound/<int:pk>/receive/", views.InboundReceiveApi.as_view(), name="wms-receive"),
    path("wms/inbound/<int:pk>/close/", views.InboundCloseApi.as_view(), name="wms-inbound-close"),
    path("wms/putaway/<int:pk>/confirm/", views.PutawayConfirmApi.as_view(), name="wms-putaway"),
    path("wms/moves/", views.MoveApi.as_view(), name="wms-move"),
    path("wms/bins/block/", views.BinBlockApi.as_view(), name="wms-bin-block"),
    path("wms/waves/create/", views.WaveCreateApi.as_view(), name="wms-wave-create"),
    path("wms/waves/<int:pk>/release/", views.WaveReleaseApi.as_view(), name="wms-wave-release"),
    path("wms/pick-lists/<int:pk>/next/", views.PickListNextApi.as_view(), name="wms-pick-next"),
    path("wms/picks/<int:pk>/scan-bin/", views.PickScanBinApi.as_view(), name="wms-pick-bin"),
    path("wms/picks/<int:pk>/scan-item/", views.PickScanItemApi.as_view(), name="wms-pick-item"),
    path("wms/picks/<int:pk>/confirm/", views.PickConfirmApi.as_view(), name="wms-pick-confirm"),
    path("wms/picks/<int:pk>/short/", views.PickShortApi.as_view(), name="wms-pick-short"),
    path("wms/pack/start/", views.PackStartApi.as_view(), name="wms-pack-start"),
    path("wms/packages/<int:pk>/scan-item/", views.PackScanItemApi.as_view(), name="wms-pack-item"),
    path("wms/packages/<int:pk>/box/", views.PackBoxApi.as_view(), name="wms-pack-box"),
    path("wms/packages/<int:pk>/weight/", views.PackWeightApi.as_view(), name="wms-pack-weight"),
    path(
        "wms/packages/<int:pk>/weight-override/",
        views.PackWeightOverrideApi.as_view(),
        name="wms-pack-weight-override",
    ),
    path("wms/packages/<int:pk>/close/", views.PackCloseApi.as_view(), name="wms-pack-close"),
    path("wms/packages/<int:pk>/ship/", views.ShipConfirmApi.as_view(), name="wms-ship"),
    path("wms/counts/request/", views.CountRequestApi.as_view(), name="wms-count-request"),
    path("wms/counts/schedule/", views.CountScheduleApi.as_view(), name="wms-count-schedule"),
    path("wms/counts/<int:pk>/submit/", views.CountSubmitApi.as_view(), name="wms-count-submit"),
    path("wms/counts/<int:pk>/approve/", views.CountApproveApi.as_view(), name="wms-count-approve"),
    path(
        "wms/replenishment/<int:pk>/confirm/",
        views.ReplenishConfirmApi.as_view(),
        name="wms-replenish",
    ),
    path("wms/tasks/<int:pk>/start/", views.TaskStartApi.as_view(), name="wms-task-start"),
    path("wms/labour/", views.LabourApi.as_view(), name="wms-labour"),
    path("wms/count-accuracy/", views.CountAccuracyApi.as_view(), name="wms-count-accuracy"),
    *router.urls,
]
