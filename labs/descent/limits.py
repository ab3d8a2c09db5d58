"""The gradient-descent lab's limits, in one place: the bounds of every input (``labs.descent.settings`` reads
them into its URL table) and what the basin map may cost."""
# Input bounds: they keep one visitor from exhausting the server.
COEF_LIMIT = 100.0        # |a|, |b|, |c|
X0_LIMIT = 1e3            # every start point in [−X0_LIMIT, X0_LIMIT]
MAX_STARTS = 8
LR_MIN, LR_MAX = 1e-6, 10.0
MAX_STEPS = 10_000
TOL_MIN, TOL_MAX = 1e-12, 1.0

# The basin map: grid size and the most updates per cell (a sweep costs cells × steps).
BASIN_X0S, BASIN_LRS = 81, 50  # odd: a symmetric range puts the vertex on the grid
BASIN_MAX_STEPS = 2000
