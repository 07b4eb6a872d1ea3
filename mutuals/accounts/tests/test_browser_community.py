"""Issue 18 in the browser: an organizer writes the code of conduct outside the admin, a
newcomer joins accepting it (from the link on the sign-up page), and sets their profile to
connections only; at desktop and phone widths."""

from __future__ import annotations

import pytest
from playwright.sync_api import Browser, expect

from mutuals.accounts.models import User
from mutuals.accounts.tests.factories import PASSWORD, make_member
from mutuals.core.tests.browser import new_context, shot, sign_in, sign_out

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.mark.parametrize("width", [1280, 390])
def test_code_of_conduct_sign_up_and_privacy(
    chromium: Browser, live_server, width: int, settings
) -> None:
    settings.ACCOUNT_EMAIL_VERIFICATION = "none"
    organizer = make_member(name="Olu Organizer", is_staff=True)
    context = new_context(chromium, live_server.url)
    context.set_default_timeout(15_000)
    page = context.new_page()
    try:
        sign_in(page, organizer.email, PASSWORD)
        page.goto("/conduct/")
        page.get_by_role("link", name="Write the code of conduct").click()
        page.get_by_label("Code of conduct").fill(
            "Be kind and generous.\n\nNo spam, no selling in messages."
        )
        page.get_by_role("button", name="Publish").click()
        expect(page.get_by_text("Version 1 is published.")).to_be_visible()
        sign_out(page)

        page.set_viewport_size({"width": width, "height": 900})
        page.goto("/accounts/signup/")
        expect(page.get_by_role("link", name="code of conduct").first).to_be_visible()
        page.fill("input[name=name]", "Nia Osei")
        page.fill("input[name=email]", "nia@example.com")
        page.fill("input[name=password1]", "a-very-long-pass-77")
        page.fill("input[name=password2]", "a-very-long-pass-77")
        page.get_by_role("button", name="Sign up").click()
        # Not accepted: the browser holds the form back (the server refuses it too,
        # test_community.py), and nobody joined.
        assert page.eval_on_selector(
            "input[name=accept_conduct]", "box => box.validity.valueMissing"
        )
        assert "/accounts/signup/" in page.url
        assert not User.objects.filter(email="nia@example.com").exists()
        shot(page, f"accounts-signup-conduct-{width}")
        assert page.evaluate("document.documentElement.scrollWidth") <= width
        page.check("input[name=accept_conduct]")
        page.get_by_role("button", name="Sign up").click()
        page.wait_for_url(lambda url: "/signup/" not in url)
        nia = User.objects.get(email="nia@example.com")
        assert list(nia.conduct_acceptances.values_list("version", flat=True)) == [1]

        page.goto("/conduct/")
        expect(page.get_by_text("You accepted this version.")).to_be_visible()
        shot(page, f"accounts-conduct-{width}")
        page.goto("/me/privacy/")
        page.get_by_label("My connections only").check()
        page.fill("input[name=phone]", "+233 20 555 0100")
        page.get_by_label("Phone number").check()
        page.get_by_role("button", name="Save privacy settings").click()
        expect(page.get_by_text("Your privacy settings are saved.")).to_be_visible()
        shot(page, f"accounts-privacy-{width}")
        assert page.evaluate("document.documentElement.scrollWidth") <= width
        nia.profile.refresh_from_db()
        assert nia.profile.visibility == "connections"
        assert nia.profile.shared_contacts == ["phone"]
    finally:
        context.close()
