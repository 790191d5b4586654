"""Audit log admin (read-only, ops admins only) and the user admin that records role changes."""

from __future__ import annotations

from django.contrib import admin
from django.contrib.auth import get_user_model
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin

from audit.models import AuditEntry
from audit.services import role_change_record
from common import roles
from common.types import Actor


@admin.register(AuditEntry)
class AuditEntryAdmin(admin.ModelAdmin):
    list_display = ["at", "action", "actor_label", "object_type", "object_id", "summary"]
    list_filter = ["action", "actor_kind"]
    search_fields = ["object_id", "actor_label", "summary"]
    date_hierarchy = "at"
    readonly_fields = [f.name for f in AuditEntry._meta.fields]

    def _is_ops_admin(self, request) -> bool:  # type: ignore[no-untyped-def]
        return roles.has_role(request.user, roles.OPS_ADMIN)

    def has_module_permission(self, request) -> bool:  # type: ignore[no-untyped-def]
        return self._is_ops_admin(request)

    def has_view_permission(self, request, obj=None) -> bool:  # type: ignore[no-untyped-def]
        return self._is_ops_admin(request)

    def has_add_permission(self, request) -> bool:  # type: ignore[no-untyped-def]
        return False

    def has_change_permission(self, request, obj=None) -> bool:  # type: ignore[no-untyped-def]
        return False

    def has_delete_permission(self, request, obj=None) -> bool:  # type: ignore[no-untyped-def]
        return False


User = get_user_model()


def _role_names(user) -> list[str]:  # type: ignore[no-untyped-def]
    if user.pk is None:
        return []
    names = list(user.groups.values_list("name", flat=True))
    if user.is_superuser:
        names.append("superuser")
    return sorted(names)


if admin.site.is_registered(User):
    admin.site.unregister(User)


@admin.register(User)
class AuditedUserAdmin(DjangoUserAdmin):
    """Django's user admin, plus an audit row whenever a user's groups or superuser flag change."""

    def save_model(self, request, obj, form, change):  # type: ignore[no-untyped-def]
        before = _role_names(User.objects.get(pk=obj.pk)) if obj.pk else []
        request._audit_roles_before = before
        super().save_model(request, obj, form, change)

    def save_related(self, request, form, formsets, change):  # type: ignore[no-untyped-def]
        super().save_related(request, form, formsets, change)
        user = form.instance
        role_change_record(
            user=user,
            before=getattr(request, "_audit_roles_before", []),
            after=_role_names(user),
            actor=Actor.for_user(request.user),
        )
