"""What the links app tells the apps above it. Links sits below sharing: a click never imports
the share's code, it says what happened and sharing decides what that means."""

from django.dispatch import Signal

# The first human click(s) on these links arrived: `link_ids` (a set of TrackedLink ids).
# Sent inside the transaction that wrote the clicks; the sharing app confirms their shares.
human_clicks = Signal()

# A conversion was stored (not a repeated report of one already stored): `conversion`.
# Sent inside the transaction that wrote it.
conversion_created = Signal()
