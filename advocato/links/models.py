"""Tracked short links (one per share), the clicks on them and the daily salts that make
visitors countable without storing who they are. Clicks are append-only.

A click carries two keyed hashes with the day's salt: `visitor` (address + user agent — the
unique visitor analytics counts) and `network` (the address's /24 or /48 network only — the
visitor the points ledger pays for at most once per link and day, however many user agents one
machine pretends to have). Neither can be tied to an address once the salt is deleted."""

from __future__ import annotations

from django.db import models
from django.utils import timezone


class TrackedLink(models.Model):
    code = models.CharField(max_length=16, unique=True)
    share = models.OneToOneField("sharing.Share", on_delete=models.CASCADE, related_name="link")
    created_at = models.DateTimeField(default=timezone.now)
    revoked_at = models.DateTimeField(null=True, blank=True)

    def __str__(self) -> str:
        return self.code


class Click(models.Model):
    """One request to a tracked link. Never updated or deleted: corrections are new rows."""

    class Kind(models.TextChoices):
        HUMAN = "human"
        BOT = "bot"
        PREVIEW = "preview"
        SELF = "self"  # the sharer's own browser: flagged, not counted

    link = models.ForeignKey(TrackedLink, on_delete=models.CASCADE, related_name="clicks")
    at = models.DateTimeField(default=timezone.now, db_index=True)
    kind = models.CharField(max_length=8, choices=Kind.choices)
    # Keyed hash of IP + user agent with the day's salt: one visitor per link per day.
    visitor = models.CharField(max_length=32)
    # Keyed hash of the IPv4 /24 or IPv6 /48 network with the day's salt: one visitor for
    # points, whatever user agents it sends. Empty for clicks recorded before it existed.
    network = models.CharField(max_length=32, blank=True)
    # Random id carried to the company site for attribution; idempotency key for spool replay.
    token = models.CharField(max_length=24, unique=True)
    referrer_domain = models.CharField(max_length=255, blank=True)
    device = models.CharField(max_length=8, blank=True)
    country = models.CharField(max_length=2, blank=True)

    class Meta:
        indexes = [models.Index(fields=["link", "at"]), models.Index(fields=["kind", "at"])]

    def __str__(self) -> str:
        return f"{self.link_id} {self.kind} {self.at:%Y-%m-%d %H:%M}"


class DailySalt(models.Model):
    """A random salt per day. Old ones are deleted, after which yesterday's visitor hashes can
    no longer be recomputed from an IP address."""

    day = models.DateField(unique=True)
    salt = models.CharField(max_length=64)

    def __str__(self) -> str:
        return str(self.day)


class Conversion(models.Model):
    """A lead, signup, application (or a type of the company's own) reported by its website,
    attributed to a click. Append-only."""

    click = models.ForeignKey(Click, on_delete=models.CASCADE, related_name="conversions")
    link = models.ForeignKey(TrackedLink, on_delete=models.CASCADE, related_name="conversions")
    kind = models.CharField(max_length=40)
    value = models.DecimalField(max_digits=15, decimal_places=2, null=True, blank=True)
    currency = models.CharField(max_length=3, blank=True)
    external_id = models.CharField(max_length=200)
    source = models.CharField(max_length=8)  # "snippet" or "server"
    at = models.DateTimeField(default=timezone.now, db_index=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["click", "kind", "external_id"], name="conversion_counted_once"
            )
        ]

    def __str__(self) -> str:
        return f"{self.kind} via {self.link_id}"


class ConversionKind(models.Model):
    """A conversion type the company's website may report (lead, signup, application, …).
    Kept by an admin; any other type is refused at both conversion endpoints."""

    code = models.SlugField(max_length=40, unique=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["code"]

    def __str__(self) -> str:
        return self.code
