"""One glossary: term -> a short definition in plain sentences. Pages show a term's definition where a learner
first meets it, lessons link their terms here, and a translation translates this table once."""
from __future__ import annotations

import re

from i18n import DEFAULT, N_, _, language, pgettext

GLOSSARY = {
    "learning rate": N_("The number lr that scales every step: x ← x − lr·(slope of the loss). Too small and a run "
                        "crawls; too large and it overshoots."),
    "converge": N_("A run converges when it gets as close to a root as the tolerance asks (|p(x)| < tol) and stops."),
    "diverge": N_("A run diverges when every step overshoots further than the last and x runs off to infinity."),
    "vertex": N_("The lowest or highest point of the parabola p(x), x = −b/(2a). The slope of p² is 0 there too, so "
                 "a run that lands exactly on it stays."),
    "2-cycle": N_("A run that ends hopping between the same two points for ever: each step overshoots the root by "
                  "just as much as the last, in the other direction. A 4-cycle visits four points in turn."),
    "chaos": N_("A run that never settles and never repeats, although every step follows the same rule: it wanders "
                "within a range, and two starts that differ by a hair soon go quite different ways."),
    "basin": N_("The basin (of attraction) of a root: every start point from which the run reaches that root, at a "
                "given learning rate."),
    "cobweb": N_("A picture of the update map x → x − lr·loss′(x): from each x, go up to the map's curve, then across "
                 "to the diagonal, which gives the next x. A run that settles spirals in to a fixed point."),
    "stability bound": N_("The largest learning rate at which a root still attracts the runs near it: beyond it every "
                          "step overshoots the root by more than it started from. For p = a·x² + b·x + c it is "
                          "1/(b² − 4ac)."),
    "effective step": N_("How far an optimiser moved for the gradient it saw, |Δx| / |g|: gradient descent's is lr at "
                         "every step; Adagrad's is lr/(√G + eps), and it only shrinks."),
    "effective learning rate": N_("Adagrad's per-parameter step size lr / (√G + eps): the number that multiplies −g."),
    "G": N_("Adagrad's running sum of a parameter's squared gradients, G = g₁² + g₂² + …: it only grows."),
    "eps": N_("A tiny number added to √G (or √s) so that the step stays finite before any gradient is seen."),
    "momentum": N_("An optimiser that keeps a velocity v ← β·v − lr·g and moves by it, so steps that keep pointing "
                   "the same way add up."),
    "RMSProp": N_("Adagrad with a memory that fades: it divides by the root of a decaying mean s of g² instead of "
                  "their sum, so old gradients are forgotten and the step does not shrink for good."),
    "Adam": N_("RMSProp's decaying mean of g² under momentum's decaying mean of g, both bias-corrected: its steps are "
               "about lr in size."),
    "bias correction": N_("Adam's means start at 0, so early on they are too small; dividing them by 1 − β^t (t the "
                          "step) makes up for it."),
    "kink": N_("The point x = −b/w where a ReLU unit switches on or off. A ReLU net is a straight line between "
               "kinks and bends only at them."),
    "dead unit": N_("A ReLU unit that outputs 0 for every input of the data: no gradient reaches it, so it never "
                    "learns again."),
    "ReLU": N_("The activation relu(z) = max(0, z): 0 for negative z, z itself for positive z."),
    "tanh": N_("The activation tanh(z): an S-shaped curve from −1 to 1 that flattens out (saturates) for large |z|."),
    "epoch": N_("One pass of training over every point of the data."),
    "extrapolation": N_("Asking a model about an input far outside the data it learned from, like x = 103 for a net "
                        "trained on [−3, 3]."),
}
# Each term as a page names it (the course's words in Russian); msgctxt "glossary term". Written out so that Babel
# extracts them: a term's name is translated where it is shown, never here.
TERMS = {
    "learning rate": lambda: pgettext("glossary term", "learning rate"),
    "converge": lambda: pgettext("glossary term", "converge"),
    "diverge": lambda: pgettext("glossary term", "diverge"),
    "vertex": lambda: pgettext("glossary term", "vertex"),
    "2-cycle": lambda: pgettext("glossary term", "2-cycle"),
    "chaos": lambda: pgettext("glossary term", "chaos"),
    "basin": lambda: pgettext("glossary term", "basin"),
    "cobweb": lambda: pgettext("glossary term", "cobweb"),
    "stability bound": lambda: pgettext("glossary term", "stability bound"),
    "effective step": lambda: pgettext("glossary term", "effective step"),
    "effective learning rate": lambda: pgettext("glossary term", "effective learning rate"),
    "G": lambda: pgettext("glossary term", "G"),
    "eps": lambda: pgettext("glossary term", "eps"),
    "momentum": lambda: pgettext("glossary term", "momentum"),
    "RMSProp": lambda: pgettext("glossary term", "RMSProp"),
    "Adam": lambda: pgettext("glossary term", "Adam"),
    "bias correction": lambda: pgettext("glossary term", "bias correction"),
    "kink": lambda: pgettext("glossary term", "kink"),
    "dead unit": lambda: pgettext("glossary term", "dead unit"),
    "ReLU": lambda: pgettext("glossary term", "ReLU"),
    "tanh": lambda: pgettext("glossary term", "tanh"),
    "epoch": lambda: pgettext("glossary term", "epoch"),
    "extrapolation": lambda: pgettext("glossary term", "extrapolation"),
}


