"""The numbered tutorials run end to end in --quick mode.

Each runs in a subprocess with its working directory, tracking store and output
folder in a temporary directory, so a test never writes into the repository.
Checks: exit code 0, a narrative and a "Try next" section on stdout, every
expected figure written as a non-empty PNG, and one FINISHED run logged to the
experiment "tutorials" with those figures as artifacts.
"""

from __future__ import annotations

import importlib.util
import os
import subprocess
import sys
from pathlib import Path
from types import SimpleNamespace

import numpy as np
import pytest

import tracking
from tests import reference

TUTORIALS = Path(__file__).resolve().parents[2] / "tutorials"
PNG_MAGIC = b"\x89PNG\r\n\x1a\n"

# script stem -> figures it must write
EXPECTED = {
    "01_greedy_coin_change": ["01_greedy_vs_optimal.png"],
    "02_greedy_tsp_restarts": ["02_restarts.png", "02_start_lengths.png", "02_berlin52.png"],
    "03_gradient_descent_learning_rates": ["03_learning_rates.png", "03_height_weight.png",
                                           "03_local_minima.png", "03_rosenbrock.png"],
    "04_tracking_experiments": ["04_metric_history.png", "04_cli_loss.png"],
    "05_local_search": ["05_stages.png", "05_crossings.png", "05_time.png"],
}


# script stem -> phrases its narrative must contain (numbers it computed, known answers)
NARRATIVE = {
    "01_greedy_coin_change": ["greedy pays 120 as 100 + 10 + 10 (3 coins)", "60 + 60 (2 coins)",
                              "6: greedy 4 + 1 + 1 (3), optimal 3 + 3 (2)"],
    "02_greedy_tsp_restarts": ["shortest possible path is 128", "the optimal 7542"],
    "03_gradient_descent_learning_rates": ["2/L = 0.2", "diverged after"],
    "04_tracking_experiments": ["$ python -m tracking runs", "saved "],
    "05_local_search": ["is 8181 long, 8.47 % above the optimum 7542", "After 2-opt the tour is 7542 long",
                        "has no crossing left", "2-opt or Or-opt move shortens the tour"],
}


def test_every_numbered_tutorial_is_listed():
    found = sorted(p.stem for p in TUTORIALS.glob("[0-9][0-9]_*.py"))
    assert found == sorted(EXPECTED)


def test_readme_lists_every_tutorial():
    readme = (TUTORIALS / "README.md").read_text(encoding="utf-8")
    for stem, figures in EXPECTED.items():
        assert f"{stem}.py" in readme
        assert figures[0] in readme


def _run_quick(stem, tmp_path):
    out = tmp_path / "out"
    db = tmp_path / "store" / "tracking.db"
    env = dict(os.environ, OPTSANDBOX_TUTORIAL_OUT=str(out),
               OPTSANDBOX_TRACKING_URI=f"sqlite:///{db}", MPLBACKEND="Agg")
    proc = subprocess.run([sys.executable, str(TUTORIALS / f"{stem}.py"), "--quick"],
                          cwd=tmp_path, env=env, capture_output=True, text=True, timeout=300)
    return SimpleNamespace(proc=proc, out=out, db=db, cwd=tmp_path,
                           text=" ".join(proc.stdout.split()))


@pytest.fixture(scope="module")
def quick_run(tmp_path_factory):
    """``quick_run(stem)``: the tutorial run once in --quick mode, in its own temporary folder."""
    done = {}

    def get(stem):
        if stem not in done:
            done[stem] = _run_quick(stem, tmp_path_factory.mktemp(stem))
        return done[stem]

    return get


@pytest.mark.parametrize("stem", sorted(EXPECTED))
def test_tutorial_runs_quick(stem, quick_run):
    r = quick_run(stem)
    proc, out, db, tmp_path = r.proc, r.out, r.db, r.cwd
    assert proc.returncode == 0, proc.stderr[-3000:]
    assert "Try next" in proc.stdout
    for phrase in NARRATIVE[stem]:
        assert phrase in r.text, phrase
    assert "Traceback" not in proc.stderr

    for name in EXPECTED[stem]:
        path = out / name
        assert path.is_file(), f"{stem} did not write {name}: {sorted(os.listdir(out))}"
        data = path.read_bytes()
        assert data[:8] == PNG_MAGIC and len(data) > 5000, f"{name} is not a real PNG"

    runs = tracking.search_runs(experiment="tutorials", uri=db)
    assert runs["run_name"].tolist() == [stem]
    assert runs["status"].iloc[0] == "FINISHED"
    assert runs["tags.quick"].iloc[0] == "true"
    artifacts = db.parent / "artifacts" / runs["run_id"].iloc[0]
    for name in EXPECTED[stem]:
        assert (artifacts / name).is_file()
    assert not (tmp_path / "runs").exists()  # the store went where the env var said
    if stem == "04_tracking_experiments":
        # the sweep's runs are children of the tutorial's run, in their own experiment
        sweep = tracking.search_runs(experiment="tutorial-04-sweep", uri=db)
        assert len(sweep) == 8 and set(sweep["status"]) == {"FINISHED"}
        assert set(sweep["tags.sweep"]) == {runs["run_id"].iloc[0][:8]}
        assert tracking.get_run(sweep["run_id"].iloc[0], uri=db).parent_run_id == runs["run_id"].iloc[0]


