"""The stretches of start points at one learning rate, in words and as claims: where ``core.basins`` says the
starts go, stated as "every start in (a, b) reaches r" (``StartsClaim``, which a test re-checks by sampling)
where the grid saw enough starts of one class, and described, not claimed, between them (``MixedStretch``)."""
from __future__ import annotations

from dataclasses import dataclass

from core.basins import Basins, Segment
from core.descent import DIVERGED_CODE, HIGH_ROOT, LOW_ROOT, UNFINISHED
from core.objective import Quadratic
from i18n import N_, _, ngettext
from labs.descent.format import Starts, fmt, fmt_down, fmt_lr, fmt_up


@dataclass(frozen=True)
class StartsClaim:
    """'Every start strictly between lo and hi, at lr, …': what is "reach" (the root ``root``), "diverge"
    (escape within max_steps) or "bounded" (never escape within max_steps)."""

    lo: float
    hi: float
    lr: float
    max_steps: int
    tol: float
    what: str
    root: float | None = None


@dataclass(frozen=True)
class MixedStretch:
    """'From lo to hi starts reach 1 or 4 …': a stretch where the grid saw several outcomes, described from
    what its grid starts and their refinement saw, not claimed of every start. ``reaches`` holds the roots
    reached, and "diverge" and "neither" (cycles, chaos, the vertex, too slow) when seen."""

    lo: float
    hi: float
    reaches: frozenset


# A stated stretch, whole clauses: every start there diverges, or reaches {root}.
EVERY_DIVERGES = {"all": N_("every start from {lo} to {hi} diverges"), "below": N_("every start below {hi} diverges"),
                  "beyond": N_("every start beyond {lo} diverges"), "in": N_("every start in ({lo}, {hi}) diverges")}
EVERY_REACHES = {"all": N_("every start from {lo} to {hi} reaches {root}"),
                 "below": N_("every start below {hi} reaches {root}"),
                 "beyond": N_("every start beyond {lo} reaches {root}"),
                 "in": N_("every start in ({lo}, {hi}) reaches {root}")}

MIN_CLAIM_STARTS = 3  # a stretch is stated as "every start in (a, b)" only when this many grid starts saw it


def _root_of(problem: Quadratic, code: int) -> float | None:
    roots = problem.roots()
    if code == LOW_ROOT and roots:
        return roots[0]
    if code == HIGH_ROOT and len(roots) == 2:
        return roots[1]
    return None


def claimable(problem: Quadratic, seg: Segment) -> bool:
    if seg.starts < MIN_CLAIM_STARTS or seg.code not in (LOW_ROOT, HIGH_ROOT, DIVERGED_CODE):
        return False
    if seg.code != DIVERGED_CODE and _root_of(problem, seg.code) is None:
        return False
    return float(fmt_up(seg.lo)) < float(fmt_down(seg.hi))


def or_list(items) -> str:
    """Clauses (or numbers) joined by "or", in the current language: 'reach 1 or 4 or diverge'."""
    items = list(items)
    text = items[0]
    for item in items[1:]:
        text = _("{either} or {other}", either=text, other=item)
    return text


def _mix_words(problem: Quadratic, codes: set, max_steps: int) -> str:
    words = []
    reached = [fmt(_root_of(problem, code)) for code in (LOW_ROOT, HIGH_ROOT)
               if code in codes and _root_of(problem, code) is not None]
    if reached:
        words.append(_("reach {roots}", roots=or_list(reached)))
    if DIVERGED_CODE in codes:
        words.append(_("diverge"))
    if codes - {LOW_ROOT, HIGH_ROOT, DIVERGED_CODE}:
        words.append(_("head for the vertex") if not problem.roots() and problem.vertex is not None
                     else ngettext("neither converge nor diverge within {n} steps",
                                   "neither converge nor diverge within {n} steps", max_steps))
    return or_list(words)


def _what_seen(problem: Quadratic, codes: set) -> frozenset:
    seen = {_root_of(problem, code) for code in codes if _root_of(problem, code) is not None}
    if DIVERGED_CODE in codes:
        seen.add("diverge")
    if codes - {LOW_ROOT, HIGH_ROOT, DIVERGED_CODE}:
        seen.add("neither")
    return frozenset(seen)


