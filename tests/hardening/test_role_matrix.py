"""The role matrix: every URL pattern × every role, allowed or refused as the table says.

Every non-admin URL pattern of the project is enumerated from the resolver (so new pages and
endpoints are visited automatically), its path parameters filled with values that match no
object, and requested (GET, and POST where the view takes it) as each of:
anonymous, ops admin, ops manager, customer service, warehouse operator, warehouse supervisor,
and a channel API token.

* refused  = 401/403, or a redirect to the sign-in page
* allowed  = anything else below 500 (200, 400 for an empty body, 404 for the made-up id, 405…)
* no request, whoever makes it, may produce a 5xx.

The table is by URL prefix (first match wins); a pattern no rule names falls under the default
rules at the bottom, which still demand that anonymous callers are refused. The admin is
checked separately: each model's changelist is open exactly to the roles whose group holds the
model's view permission (audit/services.py ROLE_PERMISSIONS), and the audit log to ops admins.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

import pytest
from django.contrib import admin
from django.contrib.auth.models import Permission
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from audit.services import roles_setup
from common import roles
from tests.factories.accounts import UserFactory
from tests.factories.channels_sync import ChannelFactory, channel_token

pytestmark = pytest.mark.django_db

ANON = "anonymous"
CHANNEL = "channel_token"
ADMIN, MANAGER, CS = roles.OPS_ADMIN, roles.OPS_MANAGER, roles.CUSTOMER_SERVICE
OPERATOR, SUPERVISOR = roles.WAREHOUSE_OPERATOR, roles.WAREHOUSE_SUPERVISOR
CALLERS = [ANON, ADMIN, MANAGER, CS, OPERATOR, SUPERVISOR, CHANNEL]

STAFF = frozenset({ADMIN, MANAGER, CS, OPERATOR, SUPERVISOR})
OPS = frozenset({ADMIN, MANAGER})
CUSTOMER_DATA = OPS | {CS}
WAREHOUSE = OPS | {OPERATOR, SUPERVISOR}
SUPERVISION = OPS | {SUPERVISOR}
EVERYONE = frozenset(CALLERS)
NOBODY: frozenset[str] = frozenset()
ANY_SIGNED_IN = EVERYONE - {ANON}  # default: only "anonymous is refused" is asserted


@dataclass(frozen=True)
class Rule:
    pattern: str  # regex on the path without the leading slash
    allowed: frozenset[str]
    method: str | None = None  # None: every method
    strict: bool = True  # False: only the refusal of callers outside `allowed` is asserted
    signed: bool = False  # authenticated by a signature: without one, nobody gets a 2xx/3xx
    why: str = ""


RULES: list[Rule] = [
    # public
    Rule(r"^(healthz|accounts/login/|accounts/logout/)$", EVERYONE, why="sign-in, health"),
    Rule(r"^api/(schema|docs)/$", EVERYONE, why="API documentation is public"),
    # webhooks: the HMAC signature is the authentication; without one, everyone is refused
    Rule(r"^api/v1/(channel|carrier)-webhooks/", NOBODY, signed=True, why="signed webhooks"),
    # REST API
    Rule(r"^api/v1/(channels|outbox-messages)/", OPS, why="sync health, outbox retry: ops"),
    Rule(r"^api/v1/(products|stock)/", STAFF, why="catalog and stock reads: staff"),
    Rule(r"^api/v1/manifests/", WAREHOUSE, why="end-of-day manifests: floor and ops"),
    Rule(r"^api/v1/shipments/", WAREHOUSE, method="POST", why="label/ship/void: floor and ops"),
    Rule(r"^api/v1/(shipments|carriers|shipping)/", STAFF, why="shipment reads, rate quotes"),
    Rule(r"^api/v1/orders/.*/holds/", OPS, why="placing and releasing holds: ops"),
    Rule(
        r"^api/v1/(orders|returns)/",
        CUSTOMER_DATA | {CHANNEL},
        method="GET",
        why="orders carry customer data: ops, CS, and the channel (its own orders only)",
    ),
    Rule(r"^api/v1/returns/.*/(receive|disposition)/", WAREHOUSE, why="returns at the dock"),
    Rule(r"^api/v1/(orders|returns)/", CUSTOMER_DATA | {CHANNEL}, why="capture, cancel, edit"),
    Rule(r"^api/v1/(ats|reservations)/", OPS | {CHANNEL}, why="ATS and cart holds: channels"),
    Rule(r"^api/v1/fulfillment-requests/.*/move/", OPS, why="re-routing: ops"),
    Rule(
        r"^api/v1/wms/(counts/schedule/|counts/.*/approve/|labour/|count-accuracy/)",
        SUPERVISION,
        why="count scheduling/approval and floor KPIs: supervisors and ops",
    ),
    Rule(
        r"^api/v1/wms/packages/.*/weight-override/",
        SUPERVISION,
        why="overriding an out-of-tolerance weight: supervisors and ops",
    ),
    Rule(r"^api/v1/(fulfillment-requests|wms)/", WAREHOUSE, why="WMS: floor and ops"),
    Rule(r"^api/v1/", ANY_SIGNED_IN, strict=False, why="default: every API call authenticated"),
    # HTML screens (common/access.py)
    Rule(r"^dashboard/", OPS, why="ops dashboard"),
    Rule(r"^orders/.*/lines/", OPS, why="resolving unknown SKUs on the order page: ops"),
    Rule(r"^orders/", CUSTOMER_DATA, why="customer-service lookup: customer data"),
    Rule(r"^warehouse/(labels|waves)", SUPERVISION, why="labels, wave creation: supervisors+ops"),
    Rule(
        r"^warehouse/waves/", SUPERVISION, why="planning and releasing waves: supervisors and ops"
    ),
    Rule(r"^warehouse/", WAREHOUSE, why="scanner screens: floor and ops"),
    Rule(r"^channels/", OPS, why="channel sync screens: ops"),
    Rule(r"^$", STAFF, strict=False, why="home: any signed-in role"),
    Rule(r"", STAFF, strict=False, why="default: every screen needs a signed-in role"),
]

FILLERS = {"int": "987654", "slug": "zz-none", "str": "ZZ-NONE-1", "uuid": "0" * 32, "path": "zz"}


def _walk(patterns, prefix=""):  # type: ignore[no-untyped-def]
    for p in patterns:
        if isinstance(p, URLResolver):
            yield from _walk(p.url_patterns, prefix + str(p.pattern))
        elif isinstance(p, URLPattern):
            yield prefix + str(p.pattern), p


def _concrete(route: str) -> str | None:
    """Turn a route or regex into a concrete path with made-up parameter values."""
    if "(?P<format>" in route or "<drf_format_suffix" in route:
        return None  # DRF's .json/.api suffix twins of other patterns
    route = re.sub(r"\(\?P<\w+>[^)]*\)", "987654", route)
    route = re.sub(r"<(?:(\w+):)?\w+>", lambda m: FILLERS.get(m.group(1) or "str", "zz"), route)
    return route.replace("^", "").replace("$", "").replace("\\", "")


def _methods(pattern: URLPattern) -> list[str]:
    cb = pattern.callback
    actions = getattr(cb, "actions", None)
    if actions:
        methods = {m.upper() for m in actions}
    elif hasattr(cb, "view_class"):
        cls = cb.view_class
        methods = {m.upper() for m in ("get", "post") if hasattr(cls, m)}
    else:
        methods = {"GET"}
    return [m for m in ("GET", "POST") if m in methods] or ["GET"]


def _targets() -> list[tuple[str, str]]:
    seen, out = set(), []
    for route, pattern in _walk(get_resolver().url_patterns):
        if route.startswith("admin/") or route == "accounts/logout/":
            continue  # the admin has its own test; logging out would end the caller's session
        path = _concrete(route)
        if path is None:
            continue
        for method in _methods(pattern):
            if (path, method) not in seen:
                seen.add((path, method))
                out.append((path, method))
    return out


def _rule_for(path: str, method: str) -> Rule:
    for rule in RULES:
        if (rule.method in (None, method)) and re.search(rule.pattern, path):
            return rule
    raise AssertionError(f"no rule for {path}")  # unreachable: the last rule matches all


def _client_for(caller: str) -> Client:
    client = Client(raise_request_exception=False)
    if caller == CHANNEL:
        key = channel_token(ChannelFactory(code="matrix-shop"))
        client.defaults["HTTP_AUTHORIZATION"] = f"Token {key}"
    elif caller != ANON:
        client.force_login(UserFactory(username=f"matrix-{caller}", is_staff=True, roles=[caller]))
    return client


def _verdict(response) -> str:  # type: ignore[no-untyped-def]
    if response.status_code >= 500:
        return "error"
    if response.status_code in (401, 403):
        return "refused"
    if response.status_code in (301, 302) and "/accounts/login/" in response.get("Location", ""):
        return "refused"
    return "allowed"


@pytest.mark.parametrize("caller", CALLERS)
def test_every_url_allows_or_refuses_each_role_as_the_matrix_says(caller):
    # given a caller of this role, and every URL of the project
    client = _client_for(caller)
    targets = _targets()
    assert len(targets) > 10
    wrong = []
    # when the caller requests each one
    for path, method in targets:
        url = "/" + path
        if method == "GET":
            response = client.get(url)
        else:
            response = client.post(url, data={}, content_type="application/json")
        verdict = _verdict(response)
        rule = _rule_for(path, method)
        # then the verdict is the table's (and never a server error)
        expected = "allowed" if caller in rule.allowed else "refused"
        if rule.signed:  # unsigned: refused (401/403), or 404 for an unknown channel/carrier
            verdict = "refused" if 400 <= response.status_code < 500 else verdict
        if verdict == "error" or (verdict != expected and (rule.strict or expected == "refused")):
            wrong.append(
                f"{method} {url}: {caller} got {response.status_code} ({verdict}), "
                f"matrix says {expected} [{rule.why}]"
            )
    print("\n".join(wrong))  # the whole list, when it fails
    assert wrong == []


def test_matrix_covers_every_role_the_project_defines():
    assert set(roles.ALL_ROLES) <= set(CALLERS)


@pytest.mark.parametrize("caller", [ADMIN, MANAGER, CS, OPERATOR, SUPERVISOR])
def test_admin_changelists_follow_the_role_permissions(caller):
    # given the role groups with their permissions and a staff user of this role
    roles_setup()
    client = _client_for(caller)
    granted = set(
        Permission.objects.filter(group__name=caller).values_list(
            "content_type__app_label", "codename"
        )
    )
    wrong = []
    # when they open each model's changelist in the admin
    for model in admin.site._registry:
        label, name = model._meta.app_label, model._meta.model_name
        url = reverse(f"admin:{label}_{name}_changelist")
        status = client.get(url).status_code
        # then it opens exactly when their role may view (or change) that model
        may = (label, f"view_{name}") in granted or (label, f"change_{name}") in granted
        if (status == 200) != may or status >= 500:
            wrong.append(f"{caller} {url}: {status}, role may view: {may}")
    assert wrong == []
