"""Slow, obvious twins of the fast code, for tests to compare against.

Plain Python and NumPy only; nothing here imports from the project's packages,
so a bug in a package cannot hide by being copied into its own oracle.
Each section belongs to one package; add a twin beside its siblings.
"""

from __future__ import annotations

import math
import re
from itertools import permutations

import numpy as np


# ---------------------------------------------------------------------------
# greedy: coin change
# ---------------------------------------------------------------------------


def greedy_coin_count(amount: int, coins) -> int | None:
    """Coins greedy uses for ``amount`` (None when it is left with a remainder)."""
    n = 0
    for c in sorted(coins, reverse=True):
        while amount >= c:
            amount -= c
            n += 1
    return n if amount == 0 else None


def min_coin_count(amount: int, coins) -> int | None:
    """Fewest coins paying ``amount``, by trying every combination (None if none)."""
    coins = sorted(set(coins), reverse=True)
    best = None

    def search(i, rest, used):
        nonlocal best
        if rest == 0:
            best = used if best is None else min(best, used)
            return
        if i == len(coins):
            return
        for k in range(rest // coins[i], -1, -1):
            search(i + 1, rest - k * coins[i], used + k)

    search(0, amount, 0)
    return best


def smallest_counterexample_scan(coins, limit: int) -> int | None:
    """First amount in 1..limit that is payable and where greedy is not optimal."""
    coins = sorted(set(coins))
    best = [0] + [None] * limit
    for a in range(1, limit + 1):
        options = [best[a - c] for c in coins if c <= a and best[a - c] is not None]
        best[a] = min(options) + 1 if options else None
        if best[a] is not None:
            g = greedy_coin_count(a, coins)
            if g is None or g > best[a]:
                return a
    return None


# ---------------------------------------------------------------------------
# tsp: nearest neighbour, tour lengths, brute-force optimum
# ---------------------------------------------------------------------------


def nn_walk(dist, start: int, closed: bool = False):
    """Nearest-neighbour walk as ``(order, length, complete)``, obviously.

    At each step, the unvisited city with the smallest distance, ties to the lowest
    index; ``inf`` means no edge, and a walk with only ``inf`` ahead stops there
    (``complete`` False). When closed, the way back is added if it exists.
    """
    n = len(dist)
    order = [start]
    length = 0.0
    while len(order) < n:
        here = order[-1]
        options = [(float(dist[here][j]), j) for j in range(n) if j not in order]
        d, j = min(options)
        if d == float("inf"):
            return order, length, False
        order.append(j)
        length += d
    if closed:
        back = float(dist[order[-1]][start])
        if back == float("inf"):
            return order, length, False
        length += back
    return order, length, True


def walk_length(dist, order, closed: bool = False) -> float:
    """Sum of the legs along ``order``, left to right (plus the way back when closed)."""
    total = 0.0
    for a, b in zip(order, order[1:]):
        total += float(dist[a][b])
    if closed and len(order) > 1:
        total += float(dist[order[-1]][order[0]])
    return total


def brute_force_tsp_length(dist, closed: bool = False) -> float:
    """Shortest open path (or closed tour) through every city, by trying every order."""

    n = len(dist)
    if closed:  # fix city 0 first: every closed tour has a rotation starting there
        orders = ((0,) + p for p in permutations(range(1, n)))
    else:
        orders = permutations(range(n))
    return min(walk_length(dist, list(o), closed) for o in orders)


def euclidean_matrix(xy) -> np.ndarray:
    """n x n Euclidean distances sqrt(dx^2 + dy^2), one pair at a time."""
    n = len(xy)
    out = np.zeros((n, n))
    for i in range(n):
        for j in range(n):
            dx, dy = xy[i][0] - xy[j][0], xy[i][1] - xy[j][1]
            out[i, j] = math.sqrt(dx * dx + dy * dy)
    return out


def nearest_unvisited(dist, i: int, visited) -> tuple:
    """``(j, distance)`` of the unvisited city nearest to i, ties to the lowest index, by
    a scan of every city; ``(-1, inf)`` when every city is visited."""
    options = [(float(dist[i][j]), j) for j in range(len(dist)) if j != i and not visited[j]]
    if not options:
        return -1, float("inf")
    d, j = min(options)
    return j, d


def candidate_lists(dist, k: int):
    """Every city's k nearest finite neighbours by a plain sort on (distance, index).

    Returns ``(cand, cdist, count, cut)`` like the kernel: n x k lists padded with
    -1 / inf, the number used per city, and whether more finite neighbours exist.
    """
    n = len(dist)
    cand = np.full((n, k), -1, dtype=np.int64)
    cdist = np.full((n, k), np.inf)
    count = np.zeros(n, dtype=np.int64)
    cut = np.zeros(n, dtype=bool)
    for i in range(n):
        ranked = sorted((float(dist[i][j]), j) for j in range(n) if j != i and dist[i][j] != np.inf)
        for t, (d, j) in enumerate(ranked[:k]):
            cand[i, t], cdist[i, t] = j, d
        count[i] = min(k, len(ranked))
        cut[i] = len(ranked) > k
    return cand, cdist, count, cut


def segments_cross(p, q, r, s) -> bool:
    """Whether the segments p-q and r-s cross at a point inside both (orientation test)."""
    def turn(a, b, c):
        return np.sign((b[0] - a[0]) * (c[1] - a[1]) - (b[1] - a[1]) * (c[0] - a[0]))

    return turn(p, q, r) * turn(p, q, s) < 0 and turn(r, s, p) * turn(r, s, q) < 0


def crossing_legs(xy, order) -> list:
    """Pairs (i, j) of legs of the closed tour ``order`` through points ``xy`` that cross."""
    n = len(order)
    pts = [xy[c] for c in order] + [xy[order[0]]]
    return [(i, j) for i in range(n) for j in range(i + 2, n)
            if (j + 1) % n != i and segments_cross(pts[i], pts[i + 1], pts[j], pts[j + 1])]


def quadrant_lists(dist, xy, near: int, per_quadrant: int):
    """Each city's ``near`` nearest finite neighbours plus the ``per_quadrant`` nearest in
    each quadrant (x >= x_i or not, y >= y_i or not), merged without repeats and sorted by
    (distance, index); padded like ``candidate_lists``. ``cut``: finite neighbours left out."""
    n = len(dist)
    k = near + 4 * per_quadrant
    cand = np.full((n, k), -1, dtype=np.int64)
    cdist = np.full((n, k), np.inf)
    count = np.zeros(n, dtype=np.int64)
    cut = np.zeros(n, dtype=bool)
    for i in range(n):
        ranked = sorted((float(dist[i][j]), j) for j in range(n) if j != i and dist[i][j] != np.inf)
        chosen = set(ranked[:near])
        for qx in (False, True):
            for qy in (False, True):
                inside = [(d, j) for d, j in ranked if (xy[j][0] >= xy[i][0]) == qx and (xy[j][1] >= xy[i][1]) == qy]
                chosen |= set(inside[:per_quadrant])
        for t, (d, j) in enumerate(sorted(chosen)):
            cand[i, t], cdist[i, t] = j, d
        count[i] = len(chosen)
        cut[i] = len(ranked) > len(chosen)
    return cand, cdist, count, cut


# ---------------------------------------------------------------------------
# tsp: local search, exhaustively (2-opt and Or-opt moves, first improvement)
# ---------------------------------------------------------------------------


def two_opt_moves(order, closed: bool = False):
    """Every 2-opt neighbour of ``order``: one contiguous stretch reversed.

    Open path: ``order[i..j]`` reversed for any i < j except the whole path. Closed
    tour: the same in every rotation, for stretches of 2 .. n - 2 cities (a cycle
    read backwards exchanges no edge, so it is not a move; on an asymmetric
    instance it may still be shorter).
    """
    order = list(order)
    n = len(order)
    if not closed:
        for i in range(n):
            for j in range(i + 1, n):
                if (i, j) != (0, n - 1):
                    yield order[:i] + order[i:j + 1][::-1] + order[j + 1:]
        return
    for r in range(n):
        o = order[r:] + order[:r]
        for i in range(n):
            for j in range(i + 1, n):
                if 2 <= j - i + 1 <= n - 2:
                    yield o[:i] + o[i:j + 1][::-1] + o[j + 1:]


def or_opt_moves(order, closed: bool = False, max_segment: int = 3):
    """Every Or-opt neighbour: 1 .. ``max_segment`` consecutive cities taken out and put
    back at any other place between two cities (or at either end of an open path),
    forward or reversed. Putting them back where they were (even reversed) is not a move.
    """
    order = list(order)
    n = len(order)
    for length in range(1, max_segment + 1):
        if closed:
            for i in range(n):
                if n - length < 2:
                    break
                seg = [order[(i + t) % n] for t in range(length)]
                rest = [order[(i + length + t) % n] for t in range(n - length)]  # from after the segment
                for k in range(1, len(rest)):  # k = 0 or len(rest): the segment's own place
                    for piece in (seg, seg[::-1]):
                        yield rest[:k] + piece + rest[k:]
        else:
            for i in range(n - length + 1):
                seg = order[i:i + length]
                rest = order[:i] + order[i + length:]
                for k in range(len(rest) + 1):
                    if k != i:
                        for piece in (seg, seg[::-1]):
                            yield rest[:k] + piece + rest[k:]


def three_opt_moves(order, closed: bool = False):
    """Every pure 3-opt neighbour: three edges of the cycle taken out, the three paths
    left (A, B, C in tour order) joined again by three edges none of which was taken out:
    A B' C', A C B, A C B', A C' B (' = read backwards).

    An open path is the cycle through one more node, a depot whose edges are free
    (``-1`` here, dropped again from each neighbour), as the kernels see it.
    """
    order = list(order)
    cycle = order if closed else order + [-1]
    n = len(cycle)
    for i in range(n):
        for j in range(i + 1, n):
            for k in range(j + 1, n):
                a, b, c = cycle[k + 1:] + cycle[:i + 1], cycle[i + 1:j + 1], cycle[j + 1:k + 1]
                for other in (a + b[::-1] + c[::-1], a + c + b, a + c + b[::-1], a + c[::-1] + b):
                    if not closed:
                        cut = other.index(-1)
                        other = other[cut + 1:] + other[:cut]
                    yield other


LOCAL_MOVES = {"2-opt": two_opt_moves, "or-opt": or_opt_moves, "3-opt": three_opt_moves}


def improving_move(dist, order, closed: bool = False, kinds=("2-opt", "or-opt"), rel_tol: float = 1e-9):
    """The first neighbour (by ``kinds``, in the order generated) shorter than ``order`` by
    more than ``rel_tol`` of its length, or None: None means ``order`` is a local optimum.

    ``inf`` (a missing edge) makes a neighbour infinitely long, never shorter.
    """
    current = walk_length(dist, order, closed)
    for kind in kinds:
        for other in LOCAL_MOVES[kind](order, closed):
            if walk_length(dist, other, closed) < current - rel_tol * current:
                return other
    return None


def local_search_first_improvement(dist, order, closed: bool = False, kinds=("2-opt", "or-opt")):
    """Make the first improving move until none is left; the local optimum reached."""
    order = list(order)
    while (better := improving_move(dist, order, closed, kinds)) is not None:
        order = better
    return order


# ---------------------------------------------------------------------------
# tsp: TSPLIB distance conventions and EXPLICIT weight orders
# ---------------------------------------------------------------------------


def tsplib_distance(kind: str, a, b) -> int:
    """TSPLIB95's integer distance between points ``a`` and ``b``, one pair at a time.

    Written from Reinelt's TSPLIB95 definitions (nint(x) = floor(x + 0.5); GEO with
    truncated degrees and PI = 3.141592, as the published optima need).
    """

    dx, dy = a[0] - b[0], a[1] - b[1]
    if kind == "EUC_2D":
        return int(math.floor(math.sqrt(dx * dx + dy * dy) + 0.5))
    if kind == "CEIL_2D":
        return int(math.ceil(math.sqrt(dx * dx + dy * dy)))
    if kind == "ATT":
        r = math.sqrt((dx * dx + dy * dy) / 10.0)
        t = math.floor(r + 0.5)
        return int(t + 1 if t < r else t)
    if kind == "GEO":

        def radians(v):
            deg = math.trunc(v)
            return 3.141592 * (deg + 5.0 * (v - deg) / 3.0) / 180.0

        lat_a, lon_a, lat_b, lon_b = radians(a[0]), radians(a[1]), radians(b[0]), radians(b[1])
        q1 = math.cos(lon_a - lon_b)
        q2 = math.cos(lat_a - lat_b)
        q3 = math.cos(lat_a + lat_b)
        c = 0.5 * ((1.0 + q1) * q2 - (1.0 - q1) * q3)
        c = min(1.0, max(-1.0, c))  # acos domain guard for (near-)identical points
        return int(6378.388 * math.acos(c) + 1.0)
    raise ValueError(f"unknown kind {kind!r}")


def tsplib_matrix(kind: str, xy) -> np.ndarray:
    """The n x n matrix of ``tsplib_distance`` over every pair of points, 0 on the diagonal."""
    n = len(xy)
    return np.array([[0 if i == j else tsplib_distance(kind, xy[i], xy[j]) for j in range(n)] for i in range(n)],
                    dtype=np.float64)


def coordinate_matrix(kind: str, xy) -> np.ndarray:
    """The n x n distances of points ``xy`` under a coordinate metric, pair by pair:
    ``euclidean_matrix`` for "euclidean", ``tsplib_matrix`` for TSPLIB's kinds."""
    return euclidean_matrix(xy) if kind == "euclidean" else tsplib_matrix(kind, xy)


def tsplib_explicit_cells(fmt: str, n: int):
    """The (row, col) cells, in file order, that EDGE_WEIGHT_SECTION numbers fill."""
    rows = {
        "FULL_MATRIX": lambda i: range(n),
        "UPPER_ROW": lambda i: range(i + 1, n),
        "LOWER_ROW": lambda i: range(i),
        "UPPER_DIAG_ROW": lambda i: range(i, n),
        "LOWER_DIAG_ROW": lambda i: range(i + 1),
    }
    cols = {  # column-wise: the outer loop runs over columns
        "UPPER_COL": lambda j: range(j),
        "LOWER_COL": lambda j: range(j + 1, n),
        "UPPER_DIAG_COL": lambda j: range(j + 1),
        "LOWER_DIAG_COL": lambda j: range(j, n),
    }
    if fmt in rows:
        return [(i, j) for i in range(n) for j in rows[fmt](i)]
    return [(i, j) for j in range(n) for i in cols[fmt](j)]


# ----- optim -----
# Gradient descent, written out plainly, and the closed forms it is checked against.


def gd_path(grad, x0, lr: float, steps: int):
    """Plain gradient descent x_{k+1} = x_k - lr * grad(x_k); every iterate, as a list."""

    x = np.array(x0, dtype=float)
    path = [x.copy()]
    for _ in range(steps):
        x = x - lr * grad(x)
        path.append(x.copy())
    return path


def quadratic_gd_closed_form(A, b, x0, lr: float, k: int):
    """x_k = x* + (I - lr A)^k (x0 - x*) for gd on f(x) = 1/2 x^T A x - b^T x."""

    A = np.asarray(A, dtype=float)
    x_star = np.linalg.solve(A, b)
    M = np.linalg.matrix_power(np.eye(len(b)) - lr * A, k)
    return x_star + M @ (np.asarray(x0, dtype=float) - x_star)


def random_spd(rng, d: int, lo: float = 0.1, hi: float = 10.0):
    """(A, Q, eigenvalues): A = Q diag(ev) Q^T, Q orthogonal from a QR, ev uniform in [lo, hi]."""

    Q, R = np.linalg.qr(rng.normal(size=(d, d)))
    Q = Q * np.sign(np.diag(R))  # a proper Haar-distributed orthogonal matrix
    ev = np.sort(rng.uniform(lo, hi, size=d))
    return (Q * ev) @ Q.T, Q, ev


def ols_line(x, y):
    """(intercept, slope) of y on x by the textbook formulas cov(x, y)/var(x)."""
    n = len(x)
    mx = sum(x) / n
    my = sum(y) / n
    sxy = sum((a - mx) * (b - my) for a, b in zip(x, y))
    sxx = sum((a - mx) ** 2 for a in x)
    slope = sxy / sxx
    return my - slope * mx, slope


def heavy_ball_path(grad, x0, lr: float, beta: float, steps: int):
    """x_{k+1} = x_k - lr grad(x_k) + beta (x_k - x_{k-1}), x_{-1} = x_0."""

    prev = x = np.array(x0, dtype=float)
    path = [x.copy()]
    for _ in range(steps):
        x, prev = x - lr * grad(x) + beta * (x - prev), x
        path.append(x.copy())
    return path


def nesterov_look_ahead_path(grad, x0, lr: float, beta: float, steps: int):
    """Nesterov in the classical form; the look-ahead points y_0 .. y_steps, as a list.

    y_k = x_k + beta (x_k - x_{k-1}) with x_{-1} = x_0, then x_{k+1} = y_k - lr grad(y_k).
    The y_k are the points where the gradient is taken: the iterates of optax-style Nesterov.
    """

    prev = x = np.array(x0, dtype=float)
    path = []
    for _ in range(steps + 1):
        y = x + beta * (x - prev)
        path.append(y.copy())
        x, prev = y - lr * grad(y), x
    return path


def adam_path(grad, x0, lr: float, b1: float, b2: float, eps: float, steps: int):
    """Kingma and Ba (2015), Algorithm 1, written out."""

    x = np.array(x0, dtype=float)
    m = np.zeros_like(x)
    v = np.zeros_like(x)
    path = [x.copy()]
    for t in range(1, steps + 1):
        g = grad(x)
        m = b1 * m + (1 - b1) * g
        v = b2 * v + (1 - b2) * g * g
        mh = m / (1 - b1**t)
        vh = v / (1 - b2**t)
        x = x - lr * mh / (np.sqrt(vh) + eps)
        path.append(x.copy())
    return path


def quadratic_run_outcome(A, b, path, tol):
    """(converged_at, diverged, steps_run) of a run on f(x) = 1/2 x^T A x - b^T x with iterates ``path``.

    The stopping rules of ``minimize`` and ``lr_sweep``, written out: the run stops at the
    first k with ||A x_k - b|| <= tol (converged; k = 0 included), or at the first k >= 1
    where f(x_k), x_k or the gradient is not finite or f(x_k) > f0 + 1e6 * max(|f0|, 1)
    (diverged); otherwise it makes every step.
    """

    A = np.asarray(A, dtype=float)
    b = np.asarray(b, dtype=float)
    f0 = 0.5 * path[0] @ A @ path[0] - b @ path[0]
    threshold = f0 + 1e6 * max(abs(f0), 1.0)
    with np.errstate(all="ignore"):
        for k, x in enumerate(path):
            f = 0.5 * x @ A @ x - b @ x
            g = A @ x - b
            gn = math.sqrt(g @ g)
            if k > 0 and not (math.isfinite(f) and math.isfinite(gn) and np.all(np.isfinite(x)) and f <= threshold):
                return None, True, k
            if tol is not None and gn <= tol:
                return k, False, k
    return None, False, len(path) - 1


def lr_sweep_rows(A, b, x0, lrs, rule: str, beta: float, steps: int, tol):
    """What ``lr_sweep`` reports, one plain run per rate: a list of dicts, one per rate.

    ``rule`` is "gd", "momentum" (heavy ball) or "nesterov" (classical look-ahead form);
    each run is written out by ``gd_path`` / ``heavy_ball_path`` / ``nesterov_look_ahead_path``
    and judged by ``quadratic_run_outcome``. Keys: converged_at, diverged, steps_run,
    final_loss (f at the last iterate, from the definition), final_grad_norm.
    """

    A = np.asarray(A, dtype=float)
    b = np.asarray(b, dtype=float)

    def grad(x):
        return A @ x - b

    rows = []
    with np.errstate(all="ignore"):
        for lr in lrs:
            if rule == "gd":
                path = gd_path(grad, x0, lr, steps)
            elif rule == "momentum":
                path = heavy_ball_path(grad, x0, lr, beta, steps)
            else:
                path = nesterov_look_ahead_path(grad, x0, lr, beta, steps)
            converged_at, diverged, steps_run = quadratic_run_outcome(A, b, path, tol)
            x = path[steps_run]
            g = grad(x)
            rows.append({
                "converged_at": converged_at,
                "diverged": diverged,
                "steps_run": steps_run,
                "final_loss": 0.5 * x @ A @ x - b @ x,
                "final_grad_norm": math.sqrt(g @ g),
            })
    return rows


# ----- tracking -----


def tracking_last_value(points):
    """The value search_runs reports for a metric: the point with the largest step,
    the later-logged one on a tie. ``points`` is a list of (step, value) in logging
    order; None when empty."""
    best = None
    for step, value in points:
        if best is None or step >= best[0]:
            best = (step, value)
    return None if best is None else best[1]


def sql_like(pattern: str, text: str, case_sensitive: bool = True) -> bool:
    """SQL LIKE written out: '%' any run of characters, '_' exactly one, the rest literal."""

    regex = "".join(".*" if c == "%" else "." if c == "_" else re.escape(c) for c in pattern)
    flags = re.DOTALL if case_sensitive else re.DOTALL | re.IGNORECASE
    return re.fullmatch(regex, text, flags) is not None


def chart_points(steps, values, buckets: int):
    """What a metric chart draws of a history, written out point by point.

    Points sorted by step (ties in logging order). Finite ones: all of them when
    there are at most 4 * buckets; else the steps are cut into ``buckets`` equal
    spans (span of x: int((x - lo) * (buckets / (hi - lo))), at most buckets - 1)
    and each span keeps its first, its last, its first smallest and its last
    largest point. Each kind of non-finite point ('nan', 'posinf', 'neginf'):
    its steps, one per span of its own steps when there are more than
    ``buckets``. Returns (kept finite (step, value) pairs, {kind: (steps, count)}).
    """
    order = sorted(range(len(steps)), key=lambda i: steps[i])
    points = [(int(steps[i]), float(values[i])) for i in order]

    def span(x, lo, hi):
        return 0 if hi == lo else min(int((float(x) - lo) * (buckets / (hi - lo))), buckets - 1)

    finite = [p for p in points if math.isfinite(p[1])]
    if len(finite) > 4 * buckets:
        lo, hi = float(finite[0][0]), float(finite[-1][0])
        groups: dict = {}
        for j, (x, _) in enumerate(finite):
            groups.setdefault(span(x, lo, hi), []).append(j)
        keep = set()
        for js in groups.values():
            smallest = largest = js[0]
            for j in js:
                if finite[j][1] < finite[smallest][1]:
                    smallest = j
                if finite[j][1] >= finite[largest][1]:
                    largest = j
            keep |= {js[0], js[-1], smallest, largest}
        finite = [finite[j] for j in sorted(keep)]
    marks = {}
    for kind, test in (("nan", math.isnan), ("posinf", lambda v: v == math.inf),
                       ("neginf", lambda v: v == -math.inf)):
        at = [x for x, v in points if test(v)]
        count = len(at)
        if count > buckets:
            lo, hi = float(at[0]), float(at[-1])
            seen, first = set(), []
            for x in at:
                s = span(x, lo, hi)
                if s not in seen:
                    seen.add(s)
                    first.append(x)
            at = first
        marks[kind] = (at, count)
    return finite, marks
