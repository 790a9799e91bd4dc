"""optim.optimizers: every registry entry against its written-out recurrence; purity; bad input."""

import math

import numpy as np
import pytest

from optim import OPTIMIZERS, Rosenbrock, adam, cosine, exponential_decay, gd, minimize, momentum, nesterov
from optim.optimizers import AdamState, GDState, MomentumState, resolve_optimizer
from tests import reference as ref
from tests.data import quadratic_case

# Overflow inside a diverging run is expected and must never reach the user.
pytestmark = pytest.mark.filterwarnings("error::RuntimeWarning")

# A working configuration per optimizer, for a quadratic with eigenvalues in [0.1, 10].
GOOD = {"gd": (0.15, {}), "momentum": (0.05, {"beta": 0.8}), "nesterov": (0.05, {"beta": 0.8}), "adam": (0.05, {})}


def test_every_registered_optimizer_has_a_working_configuration():
    assert set(GOOD) == set(OPTIMIZERS)


@pytest.mark.parametrize("name", sorted(OPTIMIZERS))
def test_registry_names_match(name):
    lr, kw = GOOD[name]
    assert OPTIMIZERS[name](lr, **kw).name == name


@pytest.mark.parametrize("name", sorted(OPTIMIZERS))
def test_converges_on_a_quadratic(name):
    q = quadratic_case(6).problem
    lr, kw = GOOD[name]
    tr = minimize(q, OPTIMIZERS[name](lr, **kw), x0=np.ones(3), steps=5000, tol=1e-7)
    assert tr.converged_at is not None and not tr.diverged
    np.testing.assert_allclose(tr.x, q.solution(), atol=1e-6)


@pytest.mark.parametrize("name", sorted(OPTIMIZERS))
def test_update_is_pure_and_state_immutable(name):
    lr, kw = GOOD[name]
    opt = OPTIMIZERS[name](lr, **kw)
    x0 = np.array([1.0, -2.0])
    g = np.array([0.3, -0.7])
    g_copy = g.copy()
    s0 = opt.init(x0)
    assert isinstance(s0, tuple) and s0.count == 0
    step_a, s1a = opt.update(g, s0)
    step_b, s1b = opt.update(g, s0)  # the same input gives the same output
    np.testing.assert_array_equal(step_a, step_b)
    for a, b in zip(s1a, s1b):
        np.testing.assert_array_equal(a, b)
    np.testing.assert_array_equal(g, g_copy)
    assert s1a.count == 1 and s0.count == 0
    for field in s1a[1:]:
        with pytest.raises(ValueError):
            field[0] = 99.0
    with pytest.raises(AttributeError):
        s1a.count = 5


@pytest.mark.parametrize("name", sorted(OPTIMIZERS))
@pytest.mark.parametrize("bad", [0.0, -0.1, math.nan, math.inf])
def test_bad_lr_value_is_named(name, bad):
    kw = GOOD[name][1]
    with pytest.raises(ValueError, match=f"lr must be a positive finite number, got {bad!r}"):
        OPTIMIZERS[name](bad, **kw)


@pytest.mark.parametrize("name", sorted(OPTIMIZERS))
@pytest.mark.parametrize("bad", ["0.1", None, True, [0.1]])
def test_bad_lr_type(name, bad):
    with pytest.raises(TypeError, match="lr must be"):
        OPTIMIZERS[name](bad, **GOOD[name][1])


@pytest.mark.parametrize("name", sorted(OPTIMIZERS))
def test_a_schedule_is_evaluated_at_the_update_count(name):
    lr, kw = GOOD[name]
    sched = exponential_decay(lr, 0.5, decay_steps=3)
    with_sched = OPTIMIZERS[name](sched, **kw)
    g = np.array([1.0, -1.0])
    s = with_sched.init(np.zeros(2))
    s_ref = None
    for k in range(7):
        step, s = with_sched.update(g, s)
        fixed = OPTIMIZERS[name](sched(k), **kw)  # same state, the step's own rate
        s_ref = fixed.init(np.zeros(2)) if s_ref is None else s_ref._replace(count=k)
        step_ref, s_ref = fixed.update(g, s_ref)
        np.testing.assert_allclose(step, step_ref, rtol=1e-15)


@pytest.mark.parametrize("name", sorted(OPTIMIZERS))
def test_a_bad_schedule_is_refused_at_construction(name):
    kw = GOOD[name][1]
    with pytest.raises(ValueError, match="positive lr"):
        OPTIMIZERS[name](lambda k: -1.0, **kw)
    with pytest.raises(TypeError, match="must return a number"):
        OPTIMIZERS[name](lambda k: "x", **kw)


@pytest.mark.parametrize("factory", [momentum, nesterov])
def test_beta_outside_unit_interval(factory):
    for bad in [-0.1, 1.0, 1.5]:
        with pytest.raises(ValueError, match=rf"beta must be in \[0, 1\), got {bad!r}"):
            factory(0.1, beta=bad)
    with pytest.raises(TypeError, match="beta"):
        factory(0.1, beta="0.9")
    assert factory(0.1, beta=0.0).beta == 0.0


def test_adam_bad_arguments():
    with pytest.raises(ValueError, match=r"b1 must be in \[0, 1\), got 1.0"):
        adam(0.1, b1=1.0)
    with pytest.raises(ValueError, match=r"b2 must be in \[0, 1\), got -0.5"):
        adam(0.1, b2=-0.5)
    with pytest.raises(ValueError, match="eps must be a positive finite number, got 0.0"):
        adam(0.1, eps=0.0)


