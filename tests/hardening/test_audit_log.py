"""The audit log: written by audit_record and by role changes, readable by ops admins only."""

import pytest
from django.contrib.auth.models import Group
from django.urls import reverse

from audit.choices import AuditAction
from audit.models import AuditEntry
from audit.services import audit_record, roles_setup, user_roles_set
from common import roles
from common.exceptions import InvalidInput
from common.types import Actor
from tests.factories.accounts import UserFactory

pytestmark = pytest.mark.django_db


def test_audit_record_writes_one_row_with_actor_and_object():
    # given a user acting
    user = UserFactory(username="ana")
    # when a sensitive action is recorded
    entry = audit_record(
        action=AuditAction.ORDER_CANCEL,
        actor=Actor.for_user(user),
        object_type="order",
        object_id="SO-1001",
        summary="cancelled: customer request",
        data={"lines": [1, 2]},
    )
    # then exactly that row exists
    row = AuditEntry.objects.get()
    assert row.pk == entry.pk
    assert (row.action, row.actor_kind, row.actor_label, row.actor_user_id) == (
        "order_cancel",
        "user",
        "ana",
        user.pk,
    )
    assert (row.object_type, row.object_id, row.data) == ("order", "SO-1001", {"lines": [1, 2]})


def test_audit_record_refuses_an_unknown_action_and_writes_nothing():
    with pytest.raises(InvalidInput) as exc:
        audit_record(
            action="launch_missiles",
            actor=Actor.system(),
            object_type="x",
            object_id=1,
            summary="?",
        )
    assert exc.value.code == "invalid_audit_action"
    assert AuditEntry.objects.count() == 0


def test_user_roles_set_changes_groups_and_records_the_change():
    # given a customer-service user and an ops admin acting
    admin = UserFactory(username="boss", roles=[roles.OPS_ADMIN])
    user = UserFactory(username="cs1", roles=[roles.CUSTOMER_SERVICE])
    # when the admin makes them a warehouse supervisor
    result = user_roles_set(
        user_id=user.pk, role_names=[roles.WAREHOUSE_SUPERVISOR], actor=Actor.for_user(admin)
    )
    # then the groups changed and one audit row says from what to what
    assert result == [roles.WAREHOUSE_SUPERVISOR]
    assert list(user.groups.values_list("name", flat=True)) == [roles.WAREHOUSE_SUPERVISOR]
    row = AuditEntry.objects.get(action=AuditAction.ROLE_CHANGE)
    assert row.data == {
        "username": "cs1",
        "before": [roles.CUSTOMER_SERVICE],
        "after": [roles.WAREHOUSE_SUPERVISOR],
    }
    assert row.actor_user_id == admin.pk


def test_user_roles_set_refuses_unknown_roles_and_changes_nothing():
    user = UserFactory(username="cs2", roles=[roles.CUSTOMER_SERVICE])
    with pytest.raises(InvalidInput):
        user_roles_set(user_id=user.pk, role_names=["god"], actor=Actor.system())
    assert list(user.groups.values_list("name", flat=True)) == [roles.CUSTOMER_SERVICE]
    assert AuditEntry.objects.count() == 0


def test_role_change_in_the_admin_is_audited(client):
    # given an ops admin (staff) signed in to the admin and a plain user
    roles_setup()
    admin_user = UserFactory(username="opsadmin", is_staff=True, roles=[roles.OPS_ADMIN])
    target = UserFactory(username="picker1")
    client.force_login(admin_user)
    url = reverse("admin:auth_user_change", args=[target.pk])
    form = client.get(url).context["adminform"].form
    data = {k: v for k, v in form.initial.items() if v is not None and k != "password"}
    data.update(
        {
            "username": "picker1",
            "groups": [Group.objects.get(name=roles.WAREHOUSE_OPERATOR).pk],
            "date_joined_0": target.date_joined.strftime("%Y-%m-%d"),
            "date_joined_1": target.date_joined.strftime("%H:%M:%S"),
            "is_active": "on",
        }
    )
    data.pop("user_permissions", None)
    data.pop("date_joined", None)
    data.pop("last_login", None)
    # when they give the user the warehouse operator role
    response = client.post(url, data)
    # then it saved and the change is in the audit log, attributed to them
    assert response.status_code == 302, response.context["adminform"].form.errors
    row = AuditEntry.objects.get(action=AuditAction.ROLE_CHANGE)
    assert row.data["before"] == []
    assert row.data["after"] == [roles.WAREHOUSE_OPERATOR]
    assert row.actor_label == "opsadmin"


@pytest.mark.parametrize(
    ("_case", "role", "superuser", "expected"),
    [
        ("ops admin reads", roles.OPS_ADMIN, False, 200),
        ("superuser reads", None, True, 200),
        ("ops manager refused", roles.OPS_MANAGER, False, 403),
        ("customer service refused", roles.CUSTOMER_SERVICE, False, 403),
        ("warehouse supervisor refused", roles.WAREHOUSE_SUPERVISOR, False, 403),
    ],
)
def test_audit_log_admin_is_readable_by_ops_admins_only(client, _case, role, superuser, expected):
    roles_setup()
    audit_record(
        action=AuditAction.TOKEN_CREATE,
        actor=Actor.system(),
        object_type="channel_token",
        object_id=1,
        summary="token created",
    )
    user = UserFactory(
        username=f"u-{_case[:10]}",
        is_staff=True,
        is_superuser=superuser,
        roles=[role] if role else [],
    )
    client.force_login(user)
    response = client.get(reverse("admin:audit_auditentry_changelist"))
    assert response.status_code == expected


