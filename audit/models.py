"""The audit log: one append-only row per sensitive action (who, what, on which object, when)."""

from __future__ import annotations

from django.db import models
from django.db.models import Q
from django.utils import timezone

from audit.choices import AuditAction


class AuditEntry(models.Model):
    """A sensitive action, written in the same transaction as the action itself.

    Append-only: nothing updates or deletes these rows (the admin is read-only and readable by
    ops admins only). Objects are referenced by type and id as plain text, not by foreign key,
    so the log outlives the rows it talks about and this app depends on no other.
    """

    at = models.DateTimeField(default=timezone.now, db_index=True)
    action = models.CharField(max_length=32, choices=AuditAction.choices, db_index=True)
    actor_kind = models.CharField(max_length=16)  # user | channel | system
    actor_label = models.CharField(max_length=150)
    actor_user_id = models.BigIntegerField(null=True, blank=True, db_index=True)
    actor_channel_id = models.BigIntegerField(null=True, blank=True)
    object_type = models.CharField(max_length=64)
    object_id = models.CharField(max_length=64)
    summary = models.CharField(max_length=300)
    data = models.JSONField(default=dict, blank=True)

    class Meta:
        ordering = ["-at", "-pk"]
        verbose_name = "audit entry"
        verbose_name_plural = "audit log"
        indexes = [models.Index(fields=["object_type", "object_id"], name="audit_object_idx")]
        constraints = [
            models.CheckConstraint(
                condition=Q(action__in=AuditAction.values), name="audit_action_valid"
            ),
            models.CheckConstraint(
                condition=Q(actor_kind__in=["user", "channel", "system"]),
                name="audit_actor_kind_valid",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M:%S} {self.action} {self.object_type}:{self.object_id}"
