"""`advocato createadmin`: the first admin of a new installation."""

import getpass

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError
from django.core.validators import validate_email

from advocato.people import services


class Command(BaseCommand):
    help = "Create an admin account (a superuser with an admin profile)."

    def add_arguments(self, parser):
        parser.add_argument("--email", help="the admin's e-mail address")
        parser.add_argument("--name", default="", help="the admin's name")
        parser.add_argument(
            "--password",
            help="the password (prefer the ADVOCATO_ADMIN_PASSWORD variable or the prompt)",
        )

    def handle(self, *args, **options):
        import os

        email = options["email"] or input("E-mail address: ").strip()
        try:
            validate_email(email)
        except ValidationError as exc:
            raise CommandError(f"'{email}' is not a valid e-mail address.") from exc
        password = options["password"] or os.environ.get("ADVOCATO_ADMIN_PASSWORD")
        if not password:
            password = getpass.getpass("Password: ")
            if password != getpass.getpass("Password (again): "):
                raise CommandError("The two passwords are not the same.")
        if len(password) < 8:
            raise CommandError("The password needs at least 8 characters.")
        from django.contrib.auth.password_validation import validate_password

        from advocato.people.models import User

        try:
            validate_password(password, User(email=email))
        except ValidationError as exc:
            raise CommandError(" ".join(exc.messages)) from exc
        try:
            employee = services.create_admin(email=email, password=password, name=options["name"])
        except services.PeopleError as exc:
            raise CommandError(str(exc)) from exc
        self.stdout.write(self.style.SUCCESS(f"Admin {employee.email} created."))
