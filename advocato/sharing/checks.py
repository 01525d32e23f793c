"""System checks for connected networks (run by `manage.py check` and at start-up)."""

from __future__ import annotations

import re
from datetime import date

from django.conf import settings
from django.core import checks

# LinkedIn supports a monthly API version for about a year: warn two months before that.
LINKEDIN_VERSION_WARN_MONTHS = 10


def linkedin_version_age(version: str, today: date | None = None) -> int | None:
    """How many months old a LinkedIn-Version (YYYYMM, or YYYYMM.NN) is; None if malformed."""
    match = re.fullmatch(r"(\d{4})(\d{2})(?:\.\d{2})?", version or "")
    if match is None or not 1 <= int(match.group(2)) <= 12:
        return None
    today = today or date.today()
    return (today.year - int(match.group(1))) * 12 + today.month - int(match.group(2))


@checks.register()
def linkedin_version(app_configs=None, today: date | None = None, **kwargs):
    version = getattr(settings, "LINKEDIN_VERSION", "")
    age = linkedin_version_age(version, today)
    if age is None:
        return [
            checks.Warning(
                f"ADVOCATO_LINKEDIN_VERSION={version!r} is not a LinkedIn API version (YYYYMM).",
                hint="Set it to a version LinkedIn lists as active, e.g. 202605.",
                id="advocato.W101",
            )
        ]
    if age > LINKEDIN_VERSION_WARN_MONTHS:
        return [
            checks.Warning(
                f"LinkedIn API version {version} is {age} months old; LinkedIn retires versions "
                "after about a year and then refuses every post (426 NONEXISTENT_VERSION).",
                hint="Set ADVOCATO_LINKEDIN_VERSION to the newest version on "
                "https://learn.microsoft.com/linkedin/marketing/versioning.",
                id="advocato.W102",
            )
        ]
    return []
