"""The Celery application.

Without REDIS_URL (the embedded default) tasks run in-process (eager); with it, a real
broker and workers are used. Delivery is at-least-once: late acks, reject on worker loss,
so every task must be idempotent.
"""

import os

from celery import Celery

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.base")

app = Celery("fulfillment")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()
