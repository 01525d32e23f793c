"""Signed outgoing webhooks (Standard Webhooks): endpoints an admin registers, the events the
lower apps signal, each message signed and delivered by the worker with retries over about
three days, every attempt logged. See `docs/webhooks.md` for what a receiver gets."""