def _height_weight_gd(standardize, lr_share, steps, tol=1e-6):
    """Gradient descent from w = 0 on the height-weight least squares, computed directly.

    Closed form w_k = w* + (I - lr H)^k (0 - w*) (tests/reference.py), at ``lr_share``
    of the best constant rate 2/(mu + L), with mu and L from numpy's eigvalsh: nothing
    of optim's loop, theory or problems is used. Stops at the first k with
    |grad| <= tol, as the tutorial's runs do.
    """
    from optim.datasets import height_weight

    h, y = height_weight()
    unit = h.std() if standardize else 1.0  # inches per unit of the feature
    if standardize:
        h = (h - h.mean()) / unit
    X = np.column_stack([np.ones_like(h), h])
    H, b = X.T @ X / len(y), X.T @ y / len(y)
    mu, L = np.linalg.eigvalsh(H)
    lr = lr_share * 2 / (mu + L)
    for k in range(steps + 1):
        w = reference.quadratic_gd_closed_form(H, b, np.zeros(2), lr, k)
        if np.linalg.norm(H @ w - b) <= tol:
            break
    w_star = np.linalg.solve(H, b)
    loss = lambda v: np.mean((X @ v - y) ** 2) / 2  # noqa: E731
    return SimpleNamespace(w=w, k=k, lr=lr, mu=mu, L=L, w_star=w_star, slope=w[1] / unit,
                           ratio=loss(w) / loss(w_star))


def test_03_height_weight_claims_match_a_direct_computation(quick_run):
    """Tutorial 03, part 2: every number of the raw-against-standardized story, recomputed.

    The lesson: at the same relative rate (half of 2/(mu + L)) raw heights reach a loss
    close to the optimum while the slope stays far off, because the flat direction
    contracts by 1 - 1/(kappa + 1) per step. (An earlier version ran the raw features at
    2/(mu + L) itself, on the stability edge, and drew a false lesson from it.)
    """
    r = quick_run("03_gradient_descent_learning_rates")
    assert r.proc.returncode == 0, r.proc.stderr[-3000:]
    steps = 500  # --quick
    raw = _height_weight_gd(standardize=False, lr_share=0.5, steps=steps)
    std = _height_weight_gd(standardize=True, lr_share=0.5, steps=steps)
    edge = _height_weight_gd(standardize=False, lr_share=1.0, steps=steps)
    slope = raw.slope

    # the premises of the lesson, on the direct computation
    assert raw.k == steps and std.k < 50  # raw never converges, standardized quickly
    assert 1 < raw.ratio < 1.1  # the loss looks almost converged ...
    assert abs(slope / raw.w_star[1] - 1) > 0.3  # ... while the slope is far off
    assert edge.ratio > 100  # at 2/(mu + L) itself nothing moves at all

    # what the learner reads, against the direct computation
    for phrase in [
        f"{raw.ratio:.2f} times the optimal loss",
        f"slope {slope:.2f} lb/in instead of {raw.w_star[1]:.2f}",
        f"lr = {raw.lr:.3g} on raw heights, {std.lr:.3g} on standardized ones",
        f"converges (|grad| <= 1e-6) in {std.k} steps, slope {std.slope:.2f} lb/in",
        f"1 - lr mu = 1 - 1/(kappa + 1) = {1 - raw.lr * raw.mu:.8f}",
        f"|1 - lr L| = {abs(1 - raw.lr * raw.L):.2g}",
        f"kappa = L/mu = {raw.L:.0f}/{raw.mu:.2g} = {raw.L / raw.mu:.2g}",
        f"still {edge.ratio:.0f} times the optimum",
    ]:
        assert phrase in r.text, phrase

    # what the run logged, to more digits
    run = tracking.search_runs(experiment="tutorials", uri=r.db).iloc[0]
    assert run["params.height_weight.lr_share_of_optimal"] == "0.5"
    for key, want in {"raw.lr": raw.lr, "std.lr": std.lr, "raw.loss_ratio": raw.ratio,
                      "raw.slope": slope, "raw.intercept": raw.w[0],
                      "raw.flat_factor": 1 - raw.lr * raw.mu, "edge.loss_ratio": edge.ratio,
                      "std.converged_at": std.k, "std.slope": std.slope}.items():
        assert run[f"metrics.height_weight.{key}"] == pytest.approx(want, rel=1e-6, abs=1e-9), key


