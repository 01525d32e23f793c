"""What the content app tells the apps above it (the API's webhooks listen). Sent inside the
transaction that made the change, so a listener's own writes commit or roll back with it."""

from django.dispatch import Signal

# An item went live for advocates (approved, or its scheduled time came): `item` (ContentItem).
content_published = Signal()
