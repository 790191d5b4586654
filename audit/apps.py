from django.apps import AppConfig
from django.db.models.signals import post_migrate


def _roles_after_migrate(sender, using="default", **kwargs):  # type: ignore[no-untyped-def]
    """Framework hook: after every `migrate` (and test-database flush) the role groups exist
    with exactly their permissions, so a fresh install needs no `setup_roles` step."""
    from audit.services import roles_setup

    roles_setup(using=using)


class AuditConfig(AppConfig):
    name = "audit"
    verbose_name = "Audit and hardening"

    def ready(self) -> None:
        # Connected for this app only: one run per migrate, after every app's permissions.
        post_migrate.connect(_roles_after_migrate, sender=self, dispatch_uid="audit.roles_setup")
