"""optim.sweep: lr_sweep flags the divergent rates, vectorized equals the loop; compare_lrs."""

import unittest
import warnings

import numpy as np
import pandas as pd
import pytest
from hypothesis import given
from hypothesis import strategies as st

from optim import Quadratic, Rosenbrock, compare_lrs, gd, lr_sweep, minimize, stable_lr_bound
from tests import reference as ref
from tests.data import quadratic_case, quadratic_cases
from tests.profiles import slow

pytestmark = pytest.mark.filterwarnings("error::RuntimeWarning")


class Sweep(unittest.TestCase):
    def setUp(self):
        case = quadratic_case(7, 4)
        self.q, self.x0 = case.problem, case.x0
        self.bound = stable_lr_bound(self.q)

    def test_flags_exactly_the_divergent_rates(self):
        # diverged iff lr > 2/L, staying 3% away from the boundary on either side
        fracs = np.concatenate([np.geomspace(0.01, 0.97, 25), np.geomspace(1.03, 4.0, 15)])
        rng = np.random.default_rng(0)
        fracs = rng.permutation(fracs)
        for method in ("vectorized", "loop"):
            with self.subTest(method=method):
                df = lr_sweep(self.q, fracs * self.bound, steps=2000, x0=self.x0, tol=1e-8, method=method)
                np.testing.assert_array_equal(df["diverged"].to_numpy(), fracs > 1)
                np.testing.assert_array_equal(df["lr"].to_numpy(), fracs * self.bound)
                self.assertTrue((df["method"] == method).all())

    def test_vectorized_equals_loop(self):
        lrs = np.geomspace(0.01, 1.5, 30) * self.bound
        for name, kw in [("gd", {}), ("momentum", {"beta": 0.6}), ("nesterov", {"beta": 0.6})]:
            with self.subTest(optimizer=name):
                a = lr_sweep(self.q, lrs, name, steps=3000, x0=self.x0, tol=1e-7, **kw)
                b = lr_sweep(self.q, lrs, name, steps=3000, x0=self.x0, tol=1e-7, method="loop", **kw)
                self.assertEqual(a["method"].iloc[0], "vectorized")
                np.testing.assert_array_equal(a["diverged"], b["diverged"])
                np.testing.assert_array_equal(a["steps_run"], b["steps_run"])
                self.assertTrue(a["converged_at"].equals(b["converged_at"]))
                ok = ~a["diverged"].to_numpy()
                np.testing.assert_allclose(a["final_loss"][ok], b["final_loss"][ok], rtol=1e-12, atol=1e-12)

    def test_rows_match_minimize(self):
        lrs = [0.1 * self.bound, 0.5 * self.bound, 1.2 * self.bound]
        df = lr_sweep(self.q, lrs, steps=500, x0=self.x0, tol=1e-6)
        for row, lr in zip(df.itertuples(), lrs):
            tr = minimize(self.q, gd(lr), x0=self.x0, steps=500, tol=1e-6)
            self.assertEqual(row.diverged, tr.diverged)
            self.assertEqual(row.steps_run, tr.steps_run)
            self.assertEqual(None if pd.isna(row.converged_at) else row.converged_at, tr.converged_at)

    def test_column_types(self):
        df = lr_sweep(self.q, [0.1, 0.2], steps=10, x0=self.x0, tol=1e-6)
        self.assertEqual(
            list(df.columns),
            ["lr", "final_loss", "final_grad_norm", "converged_at", "diverged", "steps_run", "optimizer", "method"],
        )
        self.assertEqual(str(df["converged_at"].dtype), "Int64")
        self.assertEqual(df["diverged"].dtype, bool)

    def test_falls_back_to_a_loop(self):
        df = lr_sweep(Rosenbrock(), [1e-4, 1e-3, 0.01], steps=200, tol=1e-6)
        self.assertTrue((df["method"] == "loop").all())
        np.testing.assert_array_equal(df["diverged"], [False, False, True])
        df = lr_sweep(self.q, [0.01, 0.1], "adam", steps=50, x0=self.x0, tol=1e-6)
        self.assertTrue((df["method"] == "loop").all())
        with self.assertRaisesRegex(ValueError, "method='vectorized' needs"):
            lr_sweep(self.q, [0.01], "adam", method="vectorized")
        with self.assertRaisesRegex(ValueError, "method='vectorized' needs.*Rosenbrock"):
            lr_sweep(Rosenbrock(), [0.01], method="vectorized")

    def test_bad_arguments(self):
        cases = [
            (dict(lrs=[]), ValueError, "lrs must not be empty"),
            (dict(lrs=[0.1, -0.2, 0.0]), ValueError, r"lrs must be positive, got \[-0.2, 0.0\]"),
            (dict(lrs=[0.1, np.nan]), ValueError, "lrs must be finite"),
            (dict(lrs="0.1"), TypeError, "lrs"),
            (dict(lrs=[[0.1]]), ValueError, "1-D"),
            (dict(optimizer="sgd"), ValueError, "optimizer must be one of .*got 'sgd'"),
            (dict(optimizer=3), TypeError, "optimizer"),
            (dict(optimizer="momentum", beta=1.0), ValueError, r"beta must be in \[0, 1\), got 1.0"),
            (dict(method="fast"), ValueError, "method must be one of"),
            (dict(steps=0), ValueError, "steps must be an integer >= 1, got 0"),
            (dict(tol=-1.0), ValueError, "tol"),
            (dict(x0=[1.0]), ValueError, "x0 must have shape"),
        ]
        for kw, exc, msg in cases:
            args = dict(problem=self.q, lrs=[0.1])
            args.update(kw)
            with self.subTest(kw=kw), self.assertRaisesRegex(exc, msg):
                lr_sweep(**args)

    def test_start_already_converged(self):
        for method in ("vectorized", "loop"):
            df = lr_sweep(self.q, [0.1, 10.0], steps=50, x0=self.q.solution(), tol=1e-6, method=method)
            self.assertEqual(df["converged_at"].tolist(), [0, 0])
            self.assertEqual(df["steps_run"].tolist(), [0, 0])
            self.assertFalse(df["diverged"].any())

    def test_no_warnings_even_when_everything_overflows(self):
        with warnings.catch_warnings():
            warnings.simplefilter("error")
            df = lr_sweep(self.q, np.geomspace(1e3, 1e200, 10), steps=100, x0=self.x0, tol=1e-6)
        self.assertTrue(df["diverged"].all())

    def test_compare_lrs(self):
        traces = compare_lrs(self.q, [0.5 * self.bound, 1.5 * self.bound], steps=500, x0=self.x0)
        self.assertEqual([t.diverged for t in traces.values()], [False, True])


