from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _

from advocato.core import audit


class PeopleConfig(AppConfig):
    name = "advocato.people"
    label = "people"
    verbose_name = _("People")

    def ready(self) -> None:
        from . import models

        audit.register(models.User, exclude={"password", "last_login"})
        for model in (
            models.Department,
            models.Team,
            models.Location,
            models.Group,
            models.Employee,
        ):
            audit.register(model)
        audit.register(models.Invitation, exclude={"nonce"})
        audit.register_m2m(models.Employee.groups.through, models.Employee, "groups")
