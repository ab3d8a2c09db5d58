"""ui's helpers that are not widgets: exact numbers in links, plain-text notices, per-object locks."""
import gc
import threading

from conftest import shown

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


def test_lock_for_gives_one_lock_per_live_object():
    class Thing:
        pass

    a, b = Thing(), Thing()
    assert ui.lock_for(a) is ui.lock_for(a)
    assert ui.lock_for(a) is not ui.lock_for(b)
    held = ui.lock_for(a)
    assert held.acquire(blocking=False)
    results = []
    t = threading.Thread(target=lambda obj: results.append(ui.lock_for(obj).acquire(blocking=False)), args=(a,))
    t.start()
    t.join()
    assert results == [False]  # another thread cannot take it while it is held
    held.release()
    def things():
        return sum(isinstance(key, Thing) for key in list(ui._object_locks.keys()))

    assert things() == 2
    del a
    gc.collect()
    assert things() == 1  # the entry goes with its object
