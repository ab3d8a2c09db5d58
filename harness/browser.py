"""A page of the running app in the browser (Playwright's sync API): wait for a script run, open a page,
download a file, and the MLP page's Train to Done."""
from __future__ import annotations

from pathlib import Path

APP = "[data-testid='stApp']"

# Counts the app's script runs (its data-test-script-state turning to "running") from page load on:
# page.add_init_script(COUNT_RUNS), then page.evaluate("window.__runs").
COUNT_RUNS = """
window.__runs = 0;
const watch = () => {
  const app = document.querySelector("[data-testid='stApp']");
  if (!app) { setTimeout(watch, 20); return; }
  new MutationObserver(() => {
    if (app.getAttribute('data-test-script-state') === 'running') window.__runs += 1;
  }).observe(app, {attributes: true, attributeFilter: ['data-test-script-state']});
};
watch();
"""


# The MLP page's own clock (page.add_init_script(TRAIN_CLOCK)), read as window.__clicked, __done and __complete (ms):
# when Train was clicked, when "Done:" first appeared (the live view's note, from the stream's last frame, or the
# page's, where the live view is not streamed: what a visitor reads first, whatever keeps a test process from
# looking at many pages at once) and when the finished page was complete (its downloads drawn: the final charts
# and the replay come with them).
TRAIN_CLOCK = """
window.__clicked = null; window.__done = null; window.__complete = null;
document.addEventListener("click", e => {
  const b = e.target.closest && e.target.closest("button");
  if (b && b.innerText.includes("Train") && window.__clicked === null) window.__clicked = Date.now();
}, true);
new MutationObserver(() => {
  if (window.__clicked !== null && window.__done === null) {
    const done = [...document.querySelectorAll("[data-testid='stAlertContentSuccess'], .gp-note-success")]
      .some(a => a.innerText.includes("Done:"));
    if (done) window.__done = Date.now();
  }
  if (window.__done !== null && window.__complete === null) {
    const csv = [...document.querySelectorAll("[data-testid='stDownloadButton'] button")]
      .some(b => b.innerText.includes("Loss history (CSV)"));
    if (csv) window.__complete = Date.now();
  }
}).observe(document, {subtree: true, childList: true, characterData: true});
"""

def wait_for_run(page, timeout_ms: int = 60_000) -> None:
    """Wait until the app is connected, its script has finished running, and no element is still a
    placeholder skeleton (right after a run ends Streamlit may show them for a moment)."""
    page.wait_for_selector(f"{APP}[data-test-connection-state='CONNECTED']", state="attached", timeout=timeout_ms)
    page.wait_for_selector(f"{APP}[data-test-script-state='notRunning']", state="attached", timeout=timeout_ms)
    page.wait_for_selector("[data-testid='stSkeleton']", state="detached", timeout=timeout_ms)


def open_page(page, url: str, timeout_ms: int = 60_000) -> None:
    page.goto(url)
    wait_for_run(page, timeout_ms)


def assert_no_exception(page) -> None:
    errors = page.locator("[data-testid='stException']").all_inner_texts()
    assert not errors, f"exception on page: {errors}"


def download_bytes(page, trigger, timeout_ms: int = 30_000, dispatch: bool = False) -> bytes:
    """Click ``trigger`` (a locator, e.g. a download button) and return the bytes of the file it downloads.
    ``dispatch``: send the click event to the button itself instead of clicking where it is drawn (a data
    grid's toolbar shows only while the pointer is over the grid and slides in, so a pointer click could
    land on the grid or on the sticky header)."""
    with page.expect_download(timeout=timeout_ms) as info:
        if dispatch:
            trigger.dispatch_event("click")
        else:
            trigger.click()
    return Path(info.value.path()).read_bytes()


def done_alert(page):
    """The MLP page's "Done: …" message (a locator)."""
    return page.locator("[data-testid='stAlertContentSuccess']", has_text="Done:")


def wait_for_done(page, timeout_ms: int = 60_000) -> None:
    """On the MLP page: wait until the run is done and the finished page is drawn. Done shows as soon as the
    run ends; the final charts, the downloads and the replay follow in a script run of their own (the live
    view's next tick), so a test that reads the finished page waits for its downloads, then for that run."""
    done_alert(page).first.wait_for(timeout=timeout_ms)
    page.get_by_role("button", name="Loss history (CSV)").wait_for(timeout=timeout_ms)
    wait_for_run(page, timeout_ms)


def train_to_done(page, timeout_ms: int = 60_000) -> None:
    """On the MLP page: click Train and wait until the run is done and its downloads are drawn."""
    page.get_by_role("button", name="Train").click()
    wait_for_done(page, timeout_ms)


def train_and_leave(browser, *urls: str, timeout_ms: int = 60_000) -> None:
    """A visitor per URL, side by side: open, Train, wait for Done and the downloads, close (closing the
    context closes the WebSocket)."""
    contexts = [browser.new_context(viewport={"width": 1280, "height": 900}) for _ in urls]
    try:
        pages = [context.new_page() for context in contexts]
        for page, url in zip(pages, urls):
            page.goto(url)
        for page in pages:
            wait_for_run(page, timeout_ms)
            page.get_by_role("button", name="Train").click()
        for page in pages:
            done_alert(page).wait_for(timeout=timeout_ms)
            page.get_by_role("button", name="Loss history (CSV)").wait_for(timeout=timeout_ms)  # a media file
    finally:
        for context in contexts:
            context.close()