def test_audit_log_cannot_be_edited_or_deleted_even_by_a_superuser(client):
    entry = audit_record(
        action=AuditAction.STOCK_ADJUST,
        actor=Actor.system(),
        object_type="bin",
        object_id="A-01",
        summary="-2",
    )
    client.force_login(UserFactory(username="root", is_staff=True, is_superuser=True))
    assert client.get(reverse("admin:audit_auditentry_add")).status_code == 403
    assert client.post(reverse("admin:audit_auditentry_delete", args=[entry.pk])).status_code == 403
    assert AuditEntry.objects.filter(pk=entry.pk).exists()


def test_setup_roles_creates_every_role_with_its_permissions():
    # when the roles are set up (twice: it is idempotent)
    roles_setup()
    counts = roles_setup()
    # then every role group exists, only ops admins may read the audit log and change users,
    # and no role may write the append-only ledger
    assert set(counts) == set(roles.ALL_ROLES)
    perms = {
        g.name: set(g.permissions.values_list("content_type__app_label", "codename"))
        for g in Group.objects.filter(name__in=roles.ALL_ROLES)
    }
    assert ("audit", "view_auditentry") in perms[roles.OPS_ADMIN]
    assert ("auth", "change_user") in perms[roles.OPS_ADMIN]
    for name in roles.ALL_ROLES:
        if name != roles.OPS_ADMIN:
            assert ("audit", "view_auditentry") not in perms[name]
            assert ("auth", "change_user") not in perms[name]
        assert not {
            c for a, c in perms[name] if c.endswith("_stockmovement") and c != "view_stockmovement"
        }
    assert ("inventory", "view_product") in perms[roles.WAREHOUSE_OPERATOR]
    assert ("inventory", "change_stocklevel") not in perms[roles.WAREHOUSE_OPERATOR]


# --- the sensitive actions, through their real entry points, each leave exactly one entry ---


def _entries(action):
    return list(AuditEntry.objects.filter(action=action))


def test_cancelling_an_order_through_the_api_is_audited_once(ops_client):
    from tests.orders import builders as b

    wh = b.warehouse("AU1")
    b.stock(b.product("AU-1"), wh, 5)
    order = b.capture(b.channel(wh), [("AU-1", 2)])

    r = ops_client.post(
        f"/api/v1/orders/{order.number}/cancel/", {"reason": "customer asked"}, format="json"
    )

    assert r.status_code == 200, r.json()
    (entry,) = _entries(AuditAction.ORDER_CANCEL)
    assert (entry.actor_kind, entry.actor_label) == ("user", ops_client.user.username)
    assert (entry.object_type, entry.object_id) == ("order", order.number)
    assert "customer asked" in entry.summary


def test_releasing_a_hold_through_the_api_is_audited_once(ops_client):
    from tests.orders import builders as b

    wh = b.warehouse("AU2")
    b.stock(b.product("AU-2"), wh, 5)
    order = b.capture(b.channel(wh), [("AU-2", 1)])
    hold = ops_client.post(
        f"/api/v1/orders/{order.number}/holds/",
        {"kind": "manual", "reason": "call the customer"},
        format="json",
    ).json()

    r = ops_client.post(
        f"/api/v1/orders/{order.number}/holds/{hold['id']}/release/",
        {"note": "customer confirmed"},
        format="json",
    )

    assert r.status_code == 200, r.json()
    (entry,) = _entries(AuditAction.HOLD_RELEASE)
    assert entry.actor_label == ops_client.user.username
    assert entry.data["hold_id"] == hold["id"]
    assert entry.data["note"] == "customer confirmed"


def test_a_stock_adjustment_is_audited_with_its_delta_and_a_refused_one_is_not():
    from inventory.exceptions import InsufficientStock
    from inventory.services import stock_adjust
    from tests.factories.inventory import ProductFactory
    from tests.factories.warehouse import BinFactory
    from tests.scenarios import stocked

    tee = ProductFactory(sku="AU-TEE")
    bin_ = BinFactory(code="AU-01")
    stocked(tee, bin_, 10)
    supervisor = Actor(kind="user", label="sup", user_id=None)

    stock_adjust(product_id=tee.pk, bin=bin_, delta=-3, actor=supervisor, note="found damaged")
    stock_adjust(product_id=tee.pk, bin=bin_, delta=2, actor=supervisor)
    with pytest.raises(InsufficientStock):
        stock_adjust(product_id=tee.pk, bin=bin_, delta=-50, actor=supervisor)

    entries = sorted(_entries(AuditAction.STOCK_ADJUST), key=lambda e: e.pk)
    assert [(e.data["delta"], e.data["bin"], e.actor_label) for e in entries] == [
        (-3, "AU-01", "sup"),
        (2, "AU-01", "sup"),
    ]
