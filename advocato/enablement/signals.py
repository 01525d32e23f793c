"""News from enablement for whoever listens (the chat channels, the API's webhooks)."""

from django.dispatch import Signal

# A curator published a success story: sender=SuccessStory, story=<the story>.
story_published = Signal()
