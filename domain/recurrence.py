"""Weekly series in Paris time: a mentorship's slot (weekday, wall-clock start) expanded week by week.

The wall-clock time stays the same across daylight-saving changes (R13: "Tuesdays at 7pm" all year), so
each week is converted with that week's own offset, never by adding seven days to an instant. Two weeks a
year the wall-clock time may not be plain:

- **Gap** (spring forward, last Sunday of March, 02:00-03:00 does not exist): a slot in the skipped hour
  moves to the first minute that exists after it, 03:00, and is reported as ``GAP_MOVED``.
- **Overlap** (fall back, last Sunday of October, 02:00-03:00 happens twice): a slot in the repeated hour
  takes its first occurrence (summer time, ``fold=0``) and is reported as ``AMBIGUOUS_FIRST``.

Every other week the session starts exactly at the configured wall-clock time.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from enum import StrEnum

from domain.paris_time import PARIS, week_monday


class Adjustment(StrEnum):
    GAP_MOVED = "gap_moved"
    AMBIGUOUS_FIRST = "ambiguous_first"


@dataclass(frozen=True, slots=True)
class Occurrence:
    """One week of a series: the wall-clock time asked for, the instant chosen, and why they differ."""

    week: date  # Monday of the Paris ISO week
    wall: datetime  # the configured wall-clock time that week (naive, Paris)
    starts_at: datetime  # the UTC instant
    adjustment: Adjustment | None

    @property
    def local(self) -> datetime:
        """The Paris wall-clock time the session actually starts at (naive)."""
        return self.starts_at.astimezone(PARIS).replace(tzinfo=None)


def _exists(wall: datetime) -> list[datetime]:
    """The UTC instants whose Paris wall-clock time is ``wall``: none (gap), one, or two (overlap)."""
    found = {wall.replace(tzinfo=PARIS, fold=f).astimezone(UTC) for f in (0, 1)}
    return sorted(u for u in found if u.astimezone(PARIS).replace(tzinfo=None) == wall)


def resolve(wall: datetime) -> tuple[datetime, Adjustment | None]:
    """The instant for a series' wall-clock time, by the rules in the module docstring."""
    instants = _exists(wall)
    if len(instants) == 1:
        return instants[0], None
    if len(instants) == 2:
        return instants[0], Adjustment.AMBIGUOUS_FIRST
    # In a gap: the first existing minute after it. Gaps last at most a few hours anywhere, one in Paris.
    probe = wall
    for _ in range(24 * 60):
        probe += timedelta(minutes=1)
        later = _exists(probe)
        if later:
            return later[0], Adjustment.GAP_MOVED
    raise AssertionError(f"no existing time after {wall}")  # pragma: no cover


def occurrence(monday: date, weekday: int, start_minute: int) -> Occurrence:
    day = monday + timedelta(days=weekday)
    wall = datetime.combine(day, time()) + timedelta(minutes=start_minute)
    instant, adjustment = resolve(wall)
    return Occurrence(week=monday, wall=wall, starts_at=instant, adjustment=adjustment)


def expand(weekday: int, start_minute: int, first_week: date, weeks: int) -> list[Occurrence]:
    """``weeks`` consecutive weeks of a weekly slot, from the Paris week containing ``first_week``."""
    monday = week_monday(first_week)
    return [occurrence(monday + timedelta(weeks=k), weekday, start_minute) for k in range(weeks)]
