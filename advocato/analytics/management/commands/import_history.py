"""`advocato import-history <file> --kind shares|clicks|conversions [--dry-run]`: bring a
company's past activity from another platform (see "Importing history" in the README)."""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _
from tqdm import tqdm

from advocato.analytics import history


class Command(BaseCommand):
    help = "Import past shares, clicks or conversions from a CSV or XLSX file."

    def add_arguments(self, parser):
        parser.add_argument("file", help="a CSV (comma or semicolon, UTF-8) or XLSX file")
        parser.add_argument("--kind", required=True, choices=history.KINDS)
        parser.add_argument(
            "--dry-run", action="store_true", help="check every row and write nothing"
        )
        parser.add_argument(
            "--good-rows",
            action="store_true",
            help="import the good rows even when some rows are bad",
        )

    def handle(self, *args, file, kind, dry_run=False, good_rows=False, verbosity=1, **options):
        path = Path(file)
        if not path.is_file():
            raise CommandError(_("No such file: %(file)s") % {"file": file})
        with tqdm(desc=f"Importing {kind}", unit="row", disable=verbosity < 1) as bar:
            try:
                report = history.import_history(
                    path, kind=kind, dry_run=dry_run, good_rows=good_rows, progress=bar.update
                )
            except history.HistoryError as exc:
                raise CommandError(str(exc)) from exc
        for problem in report.problems[:200]:
            self.stderr.write(
                _("Line %(line)d, column %(column)s (%(value)s): %(message)s") % problem
            )
        if report.problem_count > 200:
            self.stderr.write(_("… and %(n)d more.") % {"n": report.problem_count - 200})
        summary = _("%(total)d rows read, %(good)d good, %(bad)d with problems.") % {
            "total": report.total,
            "good": report.good,
            "bad": report.problem_count,
        }
        if report.imported:
            self.stdout.write(
                summary
                + " "
                + _("%(n)d written (the rest were there already).") % {"n": report.written}
            )
        elif dry_run:
            self.stdout.write(summary + " " + _("Dry run: nothing was written."))
        if not report.imported and report.problem_count:
            raise CommandError(
                summary
                + " "
                + _("Nothing was written; correct the rows above, or use --good-rows.")
            )
