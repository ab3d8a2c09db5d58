"""ui's helpers that are not widgets: exact numbers in links, plain-text notices."""
from helpers import shown

from app import ui


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
    for i in range(ui._PER_RUN_MAX + 5):  # other runs: the least recently used go
        ui.per_run(RunView.start(TrainConfig(seed=i, n_samples=10, hidden=(3,))), "x", lambda: None)
    assert len(ui._PER_RUN) == ui._PER_RUN_MAX and (config, "x") not in ui._PER_RUN


def test_per_run_keeps_only_the_latest_point_of_each_run_within_its_bytes(monkeypatch):
    import numpy as np

    from core.train import TrainConfig
    from runs.store import RunView

    monkeypatch.setattr(ui, "_PER_RUN", type(ui._PER_RUN)())
    monkeypatch.setattr(ui, "_PER_RUN_BYTES", 3 * 2**20)
    config = TrainConfig(seed=54321, n_samples=10, hidden=(3,))
    start = RunView.start(config)
    for samples in range(0, 50, 10):  # five chunks of one run: one entry, the latest
        ui.per_run(RunView(config, samples_seen=samples, flat=start.flat), "charts", lambda: np.zeros(1000))
    assert len(ui._PER_RUN) == 1 and next(iter(ui._PER_RUN.values()))[0] == (40, None)
    for seed in range(5):  # five runs of 1 MiB each: the oldest go, the total stays within 3 MiB
        other = RunView.start(TrainConfig(seed=seed, n_samples=10, hidden=(3,)))
        ui.per_run(other, "charts", lambda: np.zeros(2**17))
    assert sum(entry[2] for entry in ui._PER_RUN.values()) <= 3 * 2**20
    assert [key[0].seed for key in ui._PER_RUN] == [2, 3, 4]


def test_approx_bytes_counts_buffers_and_nested_containers():
    import numpy as np
    import pandas as pd

    assert ui.approx_bytes(np.zeros(1000)) == 8000
    assert ui.approx_bytes(pd.DataFrame({"a": np.zeros(1000)})) >= 8000
    spec = {"data": {"values": [{"x": float(i), "y": float(i)} for i in range(1000)]}}
    assert 1000 * (2 * 24 + 64) < ui.approx_bytes(spec) < 1000 * 1000  # 1,000 small dicts of two floats


def test_release_free_heap_returns_a_departed_visitors_scattered_memory():
    """Memory freed in the middle of a heap (small blocks, every other one kept) stays in the process until
    the heap is trimmed: what a departed session's thread leaves in its arena."""
    import sys
    import threading

    import pytest

    if not sys.platform.startswith("linux"):
        pytest.skip("glibc's malloc_trim")

    def rss_kib() -> int:
        with open("/proc/self/status") as f:
            return next(int(line.split()[1]) for line in f if line.startswith("VmRSS:"))

    kept = []

    def visitor():  # a thread's arena: 160 MB of 4 KB blocks, every 40th kept, so the heap's top stays
        blocks = [bytearray(4000) for _ in range(40_000)]
        kept.extend(blocks[::40])

    thread = threading.Thread(target=visitor)
    thread.start()
    thread.join()
    before = rss_kib()
    assert ui.release_free_heap()
    freed_mib = (before - rss_kib()) / 1024
    assert freed_mib > 100, f"trimming gave back {freed_mib:.0f} MiB"  # 148 MiB here; without it, nothing
    assert len(kept) == 1000


def test_every_on_off_url_key_takes_1_and_true_alike():
    """units=1 was refused ("use true or false") while play=1 and train=1 were taken: one rule for all."""
    from helpers import run_app

    for raw, value in [("1", True), ("true", True), ("TRUE", True), (" 1 ", True), ("0", False)]:
        for key, other in [("units", "shuffle"), ("shuffle", "units")]:
            at = run_app("pages/3_MLP_training.py", {key: raw})
            boxes = {w.key: w.value for w in at.checkbox}
            assert boxes[key] is value and boxes[other] is False, (key, raw, boxes)
            assert not at.warning, [w.value for w in at.warning]
            at.run()  # the visitor's later runs keep it, and a click still changes it
            assert next(w for w in at.checkbox if w.key == key).value is value
            next(w for w in at.checkbox if w.key == key).set_value(not value).run()
            assert next(w for w in at.checkbox if w.key == key).value is (not value)
    at = run_app("pages/3_MLP_training.py", {"units": "yes"})
    assert next(w for w in at.checkbox if w.key == "units").value is False
    assert any("units = “yes”" in shown(w.value) and "1 or true" in shown(w.value) for w in at.warning)


def _share_query(at) -> dict:
    """The page's share link, as its query's {key: value}."""
    import re
    import urllib.parse

    link = next(m.value for m in at.markdown if "Share this view" in m.value)
    return dict(urllib.parse.parse_qsl(re.search(r"\?([^)]*)\)", link).group(1)))


def test_a_decimal_comma_in_a_number_field_is_the_point_it_is_never_another_number():
    """Typed "0,05" into "Learning rate lr" gave lr = 5 with no notice (a browser number field drops the comma)."""
    from helpers import run_app

    at = run_app("pages/1_Gradient_descent.py")
    at.text_input(key="lr").set_value("0,05").run()
    assert not at.exception and not at.warning
    assert at.text_input(key="lr").value == "0.05"  # shown as what it was read as
    assert float(_share_query(at)["lr"]) == 0.05
    at = run_app("pages/1_Gradient_descent.py", {"lr": "0,05", "steps": "2,5e2"})  # and in a link
    assert not at.warning and (float(_share_query(at)["lr"]), _share_query(at)["steps"]) == (0.05, "250")
    for key, raw, default in [("steps", "1,000", "1000"), ("lr", "1 000", "0.01"), ("lr", "0,0,5", "0.01")]:
        at = run_app("pages/1_Gradient_descent.py", {key: raw})
        notices = [shown(w.value) for w in at.warning]
        assert any(f"{key} = “{raw}”" in n for n in notices), notices  # refused by name, never read as another
        assert _share_query(at)[key] == default


def test_a_list_with_semicolons_reads_commas_as_decimal_commas_and_an_ambiguous_list_says_how_it_was_read():
    from helpers import run_app

    at = run_app("pages/1_Gradient_descent.py", {"x0": "2,5; 3"})
    assert _share_query(at)["x0"] == "2.5,3" and not at.warning
    assert not [c for c in at.caption if "Read as" in c.value]
    at = run_app("pages/1_Gradient_descent.py", {"x0": "2,5"})  # two starts, as links in circulation mean it
    assert _share_query(at)["x0"] == "2,5"
    assert any("Read as 2 numbers: 2; 5." in c.value and "(2,5; 3)" in c.value for c in at.caption)
    at = run_app("pages/1_Gradient_descent.py", {"x0": "-1, 2"})  # a space after each comma: no doubt
    assert not [c for c in at.caption if "Read as" in c.value]
