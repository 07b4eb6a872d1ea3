"""The network health page's charts are readable on a phone: every label and number of the
bars (by state, by closeness) and of the pact's weekly columns is drawn at 12 px or more at
390 px as at 1280 px, and nothing scrolls sideways. They were SVG text in drawings scaled to
the card's width, so at 390 px the bars' labels came out at about 9 px and the weeks' at 6 px.
Screenshots in test-results/browser/health-charts-*.png."""

from __future__ import annotations

import pytest
from django.core.management import call_command
from playwright.sync_api import Page, ViewportSize

from mutuals.accounts.models import User
from mutuals.core.tests.browser import shot, sign_in
from mutuals.site.demo_cast import DEMO_EMAIL_DOMAIN, DEMO_LOGIN_KEY, DEMO_PASSWORD

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

MIN_PX = 12.0

# The size each chart text is drawn at on screen: its computed font size, times the scale of
# the drawing it is in (an SVG's rendered width over its viewBox width), if any.
DRAWN_SIZES = """(charts) => {
  const out = [];
  for (const chart of document.querySelectorAll(charts)) {
    for (const el of chart.querySelectorAll('*')) {
      const own = [...el.childNodes].some(n => n.nodeType === 3 && n.textContent.trim());
      if (!own || el.closest('title')) continue;
      const box = el.getBoundingClientRect();
      if (!box.width || !box.height) continue;
      let size = parseFloat(getComputedStyle(el).fontSize);
      const svg = el.closest('svg');
      if (svg && svg.viewBox.baseVal && svg.viewBox.baseVal.width) {
        size *= svg.getBoundingClientRect().width / svg.viewBox.baseVal.width;
      }
      out.push([el.textContent.trim(), Math.round(size * 10) / 10]);
    }
  }
  return out;
}"""


def test_the_health_charts_labels_are_readable_at_390_and_1280_px(browser_page: Page) -> None:
    page = browser_page
    call_command("demo", verbosity=0)
    sam = User.objects.get(email=f"{DEMO_LOGIN_KEY}@{DEMO_EMAIL_DOMAIN}")
    sign_in(page, sam.email, DEMO_PASSWORD)
    for width, height in ((390, 844), (1280, 900)):
        page.set_viewport_size(ViewportSize(width=width, height=height))
        response = page.goto("/insights/")
        assert response is not None
        assert response.ok
        shot(page, f"health-charts-{width}")
        assert int(page.evaluate("document.documentElement.scrollWidth")) <= width
        # The three chart cards, whatever each chart is drawn with.
        cards = ", ".join(
            f"main section[aria-labelledby={heading}-heading]"
            for heading in ("state", "tier", "pact")
        )
        sizes = page.evaluate(DRAWN_SIZES, cards)
        texts = {text for text, _ in sizes}
        # Every bar's label and the weeks are there to be measured (the demo has them all).
        assert {"Engaged", "Warm", "Fading", "Stagnant", "Resting"} <= texts, texts
        assert {"Inner", "Close", "Active", "Wider", "Acquaintance"} <= texts, texts
        weeks = [text for text in texts if text[:2].isdigit() and text[-3:].isalpha()]
        assert len(weeks) == 12, texts
        small = [(text, size) for text, size in sizes if size < MIN_PX]
        assert small == [], (width, small)
