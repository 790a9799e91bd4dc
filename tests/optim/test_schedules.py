"""optim.schedules: each registry entry equals its formula; bad arguments and steps are named."""

import math

import numpy as np
import pytest

from optim import SCHEDULES, constant, cosine, exponential_decay, geometric_ramp, inverse_time, step_decay
from optim.schedules import Constant, Cosine, ExponentialDecay, GeometricRamp, InverseTime, StepDecay

pytestmark = pytest.mark.filterwarnings("error::RuntimeWarning")

# Each schedule equals its formula; every registry entry must have one here.
FORMULAS = {
    "constant": ({"value": 0.3}, lambda k: 0.3),
    "exponential_decay": (
        {"init_value": 0.5, "decay_rate": 0.9, "decay_steps": 7},
        lambda k: 0.5 * 0.9 ** (k / 7),
    ),
    "inverse_time": (
        {"init_value": 0.5, "decay_rate": 2.0, "decay_steps": 10},
        lambda k: 0.5 / (1 + 2.0 * k / 10),
    ),
    "step_decay": ({"init_value": 1.0, "factor": 0.3, "every": 25}, lambda k: 1.0 * 0.3 ** (k // 25)),
    "cosine": (
        {"init_value": 0.8, "decay_steps": 120, "alpha": 0.05},
        lambda k: 0.8 * ((1 - 0.05) * 0.5 * (1 + math.cos(math.pi * min(k, 120) / 120)) + 0.05),
    ),
    "geometric_ramp": ({"lr_min": 0.01, "lr_max": 0.1, "steps": 100}, lambda k: 0.01 * (0.1 / 0.01) ** (k / 99)),
}


def test_every_schedule_has_a_formula():
    assert set(FORMULAS) == set(SCHEDULES)


@pytest.mark.parametrize("name", sorted(SCHEDULES))
def test_schedule_equals_its_formula(name):
    kwargs, formula = FORMULAS[name]
    sched = SCHEDULES[name](**kwargs)
    ks = np.arange(0, 400)
    want = np.array([formula(int(k)) for k in ks])
    got_scalar = np.array([sched(int(k)) for k in ks])
    np.testing.assert_allclose(got_scalar, want, rtol=1e-14)
    np.testing.assert_allclose(sched(ks), want, rtol=1e-14)  # vectorized call
    assert isinstance(sched(3), float)
    with pytest.raises(ValueError, match="step must be >= 0"):
        sched(-1)


@pytest.mark.parametrize(
    "call, exc, msg",
    [
        (lambda: constant(0.0), ValueError, "value must be a positive finite number, got 0.0"),
        (lambda: constant("1"), TypeError, "value"),
        (lambda: exponential_decay(1.0, 1.5), ValueError, r"decay_rate must be in \(0, 1\], got 1.5"),
        (lambda: exponential_decay(1.0, "0.5"), TypeError, r"decay_rate must be a number in \(0, 1\], got '0.5'"),
        (lambda: exponential_decay(1.0, 0.0), ValueError, r"decay_rate must be in \(0, 1\], got 0.0"),
        (lambda: exponential_decay(1.0, 0.5, decay_steps=0), ValueError, "decay_steps must be an integer >= 1, got 0"),
        (lambda: exponential_decay(1.0, 0.5, decay_steps=2.5), TypeError, "decay_steps"),
        (lambda: inverse_time(-1.0, 1.0), ValueError, "init_value must be a positive finite number, got -1.0"),
        (lambda: inverse_time(1.0, -1.0), ValueError, "decay_rate must be in"),
        (lambda: step_decay(1.0, factor=0.0), ValueError, "factor must be in"),
        (lambda: step_decay(1.0, every=0), ValueError, "every must be an integer >= 1, got 0"),
        (lambda: cosine(1.0, 0), ValueError, "decay_steps must be an integer >= 1, got 0"),
        (lambda: cosine(1.0, 10, alpha=1.0), ValueError, r"alpha must be in \[0, 1\), got 1.0"),
        (lambda: geometric_ramp(0.0, 1.0, 10), ValueError, "lr_min must be a positive finite number, got 0.0"),
        (lambda: geometric_ramp(1.0, 0.5, 10), ValueError, "lr_max must be > lr_min, got lr_min=1.0, lr_max=0.5"),
        (lambda: geometric_ramp(0.1, 1.0, 1), ValueError, "steps must be an integer >= 2, got 1"),
    ],
)
def test_bad_schedule_arguments(call, exc, msg):
    with pytest.raises(exc, match=msg):
        call()


@pytest.mark.parametrize("name", sorted(SCHEDULES))
def test_the_class_built_directly_equals_the_factory(name):
    kwargs, _ = FORMULAS[name]
    sched = SCHEDULES[name](**kwargs)
    assert type(sched)(**kwargs) == sched


@pytest.mark.parametrize(
    "call, exc, msg",
    [
        (lambda: ExponentialDecay(-1, 5, 0), ValueError, "init_value must be a positive finite number, got -1.0"),
        (lambda: ExponentialDecay(1.0, 5, 1), ValueError, r"decay_rate must be in \(0, 1\], got 5.0"),
        (lambda: ExponentialDecay(1.0, 0.5, 0), ValueError, "decay_steps must be an integer >= 1, got 0"),
        (lambda: Constant(0.0), ValueError, "value must be a positive finite number, got 0.0"),
        (lambda: InverseTime(1.0, -1.0, 1), ValueError, r"decay_rate must be in \[0, inf\), got -1.0"),
        (lambda: StepDecay(1.0, 0.0, 10), ValueError, r"factor must be in \(0, 1\], got 0.0"),
        (lambda: Cosine(1.0, 10, 1.0), ValueError, r"alpha must be in \[0, 1\), got 1.0"),
        (lambda: Cosine(1.0, 0.5, 0.0), TypeError, "decay_steps must be an integer >= 1, got 0.5"),
        (lambda: GeometricRamp(1.0, 1.0, 10), ValueError, "lr_max must be > lr_min, got lr_min=1.0, lr_max=1.0"),
    ],
)
def test_a_schedule_class_built_directly_validates_like_its_factory(call, exc, msg):
    # Was: ExponentialDecay(-1, 5, 0) was accepted and gave -inf (k / 0) at step 0.
    with pytest.raises(exc, match=msg):
        call()


# ---------------------------------------------------------------------------
# review fixes: inputs that were accepted but mishandled
# ---------------------------------------------------------------------------


@pytest.mark.parametrize("step", [True, np.bool_(False)])
def test_schedules_refuse_a_bool_step(step):
    for name, (kwargs, _) in FORMULAS.items():
        with pytest.raises(TypeError, match="step must be"):
            SCHEDULES[name](**kwargs)(step)


def test_schedules_refuse_a_nan_step():
    for name, (kwargs, _) in FORMULAS.items():
        with pytest.raises(ValueError, match="step must be"):
            SCHEDULES[name](**kwargs)(math.nan)


def test_range_test_rates_do_not_overflow_for_a_huge_span():
    # Was: lr_max / lr_min overflowed to inf, so the second rate was inf.
    ramp = GeometricRamp(1e-300, 1e300, 7)
    np.testing.assert_allclose(ramp(np.arange(7)), np.geomspace(1e-300, 1e300, 7), rtol=1e-12)
    assert [ramp(k) for k in range(7)] == pytest.approx(list(np.geomspace(1e-300, 1e300, 7)), rel=1e-12)
