"""Roles and their permissions are in place after `migrate`, on any database, without running
setup_roles by hand; migrating again changes nothing. Issue 10, item 3."""

import os
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest
from django.contrib.auth.models import Group
from django.core.management import call_command
from django.test import Client

from common import roles
from tests.factories.accounts import UserFactory

ROOT = Path(__file__).resolve().parents[2]


def _permission_counts() -> dict[str, int]:
    return {g.name: g.permissions.count() for g in Group.objects.filter(name__in=roles.ALL_ROLES)}


@pytest.mark.django_db(transaction=True)
def test_migrate_gives_ops_roles_their_admin_permissions_and_is_idempotent():
    # given: a database whose role groups are gone (as on a fresh install before any setup)
    Group.objects.all().delete()

    # when
    call_command("migrate", verbosity=0, interactive=False)

    # then: every role exists with permissions, and ops can work the order and stock admin
    first = _permission_counts()
    assert set(first) == set(roles.ALL_ROLES)
    assert all(first[name] > 0 for name in roles.ALL_ROLES)
    for role, username in ((roles.OPS_MANAGER, "ops"), (roles.OPS_ADMIN, "opsadmin")):
        client = Client()
        client.force_login(UserFactory(username=username, roles=[role], is_staff=True))
        for url in (
            "/admin/orders/order/",
            "/admin/inventory/product/",
            "/admin/inventory/product/add/",
            "/admin/inventory/stocklevel/",
        ):
            assert client.get(url).status_code == 200, (username, url)

    # when migrated again: nothing changes
    call_command("migrate", verbosity=0, interactive=False)
    assert _permission_counts() == first


@pytest.mark.slow
def test_fresh_sqlite_database_has_roles_after_manage_py_migrate(tmp_path):
    """The path `make run` takes: manage.py migrate on an empty SQLite file, twice."""
    db = tmp_path / "fresh.sqlite3"
    env = {
        k: v
        for k, v in os.environ.items()
        if k not in {"DATABASE_URL", "REDIS_URL", "DJANGO_SETTINGS_MODULE"}
    }
    env.update(SQLITE_PATH=str(db), DJANGO_SETTINGS_MODULE="config.settings.base")

    def migrate():
        subprocess.run(
            [sys.executable, "manage.py", "migrate", "--noinput", "-v", "0"],
            cwd=ROOT,
            env=env,
            check=True,
            capture_output=True,
            timeout=300,
        )
        with sqlite3.connect(db) as conn:
            return dict(
                conn.execute(
                    "SELECT g.name, COUNT(gp.id) FROM auth_group g "
                    "LEFT JOIN auth_group_permissions gp ON gp.group_id = g.id GROUP BY g.name"
                ).fetchall()
            )

    first = migrate()
    assert set(first) >= set(roles.ALL_ROLES)
    assert all(first[name] > 0 for name in roles.ALL_ROLES)
    assert migrate() == first
