"""Point rules stay within what the ledger can add up: odd digits and huge numbers are
refused with a clear message, so a saved rule can never stop the worker's fold."""

import pytest

from advocato.rewards.forms import MAX_POINTS, RulesForm

VALID = {
    "share_points": "10", "featured_multiplier": "2", "click_points": "1",
    "conversion_by_kind": "lead: 25", "conversion_points": "10", "suggestion_points": "15",
    "streak_points": "10", "share_cap": "5", "click_cap": "50", "conversion_cap": "10",
    "share_click_cap": "20", "burst_visitor_clicks": "10", "burst_per_minute": "30", "note": "",
}  # fmt: skip


@pytest.mark.django_db
def test_sensible_rules_pass():
    form = RulesForm(VALID)
    assert form.is_valid(), form.errors


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("conversion_by_kind", "lead: ²"),  # a digit to str.isdigit, not to int()
        ("conversion_by_kind", "lead: 99999999999999999999999"),
        ("share_points", str(MAX_POINTS + 1)),
        ("click_cap", "3000000000"),
    ],
)
def test_numbers_the_ledger_cannot_hold_are_refused(field, value):
    form = RulesForm({**VALID, field: value})
    assert not form.is_valid()
    assert field in form.errors
