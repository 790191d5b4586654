"""Create the role groups and give them their model permissions (idempotent)."""

from django.core.management.base import BaseCommand

from audit.services import roles_setup


class Command(BaseCommand):
    help = "Create the role groups of common/roles.py with their model permissions."

    def handle(self, *args, **options):
        for name, count in roles_setup().items():
            self.stdout.write(f"{name}: {count} permissions")
        self.stdout.write(self.style.SUCCESS("roles set up"))
