"""`advocato seeddemo`: fill an empty database with the demo company."""

from django.core.management import call_command
from django.core.management.base import BaseCommand

from advocato.shell import demo


class Command(BaseCommand):
    help = "Build the demo organisation (deterministic). Refuses a database that has data."

    def add_arguments(self, parser):
        parser.add_argument("--reset", action="store_true", help="delete all data first")
        parser.add_argument("--seed", type=int, default=demo.SEED)

    def handle(self, *args, **options):
        if options["reset"]:
            call_command("flush", "--noinput", verbosity=0)
        elif demo.demo_exists():
            self.stdout.write(
                "The database already has people in it; keeping them (use --reset to rebuild)."
            )
            return
        summary = demo.build_demo(seed=options["seed"], quiet=options["verbosity"] == 0)
        self.stdout.write(
            self.style.SUCCESS(
                "Demo company ready: {employees} employees, {registered} registered.".format(
                    **summary
                )
            )
        )
