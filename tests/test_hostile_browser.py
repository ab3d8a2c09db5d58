"""Hostile links in a real browser: what an edited link puts in a notice is shown as text, never as a
link, an image, a colour or LaTeX."""
from urllib.parse import quote

import pytest

from harness.browser import assert_no_exception, open_page

LURES = ["[click](https://example.com)", "![img](https://example.com/x.png)", "https://example.org",
         "www.example.net", "someone@example.com", ":red[red]", "$x^2$", "<b>bold</b>", "**bold**"]


@pytest.mark.browser
@pytest.mark.parametrize("path, key", [("/Gradient_descent", "x0"), ("/MLP_training", "hidden"),
                                       ("/Gradient_descent", "lr")])  # a number field is a text field now
def test_a_rejected_value_is_shown_as_plain_text(page, app_url, path, key):
    for lure in LURES:
        open_page(page, f"{app_url}{path}?{key}={quote(lure)}")
        assert_no_exception(page)
        alerts = page.locator("[data-testid='stAlert']")
        notice = next(a for a in alerts.all() if key in a.inner_text())
        assert lure in notice.inner_text().replace("\u2060", ""), lure  # widgets.plain's word joiners
        assert notice.locator("a, img, b, strong, .katex, span[style*='color']").count() == 0, lure
