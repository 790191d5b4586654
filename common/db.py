"""Small database helpers shared by apps."""

from django.conf import settings
from django.db import connection


def is_postgres() -> bool:
    return connection.vendor == "postgresql"


def supports_skip_locked() -> bool:
    return connection.features.has_select_for_update_skip_locked and settings.IS_POSTGRES
