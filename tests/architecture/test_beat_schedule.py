"""Every periodic job that beat schedules names a task a worker actually has."""

from django.conf import settings

from config.celery import app


def test_every_beat_entry_names_a_registered_task():
    app.loader.import_default_modules()
    registered = set(app.tasks)
    scheduled = {entry["task"] for entry in settings.CELERY_BEAT_SCHEDULE.values()}
    assert scheduled - registered == set()
    # the WMS periodic jobs are among them
    assert {
        "warehouse.tasks.cycle_counts_schedule_all",
        "warehouse.tasks.replenishment_run_all",
    } <= scheduled
