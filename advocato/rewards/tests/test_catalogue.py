"""The catalogue says before the click what a person can request (issue 16): the price next to
their balance, a disabled button with the reason, a second request for the same reward soon
after the first refused; their requests show when they were made."""

from datetime import timedelta

import pytest
from django.urls import reverse

from advocato.rewards import services
from advocato.rewards.conftest import grant
from advocato.rewards.models import Redemption, Reward

pytestmark = pytest.mark.django_db


def test_the_catalogue_says_what_you_can_afford_before_you_click(client, advocate):
    grant(advocate, 1000)
    cheap = Reward.objects.create(name="Coffee", price=300)
    dear = Reward.objects.create(name="Headphones", price=1500)
    client.force_login(advocate.user)
    html = client.get(reverse("rewards:catalogue")).content.decode()
    card = html[html.index(f'data-reward="{dear.pk}"') :]
    card = card[: card.index("</article>")]
    assert "Costs 1,500 points · you have 1,000." in card
    assert "disabled" in card and "You need 500 more points." in card
    cheap_card = html[html.index(f'data-reward="{cheap.pk}"') :]
    cheap_card = cheap_card[: cheap_card.index("</article>")]
    assert "disabled" not in cheap_card and "data-why-not" not in cheap_card


def test_a_second_request_soon_after_is_refused_and_requests_show_their_date(
    client, advocate, fixed_clock
):
    grant(advocate, 1000)
    coffee = Reward.objects.create(name="Coffee", price=300)
    client.force_login(advocate.user)
    client.post(reverse("rewards:redeem", args=[coffee.pk]))
    response = client.post(reverse("rewards:redeem", args=[coffee.pk]), follow=True)
    html = response.content.decode()
    assert "You already requested Coffee at 17/06/2026 10:15" in html
    assert Redemption.objects.count() == 1 and services.wallet_balance(advocate) == 700
    assert "17/06/2026 10:15</time>" in html  # the request's date in "Your requests"
    card = html[html.index(f'data-reward="{coffee.pk}"') :]
    assert "You requested this at 17/06/2026 10:15" in card[: card.index("</article>")]

    fixed_clock.shift(services.REPEAT_WINDOW + timedelta(minutes=1))
    again = services.redeem(advocate, coffee)  # later on: a wish for a second one
    assert again.pk and Redemption.objects.count() == 2


def test_a_declined_request_can_be_made_again_at_once(advocate, admin):
    grant(advocate, 1000)
    coffee = Reward.objects.create(name="Coffee", price=300)
    first = services.redeem(advocate, coffee)
    services.decide(first, admin, approve=False, comment="Wrong size")
    assert services.redeem(advocate, coffee).pk != first.pk
