"""greedy.change: the classroom script's ``Algorithm``, kept for its users."""

import unittest

from greedy import NoExactChange
from greedy.change import Algorithm
from tests.data import KRW


class ClassroomCases(unittest.TestCase):
    """The seed's five tests, each under its own name so every one runs."""

    def check(self, amount, expected):
        self.assertEqual(Algorithm(amount, coin_types=KRW).calculate(), expected)

    def test_5000_is_ten_500s(self):
        self.check(5000, (10, 0, 0, 0))

    def test_200_is_two_100s(self):
        self.check(200, (0, 2, 0, 0))

    def test_50_is_one_50(self):
        self.check(50, (0, 0, 1, 0))

    def test_40_is_four_10s(self):
        self.check(40, (0, 0, 0, 4))

    def test_4290_uses_every_coin(self):
        self.check(4290, (8, 2, 1, 4))

    def test_default_coins_are_krw(self):
        self.assertEqual(Algorithm(4290).calculate(), (8, 2, 1, 4))

    def test_unpayable_amount_raises(self):
        with self.assertRaises(NoExactChange) as ctx:
            Algorithm(4295, coin_types=KRW).calculate()
        self.assertIn("4295", str(ctx.exception))
        self.assertIn("5 is left over", str(ctx.exception))
