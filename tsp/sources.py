"""Where instances come from: named sources, or a TSPLIB file.

A spec is ``NAME`` or ``NAME:ARG`` for a registered source, anything else is the
path of a TSPLIB ``.tsp`` file. To add a source, add an entry to ``SOURCES``: a
function ``(arg, seed) -> Instance`` where ``arg`` is the text after the colon
(None without one); the tests run every entry.
"""

from __future__ import annotations

import os

from .instance import Instance, seed_routes

__all__ = ["SOURCES", "instance_from_spec"]


def _seed(arg, seed) -> Instance:
    if arg is not None:
        raise ValueError(f"instance 'seed' takes no argument, got 'seed:{arg}'")
    return seed_routes()


def _random(arg, seed) -> Instance:
    try:
        n = int(arg)
    except (TypeError, ValueError):
        raise ValueError(f"instance 'random:N' needs an integer N >= 2, got 'random:{arg or ''}'") from None
    if n < 2:
        raise ValueError(f"instance 'random:N' needs an integer N >= 2, got N={n}")
    return Instance.random_uniform(n, seed=seed)  # refuses a matrix that cannot fit


def _tsplib(arg, seed) -> Instance:
    from .tsplib import BUNDLED_DIR, bundled_names, read_tsplib

    names = bundled_names()
    if arg not in names:
        raise ValueError(f"instance 'tsplib:NAME' needs one of {', '.join(names)}, or pass the path of a "
                         f"downloaded .tsp file; got 'tsplib:{arg or ''}'{_hint(arg or '')}")
    return read_tsplib(os.path.join(BUNDLED_DIR, f"{arg}.tsp"))


def _hint(name: str) -> str:
    """What a TSPLIB-like name could have meant: a shipped instance, or one to download."""
    import difflib

    from .tsplib import TSPLIB95_URL, bundled_names, published_optima

    stem = name[:-4] if name.endswith(".tsp") else name
    shipped = bundled_names()
    if stem in shipped:
        return f"; did you mean 'tsplib:{stem}'?"
    if stem in published_optima():
        return (f"; {stem} is a TSPLIB95 instance not shipped with tsp: download {stem}.tsp from {TSPLIB95_URL} "
                "and pass its path")
    close = difflib.get_close_matches(stem, shipped, n=1)
    return f"; did you mean 'tsplib:{close[0]}'?" if close else ""


#: name -> (arg, seed) -> Instance. ``"seed"``: the classroom table;
#: ``"random:N"``: N uniform cities in the unit square drawn with ``seed``;
#: ``"tsplib:NAME"``: a TSPLIB instance shipped with the package (``tsplib.BUNDLED_DIR``).
SOURCES = {"seed": _seed, "random": _random, "tsplib": _tsplib}
_USAGE = {"seed": "seed", "random": "random:N", "tsplib": "tsplib:NAME"}


def instance_from_spec(spec, seed=None, *, progress=None) -> Instance:
    """The instance a command line names: ``seed``, ``random:N``, ``tsplib:NAME`` or a path.

    Parameters
    ----------
    spec : str or os.PathLike
        ``"seed"`` (the classroom table), ``"random:N"`` (N uniform random cities),
        ``"tsplib:NAME"`` (an instance shipped with the package, e.g. berlin52),
        or the path of a ``.tsp`` file.
    seed : int, numpy.random.Generator or None
        Randomness for ``random:N`` (ignored by the other sources).
    progress : None, True or callable, optional
        Progress of reading a ``.tsp`` file (``tsp.read_tsplib``); the sources are
        quick (``random:1000000``: 0.15 s) and report nothing.

    Returns
    -------
    Instance

    Raises
    ------
    TypeError
        When ``spec`` is not a string or path.
    ValueError
        For a bad argument (``random:x``) or a malformed TSPLIB file.
    FileNotFoundError
        When ``spec`` is neither a registered source nor an existing file.

    Examples
    --------
    >>> instance_from_spec("seed").n
    15
    >>> instance_from_spec("random:6", seed=1).name
    'random:6'
    >>> instance_from_spec("tsplib:berlin52").n
    52
    """
    if isinstance(spec, os.PathLike):
        spec = os.fspath(spec)
    if not isinstance(spec, str):
        raise TypeError(f"spec must be a str ('seed', 'random:N', 'tsplib:NAME' or a path), got {type(spec).__name__}")
    name, colon, arg = spec.partition(":")
    if name in SOURCES:
        return SOURCES[name](arg if colon else None, seed)
    if not os.path.exists(spec):
        known = ", ".join(_USAGE.get(k, k) for k in SOURCES)
        raise FileNotFoundError(f"instance {spec!r} is neither a source ({known}) nor an existing file"
                                f"{_hint(os.path.basename(spec))}")
    from .tsplib import read_tsplib

    return read_tsplib(spec, progress=progress)
