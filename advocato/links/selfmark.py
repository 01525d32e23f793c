"""Recognising the advocate's own browsers after they sign out.

Whenever a signed-in employee uses the site, the response carries a long-lived first-party
cookie (`adv_self`, signed with Django's signer, so it cannot be forged or edited) holding
their employee id — the last few ids, for a browser several colleagues share. The redirect
reads it: a click on a link shared by someone the browser is marked for is that person's own
click ("self": recorded, shown with the reason, never paid), signed in or not.

The cookie holds ids only — no address, nothing about the visits — and is never sent to the
company's website (it belongs to our host)."""

from __future__ import annotations

COOKIE = "adv_self"
SALT = "advocato.links.self"
MAX_AGE = 2 * 365 * 24 * 3600  # two years; set again on their next visit after it runs out
MAX_IDS = 5


def marked_ids(request) -> list[int]:
    """The employee ids this browser is marked for ([] without a valid cookie)."""
    if COOKIE not in request.COOKIES:
        return []
    value = request.get_signed_cookie(COOKIE, default="", salt=SALT, max_age=MAX_AGE)
    ids = []
    for part in (value or "").split(","):
        if part.isascii() and part.isdigit():
            ids.append(int(part))
    return ids[:MAX_IDS]


def mark(request, response, employee_id: int) -> None:
    """Mark this browser as `employee_id`'s (the newest first), unless it already is, first."""
    ids = marked_ids(request)
    if ids[:1] == [employee_id]:
        return
    ids = [employee_id, *[i for i in ids if i != employee_id]][:MAX_IDS]
    response.set_signed_cookie(
        COOKIE,
        ",".join(str(i) for i in ids),
        salt=SALT,
        max_age=MAX_AGE,
        secure=request.is_secure(),
        httponly=True,
        samesite="Lax",
    )
