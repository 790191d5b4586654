"""DRF permission classes by role."""

from __future__ import annotations

from rest_framework.permissions import BasePermission

from common import roles


class HasRole(BasePermission):
    """Allow users holding one of `allowed_roles`; channel API clients pass if `allow_channels`."""

    allowed_roles: frozenset[str] = frozenset()
    allow_channels = False

    def has_permission(self, request, view) -> bool:  # type: ignore[no-untyped-def]
        if getattr(request.user, "channel", None) is not None:
            return self.allow_channels
        return roles.has_role(request.user, *self.allowed_roles)


def role_permission(*allowed: str, channels: bool = False) -> type[HasRole]:
    """Build a permission class for the given roles (and optionally channel tokens)."""
    return type(
        "HasRole_" + "_".join(allowed or ("none",)),
        (HasRole,),
        {"allowed_roles": frozenset(allowed), "allow_channels": channels},
    )


IsOps = role_permission(roles.OPS_ADMIN, roles.OPS_MANAGER)
IsOpsOrChannel = role_permission(roles.OPS_ADMIN, roles.OPS_MANAGER, channels=True)
IsCustomerDataRole = role_permission(*roles.CUSTOMER_DATA_ROLES, channels=True)
IsWarehouseRole = role_permission(
    roles.WAREHOUSE_OPERATOR, roles.WAREHOUSE_SUPERVISOR, roles.OPS_ADMIN, roles.OPS_MANAGER
)
IsAnyStaffRole = role_permission(*roles.ALL_ROLES)
