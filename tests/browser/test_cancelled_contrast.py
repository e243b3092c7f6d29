"""The 已取消 badge and the cancelled cards meet WCAG AA contrast (4.5:1) wherever they appear.

The ratio is computed from the browser's computed styles as the pixels are painted: background
colours composited from the canvas up, and every ancestor's opacity applied as a group, the way
a contrast checker (axe) sees a faded card.
"""
from __future__ import annotations

import pytest
from playwright.sync_api import expect

from shequ_volunteer.accounts.actor import actor_for
from shequ_volunteer.activities import services
from shequ_volunteer.extensions import db
from shequ_volunteer.timeutil import utcnow
from tests import factories as f
from tests.browser.helpers import log_in

pytestmark = pytest.mark.browser

AA = 4.5

# For each element: the painted text colour and the painted background colour behind it, and their ratio.
CONTRASTS = """
(selector) => {
  const parse = (c) => {
    const m = c.match(/rgba?\\(([^)]+)\\)/);
    const [r, g, b, a] = m[1].split(/[ ,\\/]+/).filter(Boolean).map(Number);
    return [r, g, b, a === undefined ? 1 : a];
  };
  const over = (top, below) => [0, 1, 2].map(i => top[i] * top[3] + below[i] * (1 - top[3])).concat([1]);
  const mix = (below, above, opacity) => [0, 1, 2].map(i => above[i] * opacity + below[i] * (1 - opacity)).concat([1]);
  // The pixel painted at the element, through each ancestor's background and opacity group.
  const paint = (chain, index, below, withText) => {
    const node = chain[index];
    const style = getComputedStyle(node);
    const filled = over(parse(style.backgroundColor), below);
    const inner = index === chain.length - 1
      ? (withText ? over(parse(style.color), filled) : filled)
      : paint(chain, index + 1, filled, withText);
    return mix(below, inner, parseFloat(style.opacity));
  };
  const luminance = (c) => {
    const [r, g, b] = c.slice(0, 3).map(v => v / 255).map(v => v <= 0.03928 ? v / 12.92 : ((v + 0.055) / 1.055) ** 2.4);
    return 0.2126 * r + 0.7152 * g + 0.0722 * b;
  };
  return [...document.querySelectorAll(selector)].map(el => {
    const chain = [];
    for (let node = el; node; node = node.parentElement) chain.unshift(node);
    const canvas = [255, 255, 255, 1];
    const text = paint(chain, 0, canvas, true), back = paint(chain, 0, canvas, false);
    const [hi, lo] = [luminance(text), luminance(back)].sort((a, b) => b - a);
    return {text: el.textContent.trim(), ratio: (hi + 0.05) / (lo + 0.05)};
  });
}
"""


def low_contrast(page, selector: str) -> list[dict]:
    found = page.evaluate(CONTRASTS, selector)
    assert found, f"nothing matches {selector} on {page.url}"
    return [item for item in found if item["ratio"] < AA]


def test_cancelled_badges_and_cards_have_aa_contrast(app, page):
    home = f.community()
    team = f.team(home)
    resident = f.user(home, name="张秀英")
    activity = f.activity(team, title="楼道清理")
    f.signup(activity, resident)
    services.cancel_activity(actor_for(resident), activity, utcnow())
    db.session.commit()

    log_in(page, resident)
    for url in ("/me/activities", "/", f"/teams/{team.id}", f"/activities/{activity.id}"):
        page.goto(url)
        expect(page.locator(".tag-cancelled").first).to_be_visible()
        assert not low_contrast(page, ".tag-cancelled"), url
        if url != f"/activities/{activity.id}":  # the pages that list it as a card
            assert not low_contrast(page, ".card-cancelled h3, .card-cancelled .meta"), url
