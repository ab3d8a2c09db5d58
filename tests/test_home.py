"""The home page: runs, describes each lab and links it."""

import pytest
from streamlit.testing.v1 import AppTest

from harness import ROOT
from harness.browser import assert_no_exception, open_page

LABS = {"Gradient_descent": "pages/1_Gradient_descent.py", "Adagrad": "pages/2_Adagrad.py",
        "MLP_training": "pages/3_MLP_training.py"}


def test_home_runs_and_describes_each_lab():
    at = AppTest.from_file(str(ROOT / "playground.py")).run()
    assert not at.exception
    headers = [h.value for h in at.header]  # h2: headings run h1 → h2 (issue 14)
    assert any("Gradient descent" in h for h in headers)
    assert any("Adagrad" in h for h in headers)
    assert any("MLP training" in h for h in headers)
    assert all((ROOT / path).exists() for path in LABS.values())


@pytest.mark.browser
def test_home_links_to_each_lab(page, app_url):
    open_page(page, app_url + "/")
    assert_no_exception(page)
    assert "Gradient Playground" in page.locator("h1").first.inner_text()
    hrefs = {a.get_attribute("href") for a in page.locator("[data-testid='stPageLink'] a").all()}
    for slug in LABS:
        linked = any(h and h.rstrip("/").split("/")[-1] == slug for h in hrefs)
        assert linked, (slug, hrefs)


@pytest.mark.browser
def test_unknown_page_path_says_so_and_shows_home(page, app_url):
    open_page(page, app_url + "/No_such_page?lr=abc")
    assert_no_exception(page)
    dialog = " ".join(page.locator("[role='dialog']").all_inner_texts())
    assert "Page not found" in dialog
    assert "Gradient Playground" in page.locator("h1").first.inner_text()
