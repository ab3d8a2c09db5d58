"""app.widgets: exact numbers in links, plain-text notices, and URL-bound fields that read what a visitor
means (on/off keys, decimal commas, lists) or say what they refused."""
from helpers import shown

from app import widgets


def test_exact_keeps_short_forms_and_every_digit_otherwise():
    assert [widgets.exact(x) for x in (1e-5, 1.0, 0.1, 2.5)] == ["1e-05", "1", "0.1", "2.5"]
    for x in (0.00012345678, 0.1 + 0.2, 2.0000004, 1 / 3):
        assert float(widgets.exact(x)) == x


def test_plain_escapes_every_markdown_construct_and_shows_the_same_characters():
    for text in ["[a](https://e.com)", "**b**", ":red[c]", "$x^2$", "<b>d</b>", "a@b.c", "www.e.com", "-1.5"]:
        md = widgets.plain(text)
        assert shown(md) == text
        assert "](" not in md and "**" not in md and "://" not in md and "www." not in md


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
