from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _

from advocato.core import audit


class LinksConfig(AppConfig):
    name = "advocato.links"
    label = "links"
    verbose_name = _("Links")

    def ready(self) -> None:
        from .models import ConversionKind

        audit.register(ConversionKind)  # the admin's list of conversion types
