"""The simulated term on a small scale, on both databases: every programme event happens at
least once, and every invariant of the checker (``domain.invariants``) holds each week."""

from __future__ import annotations

from scenarios.term import TermConfig, simulate
from tests.conftest import Backend
from tests.jobs.helpers import fresh_jobs  # noqa: F401  (autouse: fresh in-process queue and hub)


async def test_a_short_term_keeps_every_rule(db: Backend) -> None:
    config = TermConfig(
        students=60,
        mentors=12,
        weeks=8,
        seed=3,
        time_limit_s=2.0,
        change_rate=0.05,
        finish_rate=0.1,
        short_absences_per_week=1,
        long_absence_every=4,
        notice_every=4,
    )
    term = await simulate(config, db.settings)

    assert term.violations == []
    assert term.checks == 8
    rows = term.rows
    assert len(rows) == 8
    for row in rows:
        assert row.placed + row.waiting + row.graduated == config.students
    assert rows[0].placed > 0 and rows[-1].placed > 0
    assert sum(r.sessions_held for r in rows) > 0
    assert sum(r.sessions_billed for r in rows) > 0
    assert sum(r.change_requests for r in rows) > 0
    assert sum(r.project_changes for r in rows) > 0
    assert sum(r.assessors for r in rows) > 0  # R10: the mentors fill in the profiles before presentations
    assert sum(r.short_absences for r in rows) > 0
    assert sum(r.long_absences for r in rows) == 2
    assert sum(r.handed_over for r in rows) > 0
    assert sum(r.returned for r in rows) > 0
    assert sum(r.notices for r in rows) == 2
    assert sum(r.left for r in rows) >= 1
