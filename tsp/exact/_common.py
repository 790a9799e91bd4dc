"""What the exact solvers share: argument checks, and the error when no route exists."""

from __future__ import annotations

from .._validation import check_flag, check_int
from ..instance import check_instance

__all__ = ["check_max_bytes", "check_problem", "no_route"]


def check_problem(instance, closed):
    """Validate ``(instance, closed)`` for an exact solver; return them checked."""
    return check_instance(instance), check_flag("closed", closed)


def check_max_bytes(max_bytes) -> int:
    """A positive integer memory limit in bytes."""
    return check_int("max_bytes", max_bytes, 1, "a positive integer (bytes)")


def no_route(instance, closed: bool) -> ValueError:
    """The error for an instance whose missing edges (inf) leave no Hamiltonian route."""
    what = "tour (cycle)" if closed else "path"
    return ValueError(
        f"no Hamiltonian {what} exists in instance {instance.name!r} (n={instance.n}): "
        f"every order of the cities uses a missing edge (inf)"
    )
