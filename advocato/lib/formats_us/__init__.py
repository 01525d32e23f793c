"""The US way for English (ADVOCATO_ENGLISH_FORMAT=us): December 2, 2026, 12/02/2026, 2:05 PM."""
