"""The kinds of sensitive action the audit log records (constants only: a leaf module)."""

from django.db import models


class AuditAction(models.TextChoices):
    STOCK_ADJUST = "stock_adjust", "Stock adjustment"
    HOLD_RELEASE = "hold_release", "Hold released"
    ORDER_CANCEL = "order_cancel", "Order cancelled"
    ROLE_CHANGE = "role_change", "Role change"
    TOKEN_CREATE = "token_create", "API token created"
    TOKEN_REVOKE = "token_revoke", "API token revoked"
    LOGIN_THROTTLED = "login_throttled", "Sign-in throttled"
    OTHER = "other", "Other sensitive action"