@slow
@given(
    quadratic_cases(st.integers(1, 4)),
    st.sampled_from(["gd", "momentum", "nesterov"]),
    st.floats(0.0, 0.9),
    st.lists(st.floats(0.01, 2.5), min_size=1, max_size=6),
    st.integers(1, 300),
    st.sampled_from([None, 1e-6, 1e-3]),
)
def test_vectorized_sweep_equals_a_plain_loop_per_rate(case, rule, beta, fracs, steps, tol):
    # the oracle runs each rate alone, by the textbook recurrences (heavy ball, look-ahead Nesterov)
    q = case.problem
    lrs = np.array(fracs) * stable_lr_bound(q)
    hyper = {} if rule == "gd" else {"beta": beta}
    df = lr_sweep(q, lrs, rule, x0=case.x0, steps=steps, tol=tol, method="vectorized", **hyper)
    want = ref.lr_sweep_rows(q.A, q.b, case.x0, lrs, rule, beta, steps, tol)
    assert df["diverged"].tolist() == [w["diverged"] for w in want]
    assert df["steps_run"].tolist() == [w["steps_run"] for w in want]
    assert [None if pd.isna(c) else int(c) for c in df["converged_at"]] == [w["converged_at"] for w in want]
    for got, w in zip(df.itertuples(), want):
        if not w["diverged"]:
            assert got.final_loss == pytest.approx(w["final_loss"], rel=1e-8, abs=1e-10 * (1 + abs(w["final_loss"])))
            assert got.final_grad_norm == pytest.approx(w["final_grad_norm"], rel=1e-6, abs=1e-10)


# ---------------------------------------------------------------------------
# review fixes: inputs that were accepted but mishandled
# ---------------------------------------------------------------------------


@pytest.mark.parametrize("lrs", [[True, 0.1], [0.1, np.True_], np.array([True, True])])
def test_lr_sweep_refuses_boolean_rates(lrs):
    # Was: True swept as lr = 1.0.
    q = Quadratic(np.eye(2), [1.0, 1.0])
    with pytest.raises(TypeError, match="lrs must be"):
        lr_sweep(q, lrs, steps=5)


def test_compare_lrs_refuses_duplicate_rates():
    # Was: {lr: Trace} kept one run of two silently.
    q = Quadratic(np.eye(2), [1.0, 1.0])
    with pytest.raises(ValueError, match=r"lrs must be distinct for compare_lrs .*got 0.1 twice"):
        compare_lrs(q, [0.1, 0.2, 0.1], steps=5)


@pytest.mark.parametrize("function", [compare_lrs, lr_sweep])
def test_arguments_after_the_optimizer_are_keyword_only(function):
    # Was: compare_lrs(q, lrs, "gd", 300) took 300 for x0 (lr_sweep's fourth is steps) and
    # failed with "x0 must have shape (2,) ..., got shape (1,)".
    q = Quadratic(np.eye(2), [1.0, 1.0])
    with pytest.raises(TypeError, match=rf"{function.__name__}\(\) takes .* by keyword.*got 300"):
        function(q, [0.1, 0.2], "gd", 300)


def test_lr_sweep_keeps_duplicate_and_unsorted_rates_in_order():
    q = Quadratic([[1.0, 0.0], [0.0, 10.0]], [1.0, 1.0])
    lrs = [0.21, 0.01, 0.1, 0.01]
    for method in ("vectorized", "loop"):
        df = lr_sweep(q, lrs, steps=2000, method=method, tol=1e-6)
        assert df["lr"].tolist() == lrs
        assert df["diverged"].tolist() == [True, False, False, False]
        assert df["converged_at"].iloc[1] == df["converged_at"].iloc[3]


@pytest.mark.parametrize("method", ["vectorized", "loop"])
def test_lr_sweep_records_its_tolerance_and_budget(method):
    # plot_sweep(y="steps") needs to know whether a run could converge at all.
    q = Quadratic([[1.0, 0.0], [0.0, 10.0]], [1.0, 1.0])
    assert lr_sweep(q, [0.1], steps=7, method=method).attrs == {"tol": None, "steps": 7}
    assert lr_sweep(q, [0.1], steps=50, tol=1e-6, method=method).attrs == {"tol": 1e-6, "steps": 50}