def test_gd_matches_the_plain_loop():
    q = quadratic_case(7, 4).problem
    x0 = np.arange(4.0)
    tr = minimize(q, gd(0.12), x0=x0, steps=60)
    np.testing.assert_allclose(tr.path, ref.gd_path(q.grad, x0, 0.12, 60), rtol=1e-13, atol=1e-13)


def test_momentum_matches_the_heavy_ball_recurrence():
    q = quadratic_case(8, 4).problem
    x0 = np.arange(4.0)
    tr = minimize(q, momentum(0.05, beta=0.7), x0=x0, steps=60)
    np.testing.assert_allclose(tr.path, ref.heavy_ball_path(q.grad, x0, 0.05, 0.7, 60), rtol=1e-11, atol=1e-12)


def test_nesterov_iterates_are_the_look_ahead_points():
    # Classical form: y_k = x_k + beta (x_k - x_{k-1}), x_{k+1} = y_k - lr grad(y_k).
    q = quadratic_case(9, 3).problem
    lr, beta = 0.05, 0.8
    tr = minimize(q, nesterov(lr, beta), x0=np.ones(3), steps=40)
    want = ref.nesterov_look_ahead_path(q.grad, np.ones(3), lr, beta, 40)
    np.testing.assert_allclose(tr.path, want, rtol=1e-12, atol=1e-12)


def test_adam_matches_algorithm_1():
    r = Rosenbrock()
    tr = minimize(r, adam(0.01, b1=0.8, b2=0.99, eps=1e-6), steps=100)
    want = ref.adam_path(r.grad, r.start, 0.01, 0.8, 0.99, 1e-6, 100)
    np.testing.assert_allclose(tr.path, want, rtol=1e-12, atol=1e-14)


@pytest.mark.parametrize("name", sorted(OPTIMIZERS))
def test_resolve_optimizer_by_name_or_factory(name):
    assert resolve_optimizer(name) == (name, OPTIMIZERS[name])
    assert resolve_optimizer(OPTIMIZERS[name]) == (name, OPTIMIZERS[name])


def test_resolve_optimizer_refuses_what_is_not_a_name_or_a_factory():
    def heavy(lr):
        return momentum(lr, beta=0.5)

    assert resolve_optimizer(heavy) == ("heavy", heavy)
    with pytest.raises(ValueError, match=r"optimizer must be one of \['adam', 'gd', 'momentum', 'nesterov'\], got 'sgd'"):
        resolve_optimizer("sgd")
    with pytest.raises(TypeError, match="optimizer must be a name .* or a factory lr -> optimizer, got GradientDescent"):
        resolve_optimizer(gd(0.1))


def test_state_types():
    x0 = np.zeros(2)
    assert isinstance(gd(0.1).init(x0), GDState)
    assert isinstance(momentum(0.1).init(x0), MomentumState)
    assert isinstance(nesterov(0.1).init(x0), MomentumState)
    assert isinstance(adam(0.1).init(x0), AdamState)


def test_adam_reaches_the_rosenbrock_minimum():
    r = Rosenbrock()
    tr = minimize(r, adam(0.02), steps=5000)  # the classic start (-1.2, 1)
    np.testing.assert_allclose(tr.x, [1.0, 1.0], atol=1e-6)
    rng = np.random.default_rng(2026)
    for x0 in rng.uniform(-2.0, 2.0, size=(3, 2)):
        tr = minimize(r, adam(0.02), x0=x0, steps=8000)
        np.testing.assert_allclose(tr.x, [1.0, 1.0], atol=1e-2, err_msg=f"start {x0}")


# ---------------------------------------------------------------------------
# review fixes: inputs that were accepted but mishandled
# ---------------------------------------------------------------------------


@pytest.mark.parametrize("name", sorted(OPTIMIZERS))
@pytest.mark.parametrize(
    "bad, exc, msg",
    [
        (-0.1, ValueError, r"lr schedule .* gave -0.1 at step 3"),
        (math.nan, ValueError, r"lr schedule .* gave nan at step 3"),
        (math.inf, ValueError, r"lr schedule .* gave inf at step 3"),
        (None, TypeError, r"lr schedule .* must return a number, got None at step 3"),
        (True, TypeError, r"lr schedule .* must return a number, got True at step 3"),
    ],
)
def test_a_schedule_that_turns_bad_mid_run_is_refused_at_that_step(name, bad, exc, msg):
    # Was: a negative rate silently walked uphill; nan was reported as "diverged".
    kw = GOOD[name][1]
    opt = OPTIMIZERS[name](lambda k: 0.01 if k < 3 else bad, **kw)
    q = quadratic_case(0).problem
    with pytest.raises(exc, match=msg):
        minimize(q, opt, x0=np.ones(q.dim), steps=10)


def test_a_schedule_may_reach_zero_after_step_0():
    # cosine(alpha=0) ends at exactly 0: a legitimate "stop moving", not an error.
    q = quadratic_case(0).problem
    tr = minimize(q, gd(cosine(0.01, 5)), x0=np.ones(q.dim), steps=10)
    np.testing.assert_array_equal(tr.path[6:], np.repeat(tr.path[5:6], 5, axis=0))


@pytest.mark.parametrize("bad", [np.array(True), np.array(0.1, dtype=object), np.array(1 + 0j)])
def test_a_schedule_returning_a_non_number_array_is_refused_at_construction(bad):
    # Was: the construction-time probe accepted any 0-d array; the first update then refused
    # the same value (or float() failed on a complex one with an unnamed error).
    with pytest.raises(TypeError, match=r"lr schedule .* must return a number, got array\(.*\) at step 0"):
        gd(lambda k: bad)
