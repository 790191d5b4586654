"""Who may open which screen: role checks for HTML views, each role's home page and menu.

The roles are the groups named in `common.roles`. Views declare the roles they admit with
`@role_required(...)`; anonymous users go to sign-in, signed-in users without the role get 403.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from functools import wraps
from typing import TYPE_CHECKING, Any

from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.urls import NoReverseMatch, reverse

from common import roles

if TYPE_CHECKING:
    from django.http import HttpRequest, HttpResponse

OPS = frozenset(roles.OPS_ROLES)
CUSTOMER_DATA = frozenset(roles.CUSTOMER_DATA_ROLES)
# Ops may open warehouse screens too (they cover for the floor); CS may not.
WAREHOUSE = frozenset(roles.WAREHOUSE_ROLES) | OPS
SUPERVISION = frozenset({roles.WAREHOUSE_SUPERVISOR}) | OPS


def role_required(*allowed: Iterable[str] | str) -> Callable:
    """Admit users holding one of the roles; `allowed` takes role names or sets of them."""
    names: set[str] = set()
    for item in allowed:
        names.update({item} if isinstance(item, str) else item)

    def decorator(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
        @wraps(view)
        def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
            if not request.user.is_authenticated:
                return redirect_to_login(request.get_full_path())
            if not roles.has_role(request.user, *names):
                raise PermissionDenied("Your role does not give access to this page.")
            return view(request, *args, **kwargs)

        return wrapper

    return decorator


# Each role's home, in priority order for users holding several roles.
ROLE_HOMES: tuple[tuple[str, str], ...] = (
    (roles.OPS_ADMIN, "dashboard:home"),
    (roles.OPS_MANAGER, "dashboard:home"),
    (roles.CUSTOMER_SERVICE, "orders_ui:search"),
    (roles.WAREHOUSE_SUPERVISOR, "warehouse_ui:home"),
    (roles.WAREHOUSE_OPERATOR, "warehouse_ui:home"),
)


def home_url_for(user: Any) -> str | None:
    """The URL of the user's home page, or None for a user without any role."""
    held = roles.user_roles(user)
    for role, url_name in ROLE_HOMES:
        if role in held:
            try:
                return reverse(url_name)
            except NoReverseMatch:
                continue
    return None


@dataclass(frozen=True)
class MenuItem:
    label: str
    url_name: str
    roles: frozenset[str]


MENU: tuple[MenuItem, ...] = (
    MenuItem("Dashboard", "dashboard:home", OPS),
    MenuItem("Exceptions", "dashboard:exceptions", OPS),
    MenuItem("Orders", "orders_ui:search", CUSTOMER_DATA),
    MenuItem("Tasks", "warehouse_ui:home", WAREHOUSE),
    MenuItem("Receive", "warehouse_ui:receive", WAREHOUSE),
    MenuItem("Pick", "warehouse_ui:pick_start", WAREHOUSE),
    MenuItem("Pack", "warehouse_ui:pack_start", WAREHOUSE),
    MenuItem("Move", "warehouse_ui:move", WAREHOUSE),
    MenuItem("Count", "warehouse_ui:count_start", WAREHOUSE),
    MenuItem("Labels", "warehouse_ui:labels", SUPERVISION),
    MenuItem("Sync", "channels_sync_ui:health", OPS),
    MenuItem("E-mails", "notifications_ui:list", OPS),
    MenuItem("Admin", "admin:index", OPS),
)


def menu_for(user: Any, current_path: str = "") -> list[dict[str, Any]]:
    """The menu entries the user may see (entries whose page is not wired yet are left out)."""
    held = roles.user_roles(user)
    items = []
    for item in MENU:
        if not held & item.roles:
            continue
        try:
            url = reverse(item.url_name)
        except NoReverseMatch:
            continue
        active = current_path == url or (
            url != "/" and current_path.startswith(url) and len(url) > 1
        )
        items.append({"label": item.label, "url": url, "active": active})
    # Only the most specific match is marked current.
    actives = [i for i in items if i["active"]]
    if len(actives) > 1:
        longest = max(actives, key=lambda i: len(i["url"]))
        for i in actives:
            i["active"] = i is longest
    return items
