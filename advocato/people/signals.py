"""What the people app tells the apps above it (the API's webhooks listen). Sent inside the
transaction that made the change, so a listener's own writes commit or roll back with it."""

from django.dispatch import Signal

# An invited person accepted and has an account now: `employee` (an Employee).
employee_joined = Signal()
