"""Screenshots of every page for the README and docs/, taken from the running app in headless Chromium.

    python docs/make_screenshots.py            # writes docs/home.png, docs/gradient_descent.png, ...
                                               # and docs/phone_*.png (390 × 844, a phone)

Starts `streamlit run playground.py` on a free loopback port, opens each page with the settings
below, lets animations and training run for a moment, and saves a PNG per page. Needs the dev
requirements and Debian's Chromium (/usr/bin/chromium, or CHROMIUM=...); it never downloads a browser.
"""
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
OUT = ROOT / "docs"
sys.path.insert(0, str(ROOT))  # run as `python docs/make_screenshots.py`: the app launcher is harness/launcher.py

from harness.browser import wait_for_run  # noqa: E402
from harness.launcher import CHROMIUM, CHROMIUM_ARGS, running_app  # noqa: E402

# (file name, path with query, button to click first or None, seconds to wait after it, viewport height)
SHOTS = [
    ("home", "/", None, 0.5, 700),
    ("gradient_descent", "/Gradient_descent?x0=0,3,2.5&frame=30", None, 1.0, 1500),
    ("adagrad", "/Adagrad?k=12", None, 1.0, 1500),
    ("mlp_training", "/MLP_training?epochs=40", "Train", 4.0, 1250),
    ("lesson_step", "/Gradient_descent?lesson=gradient_descent&step=2", None, 1.0, 900),
    ("ru_gradient_descent", "/Gradient_descent?lang=ru&x0=0;3;2,5&frame=30", None, 1.0, 1500),
]
# On a phone (390 × 844 CSS pixels, drawn at 2×): (file name, path, button or None, seconds, what to shoot:
# None for the first screen, or a CSS selector of one element)
PHONE = {"width": 390, "height": 844}
PHONE_SHOTS = [
    ("phone_gradient_descent", "/Gradient_descent", None, 1.5, None),
    ("phone_basin_map", "/Gradient_descent", None, 1.5, "[data-testid='stVegaLiteChart'][aria-label^='Basin map']"),
    ("phone_mlp_training", "/MLP_training?epochs=40", "Train", 4.0, None),
    ("phone_lesson_step", "/Gradient_descent?lesson=gradient_descent&step=2", None, 1.0, None),
]


def main() -> None:
    from playwright.sync_api import sync_playwright

    with tempfile.TemporaryDirectory() as tmp, running_app(tmp) as base, sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        for name, path, button, wait, height in SHOTS:
            page = browser.new_page(viewport={"width": 1400, "height": height})
            page.goto(base + path)
            wait_for_run(page)
            if button:
                page.get_by_role("button", name=button, exact=True).click()
            page.wait_for_timeout(int(wait * 1000))
            out = OUT / f"{name}.png"
            page.screenshot(path=str(out))  # the viewport: Streamlit scrolls inside the page
            print(out.relative_to(ROOT))
            page.close()
        for name, path, button, wait, element in PHONE_SHOTS:
            context = browser.new_context(viewport=PHONE, device_scale_factor=2, is_mobile=True, has_touch=True)
            page = context.new_page()
            page.goto(base + path)
            wait_for_run(page)
            page.wait_for_timeout(1500)  # the page learns that the screen is narrow: one more run
            wait_for_run(page)
            if button:
                page.get_by_role("button", name=button, exact=True).click()
            page.wait_for_timeout(int(wait * 1000))
            out = OUT / f"{name}.png"
            if element:
                page.locator(element).scroll_into_view_if_needed()
                page.wait_for_timeout(500)
                page.locator(element).screenshot(path=str(out))
            else:
                page.screenshot(path=str(out))
            print(out.relative_to(ROOT))
            context.close()
        browser.close()


if __name__ == "__main__":
    main()
