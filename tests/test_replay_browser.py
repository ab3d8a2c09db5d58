"""The replay plays in the browser: Play advances the counter and the markers while the server runs no
script, Pause stops, the scrubber moves to a chosen update (showing the core's iterate bit for bit),
links open where they say, a 2-cycle alternates at every speed, and the keyboard reaches the controls."""
from __future__ import annotations

import urllib.parse

import pytest

from core.descent import gradient_descent
from core.objective import Quadratic
from harness.browser import APP, COUNT_RUNS, assert_no_exception, open_page, wait_for_done, wait_for_run
from labs.descent import limits as descent_limits

pytestmark = pytest.mark.browser

PLAYER = "[data-testid='gp-player']"
# The shadow root holding the n-th player on the page (Playwright's CSS pierces it; evaluate needs it).
ROOT = "(n) => [...document.querySelectorAll('[data-testid=stBidiComponentIsolated]')][n].shadowRoot"


def player(page, n: int = 0):
    return page.locator(PLAYER).nth(n)


def frame(page, n: int = 0) -> int:
    return int(player(page, n).get_attribute("data-frame"))


def playing(page, n: int = 0) -> bool:
    return player(page, n).get_attribute("data-playing") == "1"


def open_counting(page, url: str) -> None:
    page.add_init_script(COUNT_RUNS)
    open_page(page, url)
    page.wait_for_selector(PLAYER)
    page.wait_for_function("() => window.__runs >= 1")


def runs(page) -> int:
    return page.evaluate("window.__runs")


def marker_track(page, seconds: float, n: int = 0, series: int = 0) -> list[str]:
    """The transform of one marker on every animation frame for ``seconds``."""
    return page.evaluate(f"""([seconds, series]) => new Promise(done => {{
        const root = ({ROOT})({n});
        const out = [], end = performance.now() + seconds * 1000;
        const tick = () => {{
            const m = root.querySelectorAll('.gp-marker')[series];
            out.push(m.getAttribute('transform'));
            if (performance.now() < end) requestAnimationFrame(tick); else done(out);
        }};
        requestAnimationFrame(tick);
    }})""", [seconds, series])


def test_play_advances_with_no_script_run_and_pause_stops(page, app_url):
    open_counting(page, f"{app_url}/Gradient_descent")
    assert frame(page) == 0 and not playing(page)
    before = runs(page)
    player(page).get_by_role("button", name="Play the replay").click()
    page.wait_for_timeout(400)
    first, marker_first = frame(page), player(page).locator(".gp-marker").first.get_attribute("transform")
    page.wait_for_timeout(3600)
    later, marker_later = frame(page), player(page).locator(".gp-marker").first.get_attribute("transform")
    assert playing(page)
    assert later > first + 20, (first, later)  # 10 updates/s (the default for 86 updates) for 3.6 s
    assert marker_later != marker_first
    assert runs(page) - before <= 2, "the replay must not make the server run the script while it plays"
    player(page).get_by_role("button", name="Pause the replay").click()
    stopped = frame(page)
    page.wait_for_timeout(800)
    assert frame(page) == stopped and not playing(page)
    wait_for_run(page)
    # Pausing put the place into the URL and the share link.
    page.wait_for_function(f"() => location.search.includes('frame={stopped}')")
    wait_for_run(page)
    assert frame(page) == stopped and not playing(page)  # the run that took the report left the player alone
    assert_no_exception(page)


def test_scrub_to_a_chosen_update_shows_the_cores_iterate(page, app_url):
    open_counting(page, f"{app_url}/Gradient_descent?x0=0,3")
    scrub = player(page).locator("input[type=range]")
    scrub.fill("37")
    assert frame(page) == 37
    trajs = [gradient_descent(Quadratic(), x0, 0.01, 1000, 1e-6) for x0 in (0.0, 3.0)]
    markers = player(page).locator(".gp-marker")
    shown = [(markers.nth(i).get_attribute("data-series"), markers.nth(i).get_attribute("data-x"))
             for i in range(markers.count())]
    for traj in trajs:
        label = f"x0 = {traj.xs[0]:g}"
        values = {float(x) for s, x in shown if s == label}
        assert values == {float(traj.xs[37])}, (label, values, traj.xs[37])  # bit for bit, in both panels
    assert page.locator(f"{PLAYER} [data-testid='gp-live']").first.inner_text() == "Step 37 of 86"
    wait_for_run(page)
    page.wait_for_function("() => location.search.includes('frame=37')")


def test_link_opens_at_40_playing(page, app_url):
    open_counting(page, f"{app_url}/Gradient_descent?play=1&frame=40")
    first = frame(page)
    assert first >= 40 and playing(page)
    page.wait_for_timeout(1500)
    assert frame(page) > first


@pytest.mark.parametrize("speed", [1, 5, 20, 60, 200, 1000])
def test_two_cycle_alternates_at_every_speed(page, app_url, speed):
    problem, lr = Quadratic(), 0.122
    traj = gradient_descent(problem, 3.0, lr, 1000, 1e-6)
    a, b = traj.xs[-2], traj.xs[-1]
    assert abs(a - b) > 0.3 and abs(traj.xs[-3] - b) < 1e-9  # the run really ends in a 2-cycle
    open_counting(page, f"{app_url}/Gradient_descent?x0=3&lr=0.122&frame=100&play=1&speed={speed}")
    track = marker_track(page, 1.5 if speed < 5 else 0.6)
    assert len(track) > 10
    xs = [float(t.split("(")[1].split(",")[0]) for t in track]
    changed = sum(p != q for p, q in zip(track, track[1:]))
    assert changed >= (len(track) - 1) // 2, f"the marker stood still in {len(track) - 1 - changed} of {len(track) - 1}"
    # The two points of the cycle are 0.45 apart in x, about 16 pixels on a 1280-pixel-wide page.
    assert max(xs) - min(xs) > 10, "the marker must visit both points of the cycle"


