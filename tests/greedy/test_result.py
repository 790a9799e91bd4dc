"""greedy.result: ``Change``, the frozen result of greedy and optimal change."""

import unittest

from greedy import Change, greedy_change, optimal_change
from tests.data import KRW


class Results(unittest.TestCase):
    def test_zero_amount_is_zero_coins(self):
        for fn in (greedy_change, optimal_change):
            c = fn(0, KRW)
            self.assertEqual(c.n_coins, 0)
            self.assertEqual(c.counts, {500: 0, 100: 0, 50: 0, 10: 0})

    def test_change_is_frozen_and_ordered(self):
        c = greedy_change(4290, [100, 10, 500, 50])
        self.assertIsInstance(c, Change)
        self.assertEqual(list(c.counts), [500, 100, 50, 10])
        with self.assertRaises(AttributeError):
            c.amount = 1
        with self.assertRaises(TypeError):
            c.counts[500] = 9
        with self.assertRaises(TypeError):
            c.counts.update({10: 0})
        self.assertEqual(c.n_coins, 15)
        self.assertEqual(hash(c), hash(greedy_change(4290, KRW)))
        self.assertEqual(c, optimal_change(4290, KRW))
        self.assertEqual(str(c), "4290 = 8x500 + 2x100 + 1x50 + 4x10 (15 coins)")
