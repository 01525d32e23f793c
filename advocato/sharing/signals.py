"""What the sharing app tells the apps above it (the API's webhooks listen). Sent inside the
transaction that made the change, so a listener's own writes commit or roll back with it."""

from django.dispatch import Signal

# An advocate started a share and its tracked link was minted: `share` (a Share).
share_created = Signal()

# Shares were confirmed as out on their network (by the advocate, their first human click or the
# network's answer to our post), each once: `share_ids` (a set of Share ids).
share_posted = Signal()
