"""The MLP lab's run panel in a browser: Train, Pause, Resume and the run's end rerun the panel alone (a
fragment: the buttons and the live view), never the whole page; while the run trains the page runs no script
at all (the live view reads the server's stream), announces the epoch and passes axe; and what the finished page
downloads is the run trained alone, byte for byte, though it was paused and resumed on the way.

What the browser asks of the server is read off the wire: each script run a browser asks for is a BackMsg
``rerun_script`` on the page's WebSocket, whose ``fragment_id`` names the fragment to rerun (empty: the page).
"""
from __future__ import annotations

import time

import pytest
from helpers import require_browser
from test_view_a11y import assert_axe_clean

from core.train import TrainConfig, Trainer
from harness.browser import assert_no_exception, done_alert, download_bytes, open_page
from labs.mlp.downloads import history_csv

# 100 epochs of 5,000 samples: about 5 s alone, long enough to pause; a seed no other test trains.
EPOCHS, N, SEED = 100, 5_000, 29029
TALLY = "() => (window.__gpLive && window.__gpLive.arrived) || 0"


def reruns_sent(sent: list) -> list[str]:
    """The fragment id of every script run asked for in ``sent`` (the page's WebSocket frames; "": the page)."""
    from streamlit.proto.BackMsg_pb2 import BackMsg

    ids = []
    for payload in list(sent):
        if isinstance(payload, (bytes, bytearray)):
            message = BackMsg()
            message.ParseFromString(bytes(payload))
            if message.WhichOneof("type") == "rerun_script":
                ids.append(message.rerun_script.fragment_id)
    return ids


@pytest.mark.browser
def test_train_pause_resume_and_done_rerun_the_panel_alone_and_the_history_is_the_solo_runs(page, app_url):
    require_browser()
    sent = []
    page.on("websocket", lambda ws: ws.on("framesent", lambda payload: sent.append(payload)))
    open_page(page, f"{app_url}/MLP_training?epochs={EPOCHS}&n={N}&seed={SEED}")
    opened = len(reruns_sent(sent))

    page.get_by_role("button", name="Train").click()
    page.wait_for_function(TALLY + " >= 3", timeout=30_000)  # frames with new data, from the stream
    quiet = len(reruns_sent(sent))
    page.wait_for_function(TALLY + " >= 6", timeout=30_000)
    assert len(reruns_sent(sent)) == quiet, "the page ran a script while it followed the run"
    # a live page reads well: the live region says the epoch, and axe finds nothing serious while it trains
    assert page.locator("[data-testid='gp-live-region']").text_content().startswith("Training, epoch ")
    assert_axe_clean(page, "MLP training, live")
    page.get_by_role("button", name="Pause").click()
    page.get_by_role("button", name="Resume").wait_for(timeout=15_000)
    # paused: the full charts in place of the live view
    page.wait_for_function("() => !document.querySelector('[data-testid=gp-progress]')", timeout=15_000)
    time.sleep(0.5)
    page.get_by_role("button", name="Resume").click()
    page.wait_for_selector("[data-testid='gp-progress']", timeout=15_000)  # the live view again
    done_alert(page).first.wait_for(timeout=60_000)  # the finished page, drawn by the panel's own rerun
    assert_no_exception(page)

    runs = reruns_sent(sent)[opened:]
    # Train, Pause, Resume and the stream's end: four runs of the panel, and no run of the whole page
    assert len(runs) == 4 and all(runs) and len(set(runs)) == 1, runs
    assert f"{EPOCHS * N:,} samples" in done_alert(page).first.inner_text()
    csv = download_bytes(page, page.get_by_role("button", name="Loss history (CSV)"))
    trainer = Trainer(TrainConfig(epochs=EPOCHS, n_samples=N, seed=SEED))
    trainer.train(10**9)
    assert csv == history_csv(trainer.history)
