"""One glossary: term -> a short definition in plain sentences. Pages show a term's definition where a learner
first meets it, lessons link their terms here, and a translation translates this table once."""
from __future__ import annotations

import re

GLOSSARY = {
    "learning rate": "The number lr that scales every step: x ← x − lr·(slope of the loss). Too small and a run "
                     "crawls; too large and it overshoots.",
    "converge": "A run converges when it gets as close to a root as the tolerance asks (|p(x)| < tol) and stops.",
    "diverge": "A run diverges when every step overshoots further than the last and x runs off to infinity.",
    "vertex": "The lowest or highest point of the parabola p(x), x = −b/(2a). The slope of p² is 0 there too, so "
              "a run that lands exactly on it stays.",
    "2-cycle": "A run that ends hopping between the same two points for ever: each step overshoots the root by "
               "just as much as the last, in the other direction. A 4-cycle visits four points in turn.",
    "chaos": "A run that never settles and never repeats, although every step follows the same rule: it wanders "
             "within a range, and two starts that differ by a hair soon go quite different ways.",
    "basin": "The basin (of attraction) of a root: every start point from which the run reaches that root, at a "
             "given learning rate.",
    "cobweb": "A picture of the update map x → x − lr·loss′(x): from each x, go up to the map's curve, then across "
              "to the diagonal, which gives the next x. A run that settles spirals in to a fixed point.",
    "stability bound": "The largest learning rate at which a root still attracts the runs near it: beyond it every "
                       "step overshoots the root by more than it started from. For p = a·x² + b·x + c it is "
                       "1/(b² − 4ac).",
    "effective step": "How far an optimiser moved for the gradient it saw, |Δx| / |g|: gradient descent's is lr at "
                      "every step; Adagrad's is lr/(√G + eps), and it only shrinks.",
    "effective learning rate": "Adagrad's per-parameter step size lr / (√G + eps): the number that multiplies −g.",
    "G": "Adagrad's running sum of a parameter's squared gradients, G = g₁² + g₂² + …: it only grows.",
    "eps": "A tiny number added to √G (or √s) so that the step stays finite before any gradient is seen.",
    "momentum": "An optimiser that keeps a velocity v ← β·v − lr·g and moves by it, so steps that keep pointing "
                "the same way add up.",
    "RMSProp": "Adagrad with a memory that fades: it divides by the root of a decaying mean s of g² instead of "
               "their sum, so old gradients are forgotten and the step does not shrink for good.",
    "Adam": "RMSProp's decaying mean of g² under momentum's decaying mean of g, both bias-corrected: its steps are "
            "about lr in size.",
    "bias correction": "Adam's means start at 0, so early on they are too small; dividing them by 1 − β^t (t the "
                       "step) makes up for it.",
    "kink": "The point x = −b/w where a ReLU unit switches on or off. A ReLU net is a straight line between "
            "kinks and bends only at them.",
    "dead unit": "A ReLU unit that outputs 0 for every input of the data: no gradient reaches it, so it never "
                 "learns again.",
    "ReLU": "The activation relu(z) = max(0, z): 0 for negative z, z itself for positive z.",
    "tanh": "The activation tanh(z): an S-shaped curve from −1 to 1 that flattens out (saturates) for large |z|.",
    "epoch": "One pass of training over every point of the data.",
    "extrapolation": "Asking a model about an input far outside the data it learned from, like x = 103 for a net "
                     "trained on [−3, 3].",
}


def define(term: str) -> str:
    """The definition of ``term`` (case-insensitive), or a KeyError naming the known terms."""
    for key, text in GLOSSARY.items():
        if key.lower() == term.lower():
            return text
    raise KeyError(f"No glossary entry for {term!r} (terms: {', '.join(GLOSSARY)})")


def terms_in(text: str) -> list[str]:
    """The glossary's terms that ``text`` uses (a plural too: 'kinks', 'dead units'), in the order they first
    appear."""
    found = []
    for term in GLOSSARY:
        flags = re.IGNORECASE if len(term) > 3 else 0  # "G", "Adam": as written, not every g
        plural = r"(?:s|es)?" if len(term) > 3 else ""
        match = re.search(r"(?<![\w-])" + re.escape(term) + plural + r"(?![\w-])", text, flags=flags)
        if match:
            found.append((match.start(), term))
    return [term for _, term in sorted(found)]


# The exercise's own words: a learner who did it by hand knows them, so a page does not stop to define them.
KNOWN = ("learning rate", "converge", "diverge", "epoch")
ENTRY = "**{term}**: {definition}"  # one definition in a tooltip


def tooltip(terms) -> str | None:
    """The definitions of ``terms``, one paragraph each, for a heading's ``help=`` (None when there are none)."""
    return "\n\n".join(ENTRY.format(term=term, definition=define(term)) for term in terms) or None


class FirstUse:
    """The terms one page has defined so far, in one run of it, so that each is defined where it first appears
    (a hidden section defines nothing, and the next one that uses the term defines it)."""

    def __init__(self, known=KNOWN):
        self.defined = {term.lower() for term in known}

    def new(self, *texts: str, also=()) -> list[str]:
        """The terms ``texts`` use (and the terms ``also``, which they mean without naming them) that are not
        defined yet on this page; from now on they are."""
        for term in also:
            define(term)  # a KeyError that names the known terms, for a term the glossary lacks
        terms = [t for text in texts for t in terms_in(text)] + list(also)
        fresh = list(dict.fromkeys(t for t in terms if t.lower() not in self.defined))
        self.defined.update(t.lower() for t in fresh)
        return fresh

    def help(self, *texts: str, also=()) -> str | None:
        """A tooltip defining the terms ``new`` finds (None when every one is defined already)."""
        return tooltip(self.new(*texts, also=also))
