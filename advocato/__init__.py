"""Advocato: employee advocacy, measured honestly."""

__version__ = "0.1.0"
