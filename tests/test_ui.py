"""ui's helpers that are not widgets: exact numbers in links, plain-text notices."""
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
