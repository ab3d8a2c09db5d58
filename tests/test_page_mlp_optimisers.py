"""The MLP page's optimiser section (issue 12): rmsprop and adam with their hyperparameters, read from the
URL, trained to Done, and the same history as the Trainer alone (AppTest; no browser)."""
import pytest
from helpers import run_app, shown, train_to_end

from core.train import TrainConfig, Trainer
from labs.mlp import downloads as mlp_downloads

PAGE = "pages/3_MLP_training.py"



def keys(at) -> set:
    """The number fields' keys (widgets.number draws a number_input, or a text field read as a number)."""
    return {w.key for w in [*at.number_input, *at.text_input]} - {"hidden", "compare"}


def number_shown(at, key: str) -> float:
    field = next(w for w in [*at.number_input, *at.text_input] if w.key == key)
    return float(field.value)


def test_hyperparameters_appear_only_for_the_optimiser_that_uses_them():
    assert not {"decay", "b1", "b2", "eps"} & keys(run_app(PAGE, {}))  # momentum, the default
    assert {"eps"} <= keys(run_app(PAGE, {"opt": "adagrad"})) and "b1" not in keys(run_app(PAGE, {"opt": "adagrad"}))
    assert {"decay", "eps"} <= keys(run_app(PAGE, {"opt": "rmsprop"}))
    at = run_app(PAGE, {"opt": "adam"})
    assert {"b1", "b2", "eps"} <= keys(at) and "decay" not in keys(at)
    assert (number_shown(at, "b1"), number_shown(at, "b2")) == (0.9, 0.999)


@pytest.mark.parametrize("query, config", [
    ({"opt": "adam", "lr": "0.001", "b1": "0.8", "b2": "0.99", "eps": "1e-6"},
     dict(optimizer="adam", lr=1e-3, b1=0.8, b2=0.99, eps=1e-6)),
    ({"opt": "rmsprop", "lr": "0.001", "decay": "0.9"}, dict(optimizer="rmsprop", lr=1e-3, decay=0.9)),
])
def test_a_link_trains_to_done_with_the_trainers_own_numbers(query, config):
    common = {"epochs": "2", "n": "1500", "batch": "8"}
    at = train_to_end(run_app(PAGE, {**query, **common}))
    assert not at.exception and not at.error
    run = at.session_state["mlp_run"]
    expected = TrainConfig(epochs=2, n_samples=1500, batch_size=8, **config)
    assert run.config == expected
    solo = Trainer(expected)
    solo.train(10**9)
    assert mlp_downloads.history_csv(run.history) == mlp_downloads.history_csv(solo.history)
    assert solo.history["loss"].iloc[-1] < solo.history["loss"].iloc[0] / 10  # it learns
    share = next(m.value for m in at.markdown if "Share this view" in m.value)
    for key, value in query.items():
        assert f"{key}={value}" in share or f"{key}={float(value):g}" in share


@pytest.mark.parametrize("key, value", [("b1", "1"), ("b2", "-0.5"), ("decay", "nan"), ("eps", "2")])
def test_bad_hyperparameters_get_a_notice(key, value):
    opt = "rmsprop" if key == "decay" else "adam"
    at = run_app(PAGE, {"opt": opt, key: value})
    assert not at.exception
    assert any(f"Ignored {key}" in shown(w.value) for w in at.warning)
    assert not next(b for b in at.button if b.label == "Train").disabled  # the defaults still run
