"""Weekly series over five years at every 15-minute start time, against the stated DST rule, and against
PostgreSQL's own time-zone arithmetic for every instant (domain.recurrence)."""

from __future__ import annotations

import functools
import itertools
from datetime import UTC, date, datetime, time, timedelta

import asyncpg
from tortoise import Tortoise

from domain.models import Session
from domain.paris_time import PARIS
from domain.recurrence import Adjustment, Occurrence, expand
from domain.services import sessions
from tests import factories
from tests.conftest import POSTGRES_SERVER, Backend

FIRST_WEEK = date(2026, 1, 5)
WEEKS = 5 * 52 + 1  # 2026-01-05 .. 2030-12-30: five spring and five autumn changes
STARTS = range(0, 24 * 60, 15)


@functools.cache
def every_occurrence() -> list[Occurrence]:
    return [
        occ for weekday in range(7) for minute in STARTS for occ in expand(weekday, minute, FIRST_WEEK, WEEKS)
    ]


def _changes() -> tuple[set[date], set[date]]:
    """Sundays of the spring and autumn changes in Paris, found from the zone data, not hard-coded."""
    spring, autumn = set(), set()
    day = FIRST_WEEK
    while day < FIRST_WEEK + timedelta(weeks=WEEKS):
        before = datetime.combine(day, time(1), tzinfo=PARIS).utcoffset()
        after = datetime.combine(day, time(4), tzinfo=PARIS).utcoffset()
        if before != after:
            assert before is not None and after is not None
            (spring if after > before else autumn).add(day)
        day += timedelta(days=1)
    return spring, autumn


def test_wall_time_holds_every_week_where_it_exists_and_gaps_follow_the_rule() -> None:
    spring, autumn = _changes()
    assert len(spring) == 5 and len(autumn) == 5
    occurrences = every_occurrence()
    assert len(occurrences) == 7 * 96 * WEEKS
    counts = {None: 0, Adjustment.GAP_MOVED: 0, Adjustment.AMBIGUOUS_FIRST: 0}
    for occ in occurrences:
        counts[occ.adjustment] += 1
        in_changed_hour = occ.wall.date() in spring | autumn and 2 <= occ.wall.hour < 3
        if occ.adjustment is None:
            assert not in_changed_hour, occ
            assert occ.local == occ.wall  # the configured wall-clock time, exactly
            assert occ.starts_at.astimezone(PARIS).utcoffset() in (timedelta(hours=1), timedelta(hours=2))
        elif occ.adjustment is Adjustment.GAP_MOVED:
            assert occ.wall.date() in spring and in_changed_hour
            assert occ.local == datetime.combine(occ.wall.date(), time(3))  # first minute after the gap
        else:
            assert occ.wall.date() in autumn and in_changed_hour
            assert occ.local == occ.wall
            assert occ.starts_at.astimezone(PARIS).utcoffset() == timedelta(hours=2)  # the first one
    # 4 quarter-hours in the changed hour, 5 changes of each kind.
    assert counts[Adjustment.GAP_MOVED] == 4 * 5 and counts[Adjustment.AMBIGUOUS_FIRST] == 4 * 5
    # Consecutive weeks are 7 days apart in wall-clock time, whatever the offset change.
    by_slot: dict[tuple[int, int], list[Occurrence]] = {}
    for occ in occurrences:
        by_slot.setdefault((occ.wall.weekday(), occ.wall.hour * 60 + occ.wall.minute), []).append(occ)
    for slot_occ in by_slot.values():
        for a, b in itertools.pairwise(slot_occ):
            assert b.wall - a.wall == timedelta(weeks=1)


async def test_python_and_postgresql_agree_on_every_instant() -> None:
    """Every occurrence: PostgreSQL's ``(utc AT TIME ZONE 'Europe/Paris')`` gives back Python's local time,
    and for every wall-clock time that exists once, ``(wall AT TIME ZONE 'Europe/Paris')`` gives back
    Python's instant."""
    occurrences = every_occurrence()
    instants = [o.starts_at for o in occurrences]
    locals_ = [o.local for o in occurrences]
    plain = [o for o in occurrences if o.adjustment is None]
    conn = await asyncpg.connect(f"{POSTGRES_SERVER}/postgres", timeout=5)
    try:
        back = await conn.fetchval(
            """SELECT count(*) FROM unnest($1::timestamptz[], $2::timestamp[]) AS t(utc, wall)
               WHERE (utc AT TIME ZONE 'Europe/Paris') = wall""",
            instants,
            locals_,
        )
        forward = await conn.fetchval(
            """SELECT count(*) FROM unnest($1::timestamp[], $2::timestamptz[]) AS t(wall, utc)
               WHERE (wall AT TIME ZONE 'Europe/Paris') = utc""",
            [o.wall for o in plain],
            [o.starts_at for o in plain],
        )
    finally:
        await conn.close()
    assert back == len(occurrences) == 7 * 96 * WEEKS
    assert forward == len(plain)


async def test_a_stored_five_year_series_in_the_changed_hour(db: Backend) -> None:
    """A Sunday 02:30 slot booked for five years: the stored instants read back as the rule says, and on
    PostgreSQL the database's own conversion of each stored instant agrees."""
    path, projects = await factories.catalogue(1)
    mentor = await factories.mentor(projects)
    student = await factories.student(path, projects[0])
    await factories.open_all_week(mentor_id=mentor.id, student_id=student.id)
    m = await factories.pair(student, mentor, datetime(2026, 1, 4, 2, 30))
    report = await sessions.schedule_series(
        sessions.SeriesInput(m.id, FIRST_WEEK, WEEKS), now=factories.BUILD_NOW
    )
    assert len(report.created) == WEEKS and report.skipped == []
    assert [o.adjustment for o in report.adjusted] == [Adjustment.GAP_MOVED, Adjustment.AMBIGUOUS_FIRST] * 5
    rows = await Session.filter(mentorship_id=m.id, kind="regular").order_by("starts_at")
    expected = [o.starts_at for o in report.occurrences]
    assert [r.starts_at for r in rows] == expected
    for row, occ in zip(rows, report.occurrences, strict=True):
        local = row.starts_at.astimezone(PARIS)
        assert (local.hour, local.minute) == ((3, 0) if occ.adjustment is Adjustment.GAP_MOVED else (2, 30))
    if db.is_postgres:
        found = await Tortoise.get_connection("default").execute_query_dict(
            """SELECT to_char(starts_at AT TIME ZONE 'Europe/Paris', 'YYYY-MM-DD"T"HH24:MI') AS wall
               FROM session WHERE mentorship_id = $1 AND kind = 'regular' ORDER BY starts_at""",
            [m.id],
        )
        assert [r["wall"] for r in found] == [
            o.local.isoformat(timespec="minutes") for o in report.occurrences
        ]
    assert rows[0].starts_at == datetime(2026, 1, 11, 1, 30, tzinfo=UTC)
