"""`advocato compiletranslations`: .po → .mo with polib, so no system gettext is needed."""

from pathlib import Path

import polib
from django.core.management.base import BaseCommand

import advocato


class Command(BaseCommand):
    help = "Compile Advocato's translations (no GNU gettext needed)."

    def handle(self, *args, **options):
        root = Path(advocato.__file__).parent / "locale"
        count = 0
        for po_path in sorted(root.glob("*/LC_MESSAGES/*.po")):
            mo_path = po_path.with_suffix(".mo")
            if mo_path.exists() and mo_path.stat().st_mtime >= po_path.stat().st_mtime:
                continue
            polib.pofile(str(po_path)).save_as_mofile(str(mo_path))
            count += 1
        self.stdout.write(f"Compiled {count} translation file(s).")
