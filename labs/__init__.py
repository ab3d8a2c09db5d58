"""All one lab shows, without Streamlit: per lab (``labs.descent``, ``labs.adagrad``, ``labs.mlp``) the table of
its URL settings (``settings``: keys, defaults, bounds, the page sections a teacher can hide) and the registry
of answers a lesson can ask about (``answers``), computed from ``core``; ``labs.glossary`` defines the terms.

Layers: pages -> app glue -> labs, lessons -> core. Nothing here imports streamlit.
"""
from __future__ import annotations

import importlib

from i18n import N_

LABS = ("descent", "adagrad", "mlp")
PAGES = {"descent": "/Gradient_descent", "adagrad": "/Adagrad", "mlp": "/MLP_training"}  # URL path of each lab
TITLES = {"descent": N_("Gradient descent"), "adagrad": N_("Adagrad"), "mlp": N_("MLP training")}  # shown as _(title)


def settings_of(lab: str):
    """The module ``labs.<lab>.settings`` (SETTINGS, SECTIONS, validate, defaults)."""
    if lab not in LABS:
        raise ValueError(f"Invalid lab: {lab!r} (one of {', '.join(LABS)})")
    return importlib.import_module(f"labs.{lab}.settings")


def answers_of(lab: str):
    """The module ``labs.<lab>.answers`` (ANSWERS: name -> AnswerFunction)."""
    if lab not in LABS:
        raise ValueError(f"Invalid lab: {lab!r} (one of {', '.join(LABS)})")
    return importlib.import_module(f"labs.{lab}.answers")
