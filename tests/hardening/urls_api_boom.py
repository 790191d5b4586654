"""The project's URLs plus one API view that crashes, to prove 500s under /api/ are JSON."""

from django.urls import path
from rest_framework.decorators import api_view, permission_classes
from rest_framework.permissions import AllowAny

from config.urls import urlpatterns as project_urlpatterns


@api_view(["GET"])
@permission_classes([AllowAny])
def boom(request):  # type: ignore[no-untyped-def]
    raise RuntimeError("a bug in a view")


def plain_boom(request):  # type: ignore[no-untyped-def]
    raise RuntimeError("a bug in a plain Django view")


urlpatterns = [
    path("api/v1/_boom/", boom),
    path("api/v1/_plain-boom/", plain_boom),
    *project_urlpatterns,
]
handler404 = "audit.views.not_found"
handler500 = "audit.views.server_error"
