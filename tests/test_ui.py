"""ui's helpers that are not widgets: exact numbers in links, plain-text notices."""
from helpers import shown

import ui


def test_exact_keeps_short_forms_and_every_digit_otherwise():
    assert [ui.exact(x) for x in (1e-5, 1.0, 0.1, 2.5)] == ["1e-05", "1", "0.1", "2.5"]
    for x in (0.00012345678, 0.1 + 0.2, 2.0000004, 1 / 3):
        assert float(ui.exact(x)) == x


def test_plain_escapes_every_markdown_construct_and_shows_the_same_characters():
    for text in ["[a](https://e.com)", "**b**", ":red[c]", "$x^2$", "<b>d</b>", "a@b.c", "www.e.com", "-1.5"]:
        md = ui.plain(text)
        assert shown(md) == text
        assert "](" not in md and "**" not in md and "://" not in md and "www." not in md


def test_per_run_computes_once_per_point_of_a_run_for_all_sessions():
    from core.train import TrainConfig
    from runs.store import RunView

    config = TrainConfig(seed=12345, n_samples=10, hidden=(3,))
    calls = []
    a, b = RunView.start(config), RunView.start(config)  # two sessions' views of one point of one run
    assert ui.per_run(a, "x", lambda: calls.append(1) or "charts") == "charts"
    assert ui.per_run(b, "x", lambda: calls.append(2) or "other") == "charts" and calls == [1]
    later = RunView(config, samples_seen=5, flat=a.flat)
    assert ui.per_run(later, "x", lambda: "later") == "later"
    for i in range(ui._PER_RUN_MAX + 5):
        ui.per_run(RunView(config, samples_seen=100 + i, flat=a.flat), "x", lambda: None)
    assert len(ui._PER_RUN) == ui._PER_RUN_MAX and (config, 0, None, "x") not in ui._PER_RUN
