"""core.sweep.sweep against a scalar Python loop over the same grid, in one process.

Grid: 100 start points in [-1, 6] x 100 learning rates geometrically spaced in [1e-3, 0.2], at most
1000 updates, tol 1e-6, on x^2 - 5x + 4. Target: >= 20x. Also checks both give the same step counts.

    python bench/bench_sweep.py [--repeats 5]
"""
import argparse
import math

import common  # the project on the path: first
import numpy as np

from core.objective import Quadratic
from core.sweep import sweep


def scalar_loop(a, b, c, x0s, lrs, max_steps=1000, tol=1e-6):
    """The straightforward way, as the exercise wrote it: p and its gradient as functions, one plain-float
    descent per (lr, x0) pair, with the same stopping rule as core.descent."""
    def p(x):
        return a * x * x + b * x + c

    def grad(x):
        return 2 * p(x) * (2 * a * x + b)

    steps = []
    for lr in lrs:
        row = []
        for x0 in x0s:
            x, k = x0, 0
            if abs(p(x)) >= tol:
                for k in range(1, max_steps + 1):  # noqa: B007 (k is the step count after the loop)
                    x = x - lr * grad(x)
                    if not math.isfinite(x) or abs(x) > 1e6 or abs(p(x)) < tol:
                        break
            row.append(k)
        steps.append(row)
    return steps



def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--repeats", type=int, default=5)
    args = ap.parse_args()
    q = Quadratic()
    x0s = np.linspace(-1, 6, 100)
    lrs = np.geomspace(1e-3, 0.2, 100)
    t_loop, t_sweep, ratio, loop_steps, s = common.paired(
        lambda: scalar_loop(1.0, -5.0, 4.0, x0s.tolist(), lrs.tolist()),
        lambda: sweep(q, x0s, lrs, max_steps=1000), args.repeats)
    agree = np.mean(np.array(loop_steps) == s.steps)
    print(f"scalar Python loop  {t_loop * 1e3:9.1f} ms  (median of {args.repeats}, alternating)")
    print(f"core.sweep.sweep    {t_sweep * 1e3:9.1f} ms  ratio {ratio:.1f}x (target >= 20x)")
    print(f"same step counts in {agree:.1%} of the 10,000 cells")

if __name__ == "__main__":
    main()
