"""optim.datasets and the real data: height and weight of 25,000 people, by gradient descent."""

import unittest

import numpy as np
import pytest

import optim
from optim import LeastSquares, condition_number, contraction_factor, gd, lr_sweep, minimize, stable_lr_bound
from tests import reference as ref

pytestmark = pytest.mark.filterwarnings("error::RuntimeWarning")


class HeightWeight(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.raw = LeastSquares.from_height_weight()
        cls.std = LeastSquares.from_height_weight(standardize=True)

    def test_data_file(self):
        h, w = optim.datasets.height_weight()
        self.assertEqual((h.shape, w.shape), ((25000,), (25000,)))
        self.assertTrue(60 < h.min() < h.max() < 76 and 75 < w.min() < w.max() < 175)
        self.assertEqual(self.raw.X.shape, (25000, 2))
        np.testing.assert_array_equal(self.raw.X[:, 0], 1.0)  # the intercept column
        self.assertAlmostEqual(h[0], 65.78331)  # first row after the byte-order mark
        self.assertAlmostEqual(w[0], 112.9925)

    def test_ols_line_matches_the_published_figures_and_the_textbook_formula(self):
        intercept, slope = self.raw.solution()
        self.assertAlmostEqual(slope, 3.08, delta=0.005)
        self.assertAlmostEqual(intercept, -82.6, delta=0.05)
        h, w = optim.datasets.height_weight()
        b0, b1 = ref.ols_line(h.tolist(), w.tolist())
        self.assertAlmostEqual(intercept, b0, delta=1e-8)
        self.assertAlmostEqual(slope, b1, delta=1e-10)
        np.testing.assert_allclose(self.raw.solution(), np.linalg.lstsq(self.raw.X, self.raw.y, rcond=None)[0])

    def test_condition_numbers(self):
        self.assertTrue(5e6 < condition_number(self.raw) < 7e6)
        self.assertAlmostEqual(condition_number(self.std), 1.0, delta=1e-9)

    def test_standardized_gd_reaches_lstsq_in_a_handful_of_steps(self):
        tr = minimize(self.std, gd(1.0), steps=10, tol=1e-8)  # lr = 1/L = 2/(mu+L)
        self.assertLessEqual(tr.converged_at, 2)
        np.testing.assert_allclose(tr.x, self.std.solution(), atol=1e-8)
        tr = minimize(self.std, gd(0.5), steps=1000, tol=1e-8)
        self.assertLess(tr.converged_at, 50)
        np.testing.assert_allclose(tr.x, self.std.solution(), atol=1e-7)
        # the same line in original units: slope = w1 / std(h), intercept = w0 - slope * mean(h)
        h, _ = optim.datasets.height_weight()
        slope = tr.x[1] / h.std()
        np.testing.assert_allclose([tr.x[0] - slope * h.mean(), slope], self.raw.solution(), rtol=1e-7)

    def test_raw_gd_crawls(self):
        # Even at a near-best stable rate, 1,000 steps leave the intercept near 0 instead of -82.6:
        # the small eigen-direction shrinks by 1 - eta * mu ~ 1 - 3.4e-7 per step.
        for lr in (0.99 * stable_lr_bound(self.raw), 0.5 * stable_lr_bound(self.raw)):
            tr = minimize(self.raw, gd(lr), steps=1000, tol=1e-6)
            self.assertIsNone(tr.converged_at)
            self.assertFalse(tr.diverged)
            self.assertGreater(np.linalg.norm(tr.x - self.raw.solution()), 80)
            self.assertGreater(contraction_factor(self.raw, lr), 1 - 1e-6)

    def test_sweep_on_raw_flags_rates_above_two_over_L(self):
        bound = stable_lr_bound(self.raw)
        fracs = np.concatenate([np.geomspace(1e-3, 0.97, 20), np.geomspace(1.03, 2.0, 10)])
        df = lr_sweep(self.raw, fracs * bound, steps=1000, tol=1e-6)
        np.testing.assert_array_equal(df["diverged"], fracs > 1)
        self.assertTrue(df["converged_at"].isna().all())  # kappa ~ 6e6: nothing converges in 1,000
