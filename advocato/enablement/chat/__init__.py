"""Posting the programme's news to Slack and Microsoft Teams channels through their incoming
webhooks: the message formats (`payloads`), channels, what is announced and delivery with
retries (`services`), the worker's tasks (`tasks`) and local fakes of both services that check
every payload as the real ones do (`fakes`, for tests and the demo)."""