def test_keyboard_reaches_play_and_toggles_it(page, app_url):
    open_counting(page, f"{app_url}/Gradient_descent")
    active = f"() => {{ const r = ({ROOT})(0); return r && r.activeElement && r.activeElement.className; }}"
    for _ in range(80):
        page.keyboard.press("Tab")
        if page.evaluate(active) == "gp-play":
            break
    else:
        pytest.fail("Tab never reached the play control")
    page.keyboard.press("Enter")
    page.wait_for_timeout(300)
    assert playing(page)
    page.keyboard.press("Space")
    page.wait_for_timeout(100)
    assert not playing(page)
    live = page.locator(f"{PLAYER} [aria-live='polite']").first
    assert live.inner_text() == f"Step {frame(page)} of 86"


def test_share_link_carries_the_replays_place(page, app_url):
    open_counting(page, f"{app_url}/Gradient_descent?x0=0,3&frame=12&speed=20&play=1")
    player(page).get_by_role("button", name="Pause the replay").click()
    stopped = frame(page)
    wait_for_run(page)
    page.wait_for_function(f"() => location.search.includes('frame={stopped}')")
    # The address bar changes as soon as the widgets do; the share link only when the script run that took
    # the Pause report has drawn it (wait_for_run can return just before that run starts).
    link = "[...document.querySelectorAll('a')].find(a => a.innerText.includes('Share this view'))"
    page.wait_for_function(f"() => {{ const a = {link}; return a && a.href.includes('frame={stopped}&'); }}")
    href = page.locator("a:has-text('Share this view')").get_attribute("href")
    q = dict(urllib.parse.parse_qsl(urllib.parse.urlsplit(href).query))
    assert (q["frame"], q["play"], q["speed"]) == (str(stopped), "0", "20")
    assert page.locator(APP).count() == 1
    assert descent_limits.MAX_STEPS >= stopped



def test_adagrad_races_play_together_under_one_counter(page, app_url):
    open_counting(page, f"{app_url}/Adagrad")
    race = player(page, 1)  # the 2-D race: 285 updates (momentum's), 50 per second
    race.scroll_into_view_if_needed()
    assert [t.strip() for t in race.locator(".gp-legend span").all_inner_texts()] == [
        "gradient descent", "momentum", "Adagrad"]
    race.get_by_role("button", name="Play the replay").click()
    page.wait_for_timeout(1500)
    moved = frame(page, 1)
    assert 20 < moved < 285 and playing(page, 1)
    # all three paths drawn up to the counter: each has a visible polyline
    drawn = race.locator("polyline[display=inline]").count()
    assert drawn >= 3
    race.get_by_role("button", name="Pause the replay").click()
    # each race's place is in the link (r1_, r2_ frame/play/speed): pausing writes the 2-D race's, not the 1-D's
    page.wait_for_function("() => /[?&]r2_frame=[1-9]/.test(location.search)", timeout=10_000)
    assert "r1_frame=" not in page.url or "r1_frame=0" in page.url
    assert frame(page, 0) == 0  # the 1-D race did not move


def test_mlp_training_replay_plays_its_snapshots(page, app_url):
    open_page(page, f"{app_url}/MLP_training?epochs=2&n=2000&seed=11")
    page.get_by_role("button", name="Train").click()
    wait_for_done(page)  # the live picture is a player too: the replay comes with the finished page
    page.wait_for_selector(PLAYER, timeout=60_000)
    counter = player(page).get_by_test_id("gp-counter")
    text = counter.inner_text()
    assert text.startswith("Snapshot 0 of ") and int(text.split()[-1]) >= 50, text
    curve = player(page).locator(".gp-curve")
    start = curve.get_attribute("points")
    assert curve.get_attribute("data-snapshot") == "0"
    player(page).get_by_role("button", name="Play the replay").click()
    page.wait_for_timeout(2000)
    player(page).get_by_role("button", name="Pause the replay").click()
    shown = frame(page)
    assert shown > 5 and counter.inner_text().startswith(f"Snapshot {shown} of ")
    assert curve.get_attribute("data-snapshot") == str(shown)
    assert curve.get_attribute("points") != start  # the fit moves with the snapshots
    assert player(page).locator(".gp-marker").count() == 8  # a marker per probe on each panel
    assert_no_exception(page)


def test_quick_clicks_are_not_undone_by_the_script_runs_they_cause(page, app_url):
    """Reset then Step, clicked one after the other: each reports its place, each report is a script run, and
    the first run's page (update 0) could reach the browser after the Step; it used to undo the Step."""
    open_counting(page, f"{app_url}/Gradient_descent?frame=30")
    assert frame(page) == 30
    for _ in range(4):
        player(page).get_by_role("button", name="Step one update").click()
        wait_for_run(page)
        player(page).get_by_role("button", name="Reset to update 0").click()
        player(page).get_by_role("button", name="Step one update").click()
        wait_for_run(page)
        page.wait_for_timeout(1000)  # a late page of the Reset's run would arrive by now
        wait_for_run(page)
        assert frame(page) == 1
