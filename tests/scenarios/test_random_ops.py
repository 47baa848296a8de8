"""Random operations by staff, mentors and students through the domain services, every invariant checked
after each one, on both databases (a bounded run; ``python -m scenarios.random_ops --operations 10000``
runs a long one). A typed refusal is fine; an invariant violation or an unexpected exception fails, with
the operations that led to it."""

from __future__ import annotations

from scenarios.random_ops import OPERATIONS, run, summary
from tests.conftest import Backend
from tests.jobs.helpers import fresh_jobs  # noqa: F401  (autouse: fresh in-process queue and hub)

OPERATIONS_PER_DATABASE = 250


async def test_random_operations_keep_every_invariant(db: Backend) -> None:
    outcome = await run(OPERATIONS_PER_DATABASE, db.settings, seed=11)

    assert outcome.total == OPERATIONS_PER_DATABASE
    assert set(outcome.operations) == {name for name, _, _ in OPERATIONS}, "every kind of operation ran"
    assert outcome.checks > 0
    assert not outcome.unexpected, summary(outcome)
    assert not outcome.violations, summary(outcome)
