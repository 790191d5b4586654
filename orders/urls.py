"""Customer-service screens: search, order page, actions."""

from django.urls import path

from orders import views

app_name = "orders_ui"

urlpatterns = [
    path("", views.search, name="search"),
    path("<str:number>/", views.detail, name="detail"),
    path("<str:number>/cancel/", views.cancel, name="cancel"),
    path("<str:number>/address/", views.change_address, name="address"),
    path("<str:number>/hold/", views.place_hold, name="hold"),
    path("<str:number>/holds/<int:hold_id>/release/", views.release_hold, name="release_hold"),
    path("<str:number>/note/", views.add_note, name="note"),
    path("<str:number>/return/", views.start_return, name="return"),
    path("<str:number>/lines/<int:line_id>/map/", views.line_map, name="line_map"),
    path(
        "<str:number>/lines/<int:line_id>/create-product/",
        views.line_create_product,
        name="line_create_product",
    ),
    path("<str:number>/lines/<int:line_id>/cancel/", views.line_cancel, name="line_cancel"),
]
