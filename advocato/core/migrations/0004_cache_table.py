"""The table of the shared cache (settings.CACHES["default"] when it is the database cache):
allauth's rate limits live there, so every web worker sees them and they survive a restart.
`createcachetable` does nothing for a table that exists or for a Redis cache; `advocato
migrate` runs it again after migrating, for a site that switches back from Redis."""

from django.core.management import call_command
from django.db import migrations


def create_cache_table(apps, schema_editor):
    call_command("createcachetable", database=schema_editor.connection.alias, verbosity=0)


def drop_cache_table(apps, schema_editor):
    from django.conf import settings

    for cache in settings.CACHES.values():
        if cache["BACKEND"].endswith("DatabaseCache"):
            table = schema_editor.quote_name(cache["LOCATION"])
            schema_editor.execute(f"DROP TABLE IF EXISTS {table}")


class Migration(migrations.Migration):
    dependencies = [("core", "0003_organisation_individual_results")]

    operations = [migrations.RunPython(create_cache_table, drop_cache_table)]
