"""`advocato rewards --fold | --verify | --rebuild | --settle`: the worker's points jobs on
demand, and proof that the running sums agree with the ledger."""

from django.core.management.base import BaseCommand, CommandError

from advocato.rewards import services


class Command(BaseCommand):
    help = "Fold new events into the points ledger, verify or rebuild its running sums."

    def add_arguments(self, parser):
        parser.add_argument("--fold", action="store_true", help="Points from new events.")
        parser.add_argument("--verify", action="store_true", help="Sums agree with the ledger?")
        parser.add_argument(
            "--rebuild", action="store_true", help="Rebuild wallets and daily scores from it."
        )
        parser.add_argument("--settle", action="store_true", help="Settle ended challenges.")

    def handle(self, *args, fold=False, verify=False, rebuild=False, settle=False, **options):
        if not (fold or verify or rebuild or settle):
            raise CommandError("Say what to do: --fold, --verify, --rebuild or --settle.")
        if fold:
            self.stdout.write(f"{services.fold()} ledger entries written")
        if rebuild:
            self.stdout.write(f"{services.rebuild_scores()} daily score rows rebuilt")
        if settle:
            self.stdout.write(f"{services.settle_challenges()} challenges settled")
        if verify:
            problems = services.verify()
            for problem in problems:
                self.stdout.write(problem)
            if problems:
                raise CommandError(f"{len(problems)} disagreements with the ledger")
            self.stdout.write("The ledger and its sums agree.")
