from django.apps import AppConfig


class ChannelsSyncConfig(AppConfig):
    name = "channels_sync"
    verbose_name = "Channels and sync"

    def ready(self) -> None:
        from channels_sync import auth  # noqa: F401  (registers the OpenAPI auth extension)
