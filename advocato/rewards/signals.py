"""What the rewards app tells the apps above it (the API's webhooks listen). Sent inside the
transaction that made the change, so a listener's own writes commit or roll back with it."""

from django.dispatch import Signal

# An employee asked for a reward; the points are taken and it waits for an admin:
# `redemption` (a Redemption).
reward_requested = Signal()
