"""Roles are Django groups. This module names them and answers "does this user have one?"."""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from django.contrib.auth.models import AbstractBaseUser, AnonymousUser

OPS_ADMIN = "ops_admin"
OPS_MANAGER = "ops_manager"
CUSTOMER_SERVICE = "customer_service"
WAREHOUSE_OPERATOR = "warehouse_operator"
WAREHOUSE_SUPERVISOR = "warehouse_supervisor"

ALL_ROLES = (OPS_ADMIN, OPS_MANAGER, CUSTOMER_SERVICE, WAREHOUSE_OPERATOR, WAREHOUSE_SUPERVISOR)
OPS_ROLES = frozenset({OPS_ADMIN, OPS_MANAGER})
CUSTOMER_DATA_ROLES = frozenset({OPS_ADMIN, OPS_MANAGER, CUSTOMER_SERVICE})
WAREHOUSE_ROLES = frozenset({WAREHOUSE_OPERATOR, WAREHOUSE_SUPERVISOR})


def user_roles(user: AbstractBaseUser | AnonymousUser) -> frozenset[str]:
    """Return the role names of a user (superusers hold every role)."""
    if not getattr(user, "is_authenticated", False):
        return frozenset()
    if getattr(user, "is_superuser", False):
        return frozenset(ALL_ROLES)
    cached = getattr(user, "_role_cache", None)
    if cached is None:
        cached = frozenset(user.groups.values_list("name", flat=True))  # type: ignore[union-attr]
        user._role_cache = cached  # type: ignore[union-attr]
    return cached


def has_role(user: AbstractBaseUser | AnonymousUser, *roles: str) -> bool:
    return bool(user_roles(user) & set(roles))


def ensure_role_groups() -> None:
    """Create the role groups if missing (idempotent)."""
    from django.contrib.auth.models import Group

    for name in ALL_ROLES:
        Group.objects.get_or_create(name=name)