def _key(term: str) -> str:
    for key in GLOSSARY:
        if key.lower() == term.lower():
            return key
    raise KeyError(f"No glossary entry for {term!r} (terms: {', '.join(GLOSSARY)})")


def define(term: str) -> str:
    """The definition of ``term`` (case-insensitive) in the current language, or a KeyError naming the known
    terms."""
    return _(GLOSSARY[_key(term)])


def term_name(term: str) -> str:
    """``term`` as the current language names it ("learning rate": «скорость обучения» in Russian)."""
    return TERMS[_key(term)]()


_ENDINGS = "аеёиоуыэюяйь"  # a Russian word's ending drops off before any ending matches: "бассейн(ы) притяжения"


def _pattern(name: str) -> str:
    """A regex for a translated term's name in any grammatical form: each Cyrillic word by its stem."""
    words = []
    for word in name.replace("«", " ").replace("»", " ").split():
        if re.search("[а-яё]", word, re.IGNORECASE):
            stem = word
            for _i in range(2):
                if len(stem) > 4 and stem[-1].lower() in _ENDINGS:
                    stem = stem[:-1]
            words.append("«?" + re.escape(stem) + r"\w*»?")
        else:
            words.append(re.escape(word))
    return r"\s+".join(words)


def terms_in(text: str) -> list[str]:
    """The glossary's terms that ``text`` uses (a plural too: 'kinks', 'dead units'), in the order they first
    appear; in another language, its names of the terms too, in any of their forms."""
    found = []
    for term in GLOSSARY:
        flags = re.IGNORECASE if len(term) > 3 else 0  # "G", "Adam": as written, not every g
        plural = r"(?:s|es)?" if len(term) > 3 else ""
        patterns = [re.escape(term) + plural]
        if language() != DEFAULT and term_name(term) != term:
            patterns.append(_pattern(term_name(term)))
        starts = [m.start() for p in patterns
                  if (m := re.search(r"(?<![\w-])" + p + r"(?![\w-])", text, flags=flags))]
        if starts:
            found.append((min(starts), term))
    return [term for _start, term in sorted(found)]


# The exercise's own words: a learner who did it by hand knows them, so a page does not stop to define them.
KNOWN = ("learning rate", "converge", "diverge", "epoch")
ENTRY = "**{term}**: {definition}"  # one definition in a tooltip


def tooltip(terms) -> str | None:
    """The definitions of ``terms``, one paragraph each, for a heading's ``help=`` (None when there are none)."""
    return "\n\n".join(ENTRY.format(term=term_name(term), definition=define(term)) for term in terms) or None


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
