from django.apps import AppConfig


class DashboardConfig(AppConfig):
    """The screens shell: role homes and menus, the ops dashboard and the exceptions queue."""

    default_auto_field = "django.db.models.BigAutoField"
    name = "dashboard"
