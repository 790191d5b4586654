"""Warehouse work: every job (putaway, pick, pack, move, count, replenish) is a Task."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q

from common.models import TimeStampedModel
from warehouse.choices import TaskKind
from warehouse.states import TaskStatus


class Task(TimeStampedModel):
    """One job for one person: who, when it started and ended, and how many units it moved.

    `to_bin` is the suggested destination (putaway, replenish); `done_bin` where it really went.
    `document_type`/`document_ref` point at what the task serves (inbound line, pick list …).
    """

    warehouse = models.ForeignKey(
        "warehouse.Warehouse", on_delete=models.PROTECT, related_name="tasks"
    )
    kind = models.CharField(max_length=10, choices=TaskKind.choices)
    status = models.CharField(max_length=12, choices=TaskStatus.choices, default=TaskStatus.OPEN)
    priority = models.IntegerField(default=0, help_text="Higher first")
    assignee = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    product = models.ForeignKey(
        "inventory.Product", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    lot = models.CharField(max_length=40, blank=True, default="")
    from_bin = models.ForeignKey(
        "warehouse.Bin", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    to_bin = models.ForeignKey(
        "warehouse.Bin", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    done_bin = models.ForeignKey(
        "warehouse.Bin", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    quantity = models.PositiveIntegerField(default=0)
    quantity_done = models.PositiveIntegerField(default=0)
    document_type = models.CharField(max_length=40, blank=True)
    document_ref = models.CharField(max_length=64, blank=True)
    note = models.CharField(max_length=255, blank=True)

    class Meta:
        ordering = ["-priority", "id"]
        constraints = [
            models.CheckConstraint(condition=Q(status__in=TaskStatus.values), name="task_status"),
            models.CheckConstraint(condition=Q(kind__in=TaskKind.values), name="task_kind"),
        ]
        indexes = [
            models.Index(fields=["warehouse", "kind", "status"]),
            models.Index(fields=["document_type", "document_ref"]),
            models.Index(fields=["assignee", "finished_at"]),
        ]

    def __str__(self) -> str:
        return f"{self.kind}#{self.pk}"


class ScanRecord(models.Model):
    """A processed scan request, keyed by the client's scan id, so a retry changes nothing twice."""

    scan_id = models.CharField(max_length=64, unique=True)
    action = models.CharField(max_length=40)
    fingerprint = models.CharField(max_length=64)
    response = models.JSONField(default=dict)
    created_at = models.DateTimeField(auto_now_add=True)

    def __str__(self) -> str:
        return self.scan_id
