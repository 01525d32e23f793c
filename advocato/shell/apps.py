from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ShellConfig(AppConfig):
    """The top layer: home page, navigation, base templates, settings pages, the demo's
    orchestration and the URL root. It may import every app; no app imports it."""

    name = "advocato.shell"
    label = "shell"
    verbose_name = _("Advocato")
