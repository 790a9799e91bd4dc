"""The README's examples run as doctests, so the front page stays true."""

import doctest
import re
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def test_readme_examples(tmp_path, monkeypatch):
    # The tracking example writes a store: keep it out of the repository.
    monkeypatch.setenv("OPTSANDBOX_TRACKING_URI", f"sqlite:///{tmp_path / 'tracking.db'}")
    monkeypatch.chdir(ROOT)
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    blocks = re.findall(r"```python\n(.*?)```", text, flags=re.S)
    assert len(blocks) == 4  # one per package
    test = doctest.DocTestParser().get_doctest("\n".join(blocks), {}, "README.md", "README.md", 0)
    runner = doctest.DocTestRunner(optionflags=doctest.NORMALIZE_WHITESPACE)
    runner.run(test)
    result = runner.summarize(verbose=False)
    assert result.attempted >= 15
    assert result.failed == 0


def _sci(x: float) -> str:
    """1.4e-06 as the README writes it: '1.4·10⁻⁶'."""
    mantissa, exponent = f"{x:.1e}".split("e")
    sup = str.maketrans("-0123456789", "⁻⁰¹²³⁴⁵⁶⁷⁸⁹")
    return f"{mantissa}·10{str(int(exponent)).translate(sup)}"


def test_readme_lr_results_are_what_the_sweep_computes():
    # The behaviour the "lr" results paragraph reports, recomputed as benchmarks/lr.py
    # computes it (100 rates from 0.001 to 1.5 x 2/L, 1,000 steps, |grad| <= 1e-6); the
    # timings there are measured, not tested. Was stale: "0.068 s, 15x", "in 4 steps".
    import numpy as np

    from benchmarks.lr import N_LRS, STEPS
    from optim import LeastSquares, condition_number, lr_sweep, optimal_lr, stable_lr_bound

    text = " ".join((ROOT / "README.md").read_text(encoding="utf-8").split())
    para = text[text.index("**lr**"):text.index("![steps to converge against learning rate](docs/lr.png)")]
    fracs = np.geomspace(1e-3, 1.5, N_LRS)
    assert (N_LRS, STEPS) == (100, 1000) and "100 rates run from 0.001 to 1.5 times 2/L" in para
    claims = []
    raw, std = LeastSquares.from_height_weight(), LeastSquares.from_height_weight(standardize=True)
    for problem in (raw, std):
        bound = stable_lr_bound(problem)
        df = lr_sweep(problem, fracs * bound, steps=STEPS, tol=1e-6)
        above = df["lr"] > bound
        assert (df["diverged"] == above).all()  # flagged: exactly the rates above 2/L
        claims.append(f"exactly the {int(above.sum())} rates above 2/L")
        ok, conv = ~df["diverged"], df["converged_at"]
        if problem is raw:
            kappa = condition_number(raw)
            assert conv.isna().all()
            excess = df.loc[ok, "final_loss"] - float(raw.value(raw.solution()))
            plateau = df.loc[ok, "lr"][excess <= 1.01 * excess.min()]
            assert plateau.index.tolist() == list(range(plateau.index[0], int(ok.sum())))  # up to 2/L
            claims += [f"Raw features (κ = {_sci(kappa)}): no rate converges within 1,000 steps",
                       f"every stable rate from {_sci(plateau.min())} ({100 * plateau.min() / bound:.1f} % "
                       f"of 2/L) up ends within 1 % of the same excess f − f* = {excess.min():.2f}",
                       f"by at most 2/κ = {_sci(2 / kappa)} per step"]
        else:
            slow = conv.isna() & ok
            fastest = conv.astype(float).idxmin()
            assert df.loc[slow, "lr"].max() < df.loc[conv.notna(), "lr"].min()  # the smallest ones
            claims += [f"Standardised (κ = {condition_number(std):.0f}): {int(conv.notna().sum())} rates converge, "
                       f"the fastest in {int(conv[fastest])} steps at lr {df.loc[fastest, 'lr']:.2f}, "
                       f"next to 2/(μ+L) = {optimal_lr(std):.0f}",
                       f"the {int(slow.sum())} smallest, up to lr {df.loc[slow, 'lr'].max():.2g}, do not within "
                       "1,000 steps"]
    for claim in claims:
        assert claim in para, claim