def _steps_to_grad_tol(A, b, x0, lr, tol=1e-6, steps=1000):
    """First k with |A x_k - b| <= tol for gd from x0 (closed form), or None within ``steps``."""
    for k in range(steps + 1):
        x = reference.quadratic_gd_closed_form(A, b, x0, lr, k)
        if np.linalg.norm(np.asarray(A) @ x - b) <= tol:
            return k
    return None


def test_03_best_rate_is_the_best_worst_case_and_a_smaller_one_stops_sooner(quick_run):
    """Tutorial 03, part 1: 2/(mu + L) is the best worst case, not the fastest from x0.

    Was: "2/(mu+L) converges fastest", while the tutorial's own sweep stopped earlier at a
    smaller rate. Every number of the explanation, recomputed from the closed form.
    """
    r = quick_run("03_gradient_descent_learning_rates")
    assert r.proc.returncode == 0, r.proc.stderr[-3000:]
    A, b, x0 = np.diag([1.0, 10.0]), np.array([1.0, 10.0]), np.array([-4.0, 3.0])
    mu, L = np.linalg.eigvalsh(A)
    best, bound = 2 / (mu + L), 2 / L
    lrs = np.geomspace(0.05 * best, 1.2 * bound, 20)  # the --quick sweep
    counts = {lr: _steps_to_grad_tol(A, b, x0, lr) for lr in lrs[lrs < bound]}
    counts = {lr: k for lr, k in counts.items() if k is not None}  # the smallest rates crawl
    fast = min(counts, key=lambda lr: counts[lr])
    k_best = _steps_to_grad_tol(A, b, x0, best)
    assert fast < best and counts[fast] < k_best  # the premise: a smaller rate stops sooner
    # ... and no constant rate has a smaller worst-case factor than 2/(mu + L)
    grid = np.linspace(0.001, bound, 2001)
    worst = np.maximum(np.abs(1 - grid * mu), np.abs(1 - grid * L))
    assert worst.min() >= (L - mu) / (L + mu) - 1e-12

    g0 = np.abs(A @ x0 - b)  # A is diagonal: its eigenvectors are the axes
    for phrase in [
        f"2/(mu + L) = {best:.4g} is the rate with the best worst-case contraction factor "
        f"(kappa - 1)/(kappa + 1) = {(L - mu) / (L + mu):.3f}",
        f"the fastest converged in {counts[fast]} steps at lr = {fast:.3g} "
        f"(2/(mu + L) = {best:.3g} itself took {k_best})",
        f"the gradient is {g0[0]:g} along the flat direction (lambda = {mu:g}) but {g0[1]:g} along "
        f"the steep one (lambda = {L:g})",
        f"({abs(1 - fast * L):.3f} per step against {abs(1 - best * L):.3f})",
        f"|grad_k|^2 = {g0[0]:g}^2 x {1 - fast * mu:.3f}^(2k) + {g0[1]:g}^2 x {abs(1 - fast * L):.3f}^(2k) "
        f"falls below (1e-6)^2 at k = {counts[fast]}, against {k_best} at 2/(mu + L)",
    ]:
        assert phrase in r.text, phrase
    assert "fastest at" not in r.text and "converges fastest" not in r.text
    # nor "the best rate" in part 2, where 2/(mu + L) on raw heights leaves the loss 160x f*
    assert "best rate" not in r.text and "At 2/(mu + L) = " in r.text
    readme = " ".join((TUTORIALS / "README.md").read_text(encoding="utf-8").split())
    assert "2/(mu+L) converges fastest" not in readme
    assert "2/(mu+L) has the best worst-case contraction factor" in readme


