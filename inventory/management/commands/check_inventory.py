"""Prove the stock model's invariants hold; exit non-zero naming each broken row."""

from django.core.management.base import BaseCommand, CommandError

from inventory.selectors import inventory_mismatches


class Command(BaseCommand):
    help = "Check on hand == Σ ledger per bin, balances == Σ bins, committed/reserved == Σ open reservations."

    def handle(self, *args, **options):
        problems = inventory_mismatches()
        if problems:
            for problem in problems:
                self.stderr.write(str(problem))
            raise CommandError(
                f"{len(problems)} inventory inconsistenc{'y' if len(problems) == 1 else 'ies'} found"
            )
        self.stdout.write(
            self.style.SUCCESS("inventory consistent: on hand == Σ ledger for every bin")
        )
