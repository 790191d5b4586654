"""Check the system-wide consistency conditions; exit non-zero naming every broken row."""

from django.core.management.base import BaseCommand, CommandError

from audit.consistency import consistency_check


class Command(BaseCommand):
    help = (
        "Check, in SQL, stock == Σ ledger, committed == Σ open reservations, shipped <= picked "
        "<= ordered, shipped orders fully shipped, outbox messages sent/pending/dead."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--strict", action="store_true", help="fail when a condition had to be skipped"
        )

    def handle(self, *args, **options):
        report = consistency_check()
        for name in report.checked:
            self.stdout.write(f"checked  {name}")
        for name, reason in report.skipped:
            self.stdout.write(self.style.WARNING(f"SKIPPED  {name}: {reason}"))
        for problem in report.problems:
            self.stderr.write(str(problem))
        if report.problems:
            n = len(report.problems)
            raise CommandError(f"{n} inconsistenc{'y' if n == 1 else 'ies'} found")
        if options["strict"] and report.skipped:
            raise CommandError(f"{len(report.skipped)} condition(s) skipped (--strict)")
        self.stdout.write(
            self.style.SUCCESS(f"consistent: {len(report.checked)} condition(s) hold")
        )