def _load_tutorial(stem, monkeypatch):
    """The tutorial ``stem`` imported in this process (its parts callable one by one)."""
    monkeypatch.syspath_prepend(str(TUTORIALS))  # where its ``import _common`` looks
    spec = importlib.util.spec_from_file_location(f"tutorial_{stem}", TUTORIALS / f"{stem}.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


class _Run:
    """Stands in for a tracked run: keeps what a tutorial part logs."""

    def __init__(self):
        self.params, self.metrics = {}, {}

    def log_params(self, params):
        self.params.update(params)

    def log_metrics(self, metrics, step=None):
        self.metrics.update(metrics)

    def log_metric(self, key, value, step=None):
        self.metrics[key] = value


@pytest.fixture
def figures_of(monkeypatch, tmp_path):
    """``figures_of(stem, part)``: run one part of a tutorial in --quick mode in this
    process and return the figures it saves, by file name (not written to disk)."""
    import matplotlib.pyplot as plt

    saved = {}

    def run(stem, part):
        module = _load_tutorial(stem, monkeypatch)
        monkeypatch.setattr(module.tut, "save", lambda fig, name, args, run=None: saved.__setitem__(name, fig))
        getattr(module, part)(SimpleNamespace(quick=True, out=tmp_path), _Run())
        return saved

    yield run
    for fig in saved.values():
        plt.close(fig)


def test_03_height_weight_title_says_what_each_run_reached(figures_of):
    # Was: "both at half their best rate: almost the optimal loss, not the optimal line",
    # which is false of the standardized run: it reaches the line too.
    fig = figures_of("03_gradient_descent_learning_rates", "part2_height_weight")["03_height_weight.png"]
    title = " ".join(fig._suptitle.get_text().split())
    raw = _height_weight_gd(standardize=False, lr_share=0.5, steps=500)
    std = _height_weight_gd(standardize=True, lr_share=0.5, steps=500)
    # what the title claims, against the direct computation
    assert 1 < raw.ratio < 1.1 and abs(raw.slope / raw.w_star[1] - 1) > 0.3  # the loss, not the line
    assert std.ratio < 1 + 1e-9 and abs(std.slope / raw.w_star[1] - 1) < 1e-6  # both
    assert (f"raw heights reach almost the optimal loss ({raw.ratio:.2f} x f*) but not the optimal line "
            f"(slope {raw.slope:.2f}, not {raw.w_star[1]:.2f}); standardized ones reach both") in title
    # 2/(mu + L) is named, not called the best rate (on raw heights it barely moves the loss)
    assert "both at half of 2/(mu + L):" in title
    assert not any("best rate" in ax.get_title() for ax in fig.axes) and "best rate" not in title


def test_bad_flag_exits_2_without_traceback(tmp_path):
    proc = subprocess.run([sys.executable, str(TUTORIALS / "01_greedy_coin_change.py"),
                           "--bogus"], cwd=tmp_path, capture_output=True, text=True,
                          env=dict(os.environ, OPTSANDBOX_TUTORIAL_OUT=str(tmp_path)))
    assert proc.returncode == 2
    assert "Traceback" not in proc.stderr and "--bogus" in proc.stderr


def test_05_claims_match_a_direct_computation(quick_run):
    """Tutorial 05: the stages' numbers recomputed with the library, the crossings with the
    plain orientation test of tests/reference.py (not the tutorial's own)."""
    import tsp
    from tsp.tsplib import BUNDLED_DIR

    r = quick_run("05_local_search")
    assert r.proc.returncode == 0, r.proc.stderr[-3000:]
    b52 = tsp.read_tsplib(f"{BUNDLED_DIR}/berlin52.tsp")
    greedy = tsp.simulate(b52, starts="all", closed=True).best
    crossings = reference.crossing_legs(b52.coords, greedy.order.tolist())
    after = tsp.two_opt(greedy)
    assert f"crosses itself: {len(crossings)} pairs of its legs cross" in r.text
    assert reference.crossing_legs(b52.coords, after.order.tolist()) == []
    a280 = tsp.read_tsplib(f"{BUNDLED_DIR}/a280.tsp")
    every = tsp.simulate(a280, starts="all", closed=True)
    gap = lambda x: 100 * (x / 2579 - 1)  # noqa: E731
    best = every.best
    assert f"the best of all 280 starts {gap(best.length):.2f} %" in r.text
    assert f"2-opt alone reaches {gap(tsp.two_opt(best).length):.2f} %" in r.text
    assert f"Or-opt alone (moving one to three cities elsewhere) {gap(tsp.or_opt(best).length):.2f} %" in r.text
    ls = tsp.local_search(best).length
    assert f"both until neither helps, {gap(ls):.2f} % ({ls:g})" in r.text
    sol = tsp.solve(a280, seconds=None, kicks=5000, seed=0)  # --quick's budget
    assert f"{int((sol.history['kick'] > 0).sum())} kicks of 5000 made the tour shorter" in r.text
    assert f"the best, {sol.best.length:g} ({gap(sol.best.length):.2f} % above the optimum)" in r.text
