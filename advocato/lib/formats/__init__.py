"""Dates, times and numbers per language (FORMAT_MODULE_PATH): one rule for every page, e-mail
and report. English is written the European way (2 December 2026, 02/12/2026, 14:05) unless
ADVOCATO_ENGLISH_FORMAT=us picks `advocato.lib.formats_us` first."""