def basin_sentence(problem: Quadratic, found: Basins, starts: Starts
                   ) -> tuple[str, list[StartsClaim], list[MixedStretch]]:
    """Where the starts go at one lr, left to right: the stretches every start of which reaches a root or
    diverges (stated as claims), and the mixed stretches between them (described, not claimed: their
    grid may miss thin stretches, so the sentence does not count them)."""
    segs = found.segments
    lo_all, hi_all = segs[0].lo, segs[-1].hi
    # Stated as claims: the stretch around each root and the far stretches that diverge; what lies between
    # (starts that jump over the vertex, cycles, chaos) is described, not claimed.
    claimed = [s for s in segs if claimable(problem, s) and (
        s is segs[0] or s is segs[-1] or (s.code != DIVERGED_CODE and s.lo <= _root_of(problem, s.code) <= s.hi))]
    claims, mixed = [], []
    parts = []
    cursor = lo_all
    vertex = problem.vertex

    def gap(g_lo, g_hi):
        inside = [s for s in segs if s.hi > g_lo and s.lo < g_hi]
        if not inside or g_hi - g_lo <= 1e-9 * (1 + abs(g_lo) + abs(g_hi)):
            return
        if len(inside) == 1 and inside[0].starts == 1 and vertex is not None and g_lo <= vertex <= g_hi \
                and inside[0].code == UNFINISHED:
            return  # only the vertex itself, where a start never moves (said in the first answer)
        codes = {s.code for s in inside}
        parts.append(_("from {lo} to {hi} starts {what}", lo=fmt(g_lo), hi=fmt(g_hi),
                       what=_mix_words(problem, codes, found.max_steps)))
        mixed.append(MixedStretch(g_lo, g_hi, _what_seen(problem, codes)))

    for seg in claimed:
        gap(cursor, seg.lo)
        root = _root_of(problem, seg.code)
        what = "diverge" if seg.code == DIVERGED_CODE else "reach"
        lo_text, hi_text = starts.interval(seg.lo, seg.hi)
        place = dict(lo=fmt(lo_all), hi=fmt(hi_all))
        if seg.lo == lo_all and seg.hi == hi_all:
            key = "all"
        elif seg.lo == lo_all:
            key, place = "below", dict(hi=hi_text)
        elif seg.hi == hi_all:
            key, place = "beyond", dict(lo=lo_text)
        else:
            key, place = "in", dict(lo=lo_text, hi=hi_text)
        if what == "diverge":
            parts.append(_(EVERY_DIVERGES[key], **place))
        else:
            parts.append(_(EVERY_REACHES[key], root=fmt(root), **place))
        claims.append(StartsClaim(seg.lo, seg.hi, found.lr, found.max_steps, found.tol, what, root))
        cursor = seg.hi
    gap(cursor, hi_all)
    return "; ".join(parts), claims, mixed


def stretch_words(lo: float, hi: float, found: Basins, starts: Starts) -> str:
    """Where a stated stretch lies, as ``basin_sentence`` prints it: 'in (a, b)', 'below b', 'beyond a'."""
    lo_all, hi_all = found.segments[0].lo, found.segments[-1].hi
    lo_text, hi_text = starts.interval(lo, hi)
    if lo == lo_all and hi == hi_all:
        return _("from {lo} to {hi}", lo=fmt(lo_all), hi=fmt(hi_all))
    if lo == lo_all:
        return _("below {hi}", hi=hi_text)
    if hi == hi_all:
        return _("beyond {lo}", lo=lo_text)
    return _("in ({lo}, {hi})", lo=lo_text, hi=hi_text)


def divergence_distance(problem: Quadratic, found: Basins, claims: list[StartsClaim]) -> float | None:
    """The distance from the vertex beyond which every start diverges at found.lr, printed as run (rounded up
    to 4 digits): from the far stretches stated to diverge on both sides (None unless both are stated)."""
    vertex, segs = problem.vertex, found.segments
    left = next((c for c in claims if c.what == "diverge" and c.lo == segs[0].lo), None)
    right = next((c for c in claims if c.what == "diverge" and c.hi == segs[-1].hi), None)
    if vertex is None or left is None or right is None:
        return None
    return float(fmt_up(max(vertex - left.hi, right.lo - vertex)))


def start_notes(problem: Quadratic, found: Basins, claims: list[StartsClaim]) -> list[str]:
    """What the stretches add up to: each root attracts its side, far starts jump or overshoot. Appends to
    ``claims`` the far stretches beyond the distance it quotes."""
    notes = []
    roots = problem.roots()
    root_claims = [c for c in claims if c.what == "reach"]
    if len(roots) == 2 and {c.root for c in root_claims} == set(roots):
        notes.append(_("next to the vertex {vertex} each start goes to the root on its side",
                       vertex=fmt(problem.vertex)))
    if any(s.code in (LOW_ROOT, HIGH_ROOT) for s in found.segments) and len(roots) == 2 and any(
            (s.code == LOW_ROOT and s.lo > problem.vertex) or (s.code == HIGH_ROOT and s.hi < problem.vertex)
            for s in found.segments):
        notes.append(_("further out a single step can jump over the vertex to the other root"))
    distance = divergence_distance(problem, found, claims)
    if distance is not None and problem.stable_lr() is not None:
        vertex, segs = problem.vertex, found.segments
        notes.append(_("far out the loss is so steep that the first step overshoots: at every learning rate there is "
                       "a distance from the vertex beyond which starts diverge (it grows as lr shrinks, roughly like "
                       "1/√lr), and at lr = {lr} it is {distance}: every start farther than "
                       "{distance} from {vertex} diverges", lr=fmt_lr(found.lr), distance=fmt(distance),
                       vertex=fmt(vertex)))
        claims += [StartsClaim(segs[0].lo, vertex - distance, found.lr, found.max_steps, found.tol, "diverge"),
                   StartsClaim(vertex + distance, segs[-1].hi, found.lr, found.max_steps, found.tol, "diverge")]
    return notes


def bounded_claim(problem: Quadratic, max_steps: int, tol: float) -> StartsClaim | None:
    """'Starts between the roots stay bounded up to lr = 2/(b² − 4ac)': the claim at that lr, printed with 4
    digits and rounded down so the lr run is the lr printed."""
    bound = problem.stable_lr()
    if bound is None or len(problem.roots()) != 2:
        return None
    lo, hi = problem.roots()
    return StartsClaim(lo, hi, float(fmt_down(2 * bound)), max_steps, tol, "bounded")
