"""Basins of attraction at one learning rate: the stretches of start points from which gradient descent
reaches each root, and those from which it diverges (``basins``; ``symmetric_basins`` searches one side of the
vertex and mirrors it). Found by ``core.sweep.sweep`` over a grid of starts, each boundary then narrowed.
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from core.descent import DIVERGED_CODE, DIVERGENCE_BOUND, HIGH_ROOT, LOW_ROOT, UNFINISHED, VERTEX
from core.sweep import sweep

BASIN_GRID = 2001    # starts, spaced densely near the roots and sparsely far out (asinh spacing)
BASIN_REFINE = 4     # rounds of 15-point refinement per boundary: each narrows it 16-fold


@dataclass(frozen=True)
class Segment:
    """A stretch of start points with one sweep outcome class at one lr.

    ``lo`` and ``hi`` are the outermost starts known to have the class (the ends of the searched range, or
    points found by refining each boundary between grid starts); ``starts`` counts the grid starts inside.
    """

    lo: float
    hi: float
    code: int     # LOW_ROOT | HIGH_ROOT | DIVERGED_CODE | UNFINISHED (vertex, cycle, chaos, too slow)
    starts: int


@dataclass(frozen=True)
class Basins:
    """Where gradient descent goes from each start at one lr: ordered, touching Segments over [lo, hi]."""

    lr: float
    max_steps: int
    tol: float
    segments: tuple[Segment, ...]
    grid_starts: int
    mirror: float | None = None  # the vertex the segments were mirrored through (``symmetric_basins``), if any


def _coarse(problem, x0s, lr, max_steps, tol) -> np.ndarray:
    """Outcome class of each start: roots and diverged as in sweep, everything else UNFINISHED."""
    codes = sweep(problem, x0s, [lr], max_steps, tol).outcome[0]
    return np.where(codes == VERTEX, UNFINISHED, codes)


def _refine(problem, left, right, keep, lr, max_steps, tol, from_left: bool) -> np.ndarray:
    """For each bracket [left, right], the farthest point (from the left end, or from the right end) up to
    which the class ``keep`` holds without a break, narrowed by BASIN_REFINE rounds of 15 inner points."""
    left, right = np.array(left, dtype=float), np.array(right, dtype=float)
    if not left.size:
        return left
    rows = np.arange(len(left))
    for _ in range(BASIN_REFINE):
        inner = left[:, None] + (right - left)[:, None] * np.arange(1, 16)[None, :] / 16
        inner_codes = _coarse(problem, inner.ravel(), lr, max_steps, tol).reshape(inner.shape)
        points = np.column_stack([left, inner, right])
        same = inner_codes == keep[:, None]
        if from_left:
            same = np.column_stack([np.ones(len(left), bool), same, np.zeros(len(left), bool)])
            k = same.argmin(axis=1)  # the first point not of the class
            left, right = points[rows, k - 1], points[rows, k]
        else:
            same = np.column_stack([np.zeros(len(left), bool), same, np.ones(len(left), bool)])
            k = 16 - same[:, ::-1].argmin(axis=1)  # the last point, from the right, not of the class
            left, right = points[rows, k], points[rows, k + 1]
    return left if from_left else right


def basins(problem, lr: float, max_steps: int, tol: float, lo: float, hi: float,
           grid: int = BASIN_GRID) -> Basins:
    """The starts in [lo, hi] from which each root is reached at ``lr`` (within max_steps), and those from
    which runs diverge: a sweep over ``grid`` starts, then every change of class between neighbours is
    narrowed by BASIN_REFINE rounds of sweeps inside it. Costs about grid + 60·(boundaries) runs.

    A stretch narrower than the grid spacing can hide between two starts of one class: the segments are
    what the grid and the refinement saw, and claims made from them are tested by sampling.
    """
    centre = problem.vertex if problem.vertex is not None else (problem.roots() or (0.0,))[0]
    centre = float(np.clip(centre, lo, hi))
    roots = problem.roots()
    scale = max(1.0, (roots[-1] - roots[0]) / 2 if len(roots) == 2 else 1.0)
    t = np.linspace(np.arcsinh((lo - centre) / scale), np.arcsinh((hi - centre) / scale), grid)
    x0s = np.clip(centre + scale * np.sinh(t), lo, hi)
    x0s[0], x0s[-1] = lo, hi
    x0s = np.unique(np.r_[x0s, [r for r in roots if lo <= r <= hi], [centre]])
    codes = _coarse(problem, x0s, lr, max_steps, tol)
    change = np.flatnonzero(codes[1:] != codes[:-1])
    # Each boundary is narrowed twice: from the left, keeping the stretch of the left class that touches the
    # left start; from the right, likewise. Between the two may lie a mixed stretch the grid did not resolve.
    ends = _refine(problem, x0s[change], x0s[change + 1], codes[change], lr, max_steps, tol, from_left=True)
    starts = _refine(problem, x0s[change], x0s[change + 1], codes[change + 1], lr, max_steps, tol,
                     from_left=False)
    segments = []
    first = 0
    lasts = list(change) + [len(x0s) - 1]
    for n, last in enumerate(lasts):
        seg_lo = x0s[0] if n == 0 else starts[n - 1]
        seg_hi = x0s[-1] if n == len(lasts) - 1 else ends[n]
        segments.append(Segment(float(seg_lo), float(seg_hi), int(codes[first]), int(last - first + 1)))
        first = last + 1
    return Basins(float(lr), int(max_steps), float(tol), tuple(segments), len(x0s))


def _mirrored(seg: Segment, centre: float, swap: bool) -> Segment:
    code = {LOW_ROOT: HIGH_ROOT, HIGH_ROOT: LOW_ROOT}.get(seg.code, seg.code) if swap else seg.code
    return Segment(2 * centre - seg.hi, 2 * centre - seg.lo, code, seg.starts)


def _escape_edges_checked(problem, segments: tuple[Segment, ...], vertex: float, lr, max_steps, tol
                          ) -> tuple[Segment, ...]:
    """The right side's segments, each edge with a diverging stretch narrowed so it holds on both sides.

    The update map commutes with the reflection through the vertex, but the escape test |x| > DIVERGENCE_BOUND
    is centred on 0, not on the vertex: a run that lands within |2·vertex| of the bound escapes on one side and
    not on its mirror image, so an escape edge found on the right sits a little off its mirror on the left. The
    slope of the first update at the bound is about 3·bound/|x|, so the edge moves by less than
    |2·vertex|·|x| / bound. An edge whose mirrored ends do not hold on the left is found again there (in a
    bracket a few times that wide, widened until its ends show the two classes) and both segments keep only
    what holds on both sides: the mirrored segments then state nothing false on either side, and both sides
    still say the same."""
    out = list(segments)
    for i in range(len(out) - 1):
        a, b = out[i], out[i + 1]   # a nearer the vertex, b farther out
        if DIVERGED_CODE not in (a.code, b.code) or a.code == b.code or vertex == 0:
            continue
        mirrored_ends = _coarse(problem, np.array([2 * vertex - b.lo, 2 * vertex - a.hi]), lr, max_steps, tol)
        if mirrored_ends[0] == b.code and mirrored_ends[1] == a.code:
            continue  # the mirrored ends hold on the left as they are
        edge = 2 * vertex - 0.5 * (a.hi + b.lo)   # where the edge lies on the left
        half = 4 * abs(2 * vertex) * max(abs(edge), 1.0) / DIVERGENCE_BOUND + 1e-12 * abs(edge)
        for _ in range(6):
            lo, hi = edge - half, edge + half     # on the left: b's mirror at lo, a's at hi
            codes = _coarse(problem, np.array([lo, hi]), lr, max_steps, tol)
            if codes[0] == b.code and codes[1] == a.code:
                b_end = _refine(problem, [lo], [hi], np.array([b.code]), lr, max_steps, tol, from_left=True)[0]
                a_end = _refine(problem, [lo], [hi], np.array([a.code]), lr, max_steps, tol, from_left=False)[0]
                out[i] = Segment(a.lo, min(a.hi, 2 * vertex - float(a_end)), a.code, a.starts)
                out[i + 1] = Segment(max(b.lo, 2 * vertex - float(b_end)), b.hi, b.code, b.starts)
                break
            half *= 10
    return tuple(out)


def symmetric_basins(problem, lr: float, max_steps: int, tol: float, lo: float, hi: float,
                     grid: int = BASIN_GRID) -> Basins:
    """``basins`` over [lo, hi] (or a little more) for a p with a vertex v, found on one side and mirrored.

    p(v + t) = p(v − t), so loss′(2v − x) = −loss′(x): the update map commutes with the reflection
    x → 2v − x, and the run from 2v − x0 is the mirror image of the run from x0 (it reaches the other root
    when there are two). So the starts in [v, R], R = max(hi, 2v − lo), are searched as ``basins`` does and
    their segments mirrored onto [2v − R, v]: both sides then say the same, as they must (searched
    separately, the two sides' grids resolve different numbers of the thin stretches far out). A line has
    no vertex: plain ``basins``.
    """
    vertex = problem.vertex
    if vertex is None:
        return basins(problem, lr, max_steps, tol, lo, hi, grid)
    vertex = float(vertex)
    reach = max(hi, 2 * vertex - lo)
    right = basins(problem, lr, max_steps, tol, vertex, reach, grid)
    right = Basins(right.lr, right.max_steps, right.tol,
                   _escape_edges_checked(problem, right.segments, vertex, lr, max_steps, tol), right.grid_starts)
    swap = len(problem.roots()) == 2
    left = [_mirrored(s, vertex, swap) for s in reversed(right.segments)]
    first, mirror_of_first = right.segments[0], left[-1]
    if mirror_of_first.code == first.code:  # the stretch through the vertex: one segment, its start counted once
        middle = Segment(mirror_of_first.lo, first.hi, first.code, 2 * first.starts - 1)
        segments = (*left[:-1], middle, *right.segments[1:])
    else:
        segments = (*left, *right.segments)
    return Basins(right.lr, right.max_steps, right.tol, segments, right.grid_starts, mirror=vertex)
