"""Settings for the bare reference endpoint of bench_ingest.py: the project's settings with a
one-URL URLconf (bare_urls.py). Run by gunicorn with `--pythonpath bench`."""

from config.settings.base import *  # noqa: F403

ROOT_URLCONF = "bare_urls"
