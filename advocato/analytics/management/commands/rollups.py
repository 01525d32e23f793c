"""`advocato rollups`: fill the analytics rollups now; `--rebuild` recounts everything from the
raw events; `--check` proves the stored rollups equal a recount (exit code 1 if not)."""

from django.core.management.base import BaseCommand, CommandError
from tqdm import tqdm

from advocato.analytics import rollups
from advocato.links.models import Click


class Command(BaseCommand):
    help = "Fill, rebuild or check the analytics rollups."

    def add_arguments(self, parser):
        group = parser.add_mutually_exclusive_group()
        group.add_argument(
            "--rebuild", action="store_true", help="Forget the rollups and recount everything."
        )
        group.add_argument(
            "--check",
            action="store_true",
            help="Compare the rollups with a recount from the raw events; exit 1 if they differ.",
        )

    def handle(self, *args, rebuild=False, check=False, verbosity=1, **options):
        if check:
            problems = rollups.compare()
            for line in problems[:50]:
                self.stderr.write(line)
            if problems:
                raise CommandError(
                    f"The rollups differ from a recount in {len(problems)} place(s). "
                    "Run `advocato rollups --rebuild` to recount them."
                )
            self.stdout.write("The rollups agree with a recount from the raw events.")
            return
        total = Click.objects.count() if rebuild else None
        with tqdm(total=total, desc="Counting clicks", unit="click", disable=verbosity < 1) as bar:
            run = rollups.rebuild if rebuild else rollups.fill
            result = run(progress=bar.update)
        self.stdout.write(
            f"{result.clicks} clicks, {result.conversions} conversions and {result.shares} "
            f"shares counted into {result.rows} rows."
        )
