"""optim.range_test: Smith's range test blows up just past 2/L and suggests a stable rate."""

import unittest

import numpy as np
import pytest

from optim import LeastSquares, Quadratic, Rosenbrock, adam, gd, lr_range_test, minimize, stable_lr_bound
from optim.schedules import geometric_ramp
from tests.data import quadratic_case

pytestmark = pytest.mark.filterwarnings("error::RuntimeWarning")


class RangeTestCase(unittest.TestCase):
    def test_quadratic_blows_up_only_past_two_over_L(self):
        for seed in range(5):
            case = quadratic_case(seed, 3)
            q, x0 = case.problem, case.x0
            rt = lr_range_test(q, x0=x0, lr_min=1e-4, lr_max=100.0, steps=150)
            bound = stable_lr_bound(q)
            self.assertTrue(rt.blew_up)
            self.assertGreater(rt.lr[-1], bound)
            self.assertGreater(rt.lr_min_loss, 0.5 * bound)
            self.assertLess(rt.suggested_lr, bound)
            self.assertLessEqual(rt.lr_steepest, rt.lr_min_loss)
            # below 2/L the loss can only fall (every step contracts the A-norm error)
            below = rt.lr < bound
            self.assertTrue(np.all(np.diff(rt.loss[below]) <= 1e-12 * (1 + np.abs(rt.loss[below][1:]))))

    def test_rates_grow_geometrically_and_frame(self):
        case = quadratic_case(1, 2)
        q, x0 = case.problem, case.x0
        rt = lr_range_test(q, x0=x0, lr_min=1e-5, lr_max=1e-3, steps=50)
        np.testing.assert_allclose(rt.lr, np.geomspace(1e-5, 1e-3, 50), rtol=1e-12)
        self.assertFalse(rt.blew_up)
        df = rt.to_frame()
        self.assertEqual(list(df.columns), ["lr", "loss", "smoothed"])
        self.assertEqual(len(df), 50)

    def test_on_raw_height_weight_it_stops_near_two_over_L(self):
        raw = LeastSquares.from_height_weight()
        rt = lr_range_test(raw, lr_min=1e-7, lr_max=1.0, steps=200)
        self.assertTrue(rt.blew_up)
        bound = stable_lr_bound(raw)
        self.assertGreater(rt.lr[-1], bound)
        self.assertLess(rt.lr[-1], 20 * bound)
        self.assertLess(rt.lr_min_loss, 10 * bound)
        self.assertLess(rt.suggested_lr, bound)
        self.assertGreater(rt.suggested_lr, 0.1 * bound)
        self.assertLess(rt.lr_steepest, rt.suggested_lr)  # the cautious reading
        # the suggestion works: gd at that rate is stable and well on its way
        tr = minimize(raw, gd(rt.suggested_lr), steps=200)
        self.assertFalse(tr.diverged)
        self.assertLess(tr.final_loss, 1.1 * float(raw.value(raw.solution())))

    def test_other_optimizers(self):
        r = Rosenbrock()
        rt = lr_range_test(r, "adam", lr_min=1e-5, lr_max=1.0, steps=60)
        self.assertEqual(rt.lr.size, rt.loss.size)
        # the curve is Adam's own run on the ramp: the same rates, the same losses as
        # minimize with adam(geometric_ramp(...)) step for step
        np.testing.assert_allclose(rt.lr, np.geomspace(1e-5, 1.0, 60)[: rt.lr.size], rtol=1e-12)
        tr = minimize(r, adam(geometric_ramp(1e-5, 1.0, 60)), steps=rt.lr.size)
        np.testing.assert_allclose(rt.loss, tr.loss[1:], rtol=1e-12)
        # small rates lower the loss from the first step on, for most of the ramp ...
        low = rt.lr < 0.02
        self.assertLess(rt.loss[0], float(r.value(r.start)))
        self.assertTrue(np.all(np.diff(rt.loss[low]) < 0))
        # ... until the rates grow too large for the valley: the loss climbs past 4x its
        # best (the stop rule) well before the ramp's end, near lr 0.03
        self.assertTrue(rt.blew_up)
        self.assertLess(rt.lr.size, 60)
        self.assertGreater(rt.loss[-1], 4 * rt.loss.min())
        self.assertTrue(0.01 < rt.lr_min_loss < 0.1)
        self.assertAlmostEqual(rt.suggested_lr, rt.lr_min_loss / 10)

    def test_bad_arguments(self):
        q = Quadratic(np.eye(2), [1.0, 1.0])
        cases = [
            (dict(lr_min=0.0), ValueError, "lr_min must be a positive finite number, got 0.0"),
            (dict(lr_min=1.0, lr_max=0.5), ValueError, "lr_max must be > lr_min"),
            (dict(steps=2), ValueError, "steps must be an integer >= 3, got 2"),
            (dict(smoothing=1.0), ValueError, r"smoothing must be in \[0, 1\), got 1.0"),
            (dict(stop_factor=1.0), ValueError, "stop_factor must be > 1, got 1.0"),
            (dict(optimizer="lbfgs"), ValueError, "optimizer must be one of"),
        ]
        for kw, exc, msg in cases:
            with self.subTest(kw=kw), self.assertRaisesRegex(exc, msg):
                lr_range_test(q, **kw)
