"""Audit writes and role setup.

`audit_record` is a LEAF service: it imports nothing from the other apps, so every app
(inventory, orders, warehouse, shipping, channels_sync) may call it inside its own transaction:

    from audit.services import audit_record
    audit_record(action=AuditAction.ORDER_CANCEL, actor=actor, object_type="order",
                 object_id=order.number, summary="cancelled by customer request", data={...})
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.apps import apps
from django.contrib.auth.models import Group, Permission
from django.db import transaction

from audit.choices import AuditAction
from audit.models import AuditEntry
from common import roles
from common.exceptions import InvalidInput
from common.types import Actor


def audit_record(
    *,
    action: str,
    actor: Actor,
    object_type: str,
    object_id: str | int,
    summary: str,
    data: dict[str, Any] | None = None,
) -> AuditEntry:
    """Append one audit row. Call it inside the transaction of the action it records, so the
    row exists exactly when the action committed. Raises InvalidInput for an unknown action."""
    if action not in AuditAction.values:
        raise InvalidInput(f"Unknown audit action {action!r}.", code="invalid_audit_action")
    return AuditEntry.objects.create(
        action=action,
        actor_kind=actor.kind,
        actor_label=actor.label[:150],
        actor_user_id=actor.user_id,
        actor_channel_id=actor.channel_id,
        object_type=object_type[:64],
        object_id=str(object_id)[:64],
        summary=summary[:300],
        data=data or {},
    )


# --- roles -------------------------------------------------------------------------------
# Model permissions per role, as (app_label, model_name or "*", actions). Models that do not
# exist (yet) are skipped. The page and API rules live in common/api/permissions.py and the
# views; these group permissions drive the Django admin.
VIEW = ("view",)
VIEW_CHANGE = ("view", "change")
WRITE = ("view", "add", "change")
ALL = ("view", "add", "change", "delete")

ROLE_PERMISSIONS: dict[str, list[tuple[str, str, tuple[str, ...]]]] = {
    roles.OPS_ADMIN: [
        ("inventory", "*", ALL),
        ("orders", "*", ALL),
        ("warehouse", "*", ALL),
        ("shipping", "*", ALL),
        ("channels_sync", "*", ALL),
        ("auth", "user", ALL),
        ("auth", "group", VIEW_CHANGE),
        ("audit", "auditentry", VIEW),
    ],
    roles.OPS_MANAGER: [
        ("inventory", "*", WRITE),
        ("orders", "*", WRITE),
        ("warehouse", "*", WRITE),
        ("shipping", "*", WRITE),
        ("channels_sync", "*", WRITE),
    ],
    roles.CUSTOMER_SERVICE: [
        ("orders", "*", VIEW_CHANGE),
        ("shipping", "*", VIEW),
        ("inventory", "product", VIEW),
        ("inventory", "barcode", VIEW),
    ],
    roles.WAREHOUSE_SUPERVISOR: [
        ("warehouse", "*", WRITE),
        ("inventory", "*", VIEW),
        ("shipping", "*", VIEW),
    ],
    roles.WAREHOUSE_OPERATOR: [
        ("warehouse", "*", VIEW),
        ("inventory", "product", VIEW),
        ("inventory", "barcode", VIEW),
        ("inventory", "stocklevel", VIEW),
    ],
}
# Never granted through a role, whatever the wildcard says: the ledger is append-only.
FORBIDDEN_CODENAMES = frozenset(
    {"add_stockmovement", "change_stockmovement", "delete_stockmovement"}
)


def _permissions_for(
    spec: Iterable[tuple[str, str, tuple[str, ...]]], *, using: str = "default"
) -> list[Permission]:
    wanted: set[tuple[str, str]] = set()
    for app_label, model_name, actions in spec:
        try:
            config = apps.get_app_config(app_label)
        except LookupError:
            continue
        models = (
            list(config.get_models())
            if model_name == "*"
            else [m for m in config.get_models() if m._meta.model_name == model_name]
        )
        for model in models:
            for action in actions:
                codename = f"{action}_{model._meta.model_name}"
                if codename not in FORBIDDEN_CODENAMES:
                    wanted.add((app_label, codename))
    perms = (
        Permission.objects.using(using)
        .filter(
            content_type__app_label__in={a for a, _ in wanted},
            codename__in={c for _, c in wanted},
        )
        .select_related("content_type")
    )
    return [p for p in perms if (p.content_type.app_label, p.codename) in wanted]


def roles_setup(*, using: str = "default") -> dict[str, int]:
    """Create the role groups of common/roles.py and set their model permissions exactly to
    ROLE_PERMISSIONS (idempotent). Runs after every `migrate` (audit/apps.py), so new models'
    permissions reach the roles without a manual step. Returns perms per role."""
    from django.contrib.auth.management import create_permissions

    with transaction.atomic(using=using):
        for config in apps.get_app_configs():  # permissions exist before auth's post_migrate
            create_permissions(config, verbosity=0, using=using)
        result = {}
        for name in roles.ALL_ROLES:
            group, _ = Group.objects.using(using).get_or_create(name=name)
            perms = _permissions_for(ROLE_PERMISSIONS.get(name, []), using=using)
            group.permissions.set(perms)
            result[name] = len(perms)
    return result


@transaction.atomic
def user_roles_set(*, user_id: int, role_names: Iterable[str], actor: Actor) -> list[str]:
    """Give a user exactly these roles and record the change in the audit log.

    Raises InvalidInput for a name that is not a role. Returns the new sorted role names.
    """
    from django.contrib.auth import get_user_model

    names = sorted(set(role_names))
    unknown = [n for n in names if n not in roles.ALL_ROLES]
    if unknown:
        raise InvalidInput(f"Unknown role(s): {', '.join(unknown)}.", code="unknown_role")
    user = get_user_model().objects.get(pk=user_id)
    before = sorted(user.groups.filter(name__in=roles.ALL_ROLES).values_list("name", flat=True))
    if before == names:
        return names
    groups = [Group.objects.get_or_create(name=n)[0] for n in names]
    user.groups.remove(*Group.objects.filter(name__in=roles.ALL_ROLES))
    user.groups.add(*groups)
    role_change_record(user=user, before=before, after=names, actor=actor)
    return names


def role_change_record(*, user: Any, before: list[str], after: list[str], actor: Actor) -> None:
    """Write the audit row for a change of a user's roles (no-op when nothing changed)."""
    if sorted(before) == sorted(after):
        return
    audit_record(
        action=AuditAction.ROLE_CHANGE,
        actor=actor,
        object_type="user",
        object_id=user.pk,
        summary=f"roles of {user.get_username()}: {before or '—'} → {after or '—'}",
        data={"username": user.get_username(), "before": sorted(before), "after": sorted(after)},
    )
