"""Paris time: the one zone every session is booked in (R4, R15).

Instants are stored in UTC. Weekly availability is kept as wall-clock windows in the owner's own zone and
expanded for a concrete week with ``zoneinfo``: never by adding a fixed offset. A local time skipped by
the spring-forward change is refused; one repeated by the fall-back change must be chosen explicitly.
"""

from __future__ import annotations

import functools
import itertools
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError, available_timezones

from domain.errors import AmbiguousLocalTime, NonexistentLocalTime, ValidationFailed

PARIS = ZoneInfo("Europe/Paris")
MINUTES_PER_DAY = 24 * 60
_VALID_ZONES = frozenset(available_timezones())
# The dates the programme accepts anywhere (inputs, months, weeks): wide enough for any real date, narrow
# enough that converting to Paris time, to a week or to the next month never leaves Python's range.
EARLIEST_DATE = date(1900, 1, 1)
LATEST_DATE = date(2999, 12, 31)


def require_supported_date(day: date, *, field: str) -> date:
    """``day`` (a date, or a datetime's date) if between ``EARLIEST_DATE`` and ``LATEST_DATE``, else a typed
    error naming ``field``."""
    if not EARLIEST_DATE <= (day.date() if isinstance(day, datetime) else day) <= LATEST_DATE:
        raise ValidationFailed(
            f"must be between {EARLIEST_DATE.isoformat()} and {LATEST_DATE.isoformat()}", field=field
        )
    return day


def zone(name: str, *, field: str = "timezone") -> ZoneInfo:
    """The IANA zone called ``name``, or a typed error naming ``field``."""
    if name not in _VALID_ZONES:
        raise ValidationFailed(f"unknown IANA time zone {name!r}", field=field)
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError) as exc:  # pragma: no cover - guarded by the set above
        raise ValidationFailed(f"unknown IANA time zone {name!r}", field=field) from exc


def local_to_utc(
    local: datetime, tz: ZoneInfo = PARIS, *, fold: int | None = None, field: str = "startsAt"
) -> datetime:
    """Convert a naive wall-clock time in ``tz`` to an aware UTC instant.

    A time that does not exist in ``tz`` raises ``NonexistentLocalTime``. A time that exists twice raises
    ``AmbiguousLocalTime`` unless ``fold`` says which: 0 for the first (summer time), 1 for the second.
    """
    if local.tzinfo is not None:
        raise ValidationFailed("expected a local date and time without offset", field=field)
    if fold not in (None, 0, 1):
        raise ValidationFailed("fold must be 0 (first occurrence) or 1 (second)", field="fold")
    candidates = {local.replace(tzinfo=tz, fold=f).astimezone(UTC) for f in (0, 1)}
    # A skipped time maps to an instant that does not convert back to the same wall clock.
    valid = sorted(u for u in candidates if u.astimezone(tz).replace(tzinfo=None) == local)
    if not valid:
        raise NonexistentLocalTime(
            f"{local:%Y-%m-%d %H:%M} does not exist in {tz.key}: clocks jump forward at that hour",
            field=field,
        )
    if len(valid) == 2:
        if fold is None:
            raise AmbiguousLocalTime(
                f"{local:%Y-%m-%d %H:%M} happens twice in {tz.key}: clocks go back at that hour; "
                "say which with fold 0 (first, summer time) or 1 (second, winter time)",
                field=field,
            )
        return valid[fold]
    return valid[0]


def week_monday(day: date) -> date:
    return day - timedelta(days=day.weekday())


@dataclass(frozen=True, slots=True)
class WeeklyWindow:
    """A weekly window: weekday (0 = Monday) and minutes from that day's midnight, end exclusive."""

    weekday: int
    start_minute: int
    end_minute: int


def validate_windows(windows: list[WeeklyWindow], *, field: str = "windows") -> list[WeeklyWindow]:
    """Refuse inverted, out-of-range or overlapping windows; return them sorted."""
    for i, w in enumerate(windows):
        if not 0 <= w.weekday <= 6:
            raise ValidationFailed("weekday must be 0 (Monday) to 6 (Sunday)", field=f"{field}.{i}.weekday")
        if not 0 <= w.start_minute < MINUTES_PER_DAY:
            raise ValidationFailed("start must be within the day", field=f"{field}.{i}.start")
        if not 0 < w.end_minute <= MINUTES_PER_DAY:
            raise ValidationFailed(
                "end must be within the day (24:00 at the latest)", field=f"{field}.{i}.end"
            )
        if w.end_minute <= w.start_minute:
            raise ValidationFailed("end must be after start", field=f"{field}.{i}.end")
    order = sorted(range(len(windows)), key=lambda i: (windows[i].weekday, windows[i].start_minute))
    for a, b in itertools.pairwise(order):
        wa, wb = windows[a], windows[b]
        if wa.weekday == wb.weekday and wb.start_minute < wa.end_minute:
            raise ValidationFailed(
                f"window {b} overlaps window {a} on the same day; merge them", field=f"{field}.{b}"
            )
    return [windows[i] for i in order]


def windows_in_paris_week(windows: list[WeeklyWindow], tz: ZoneInfo, monday: date) -> list[tuple[int, int]]:
    """Expand wall-clock windows in ``tz`` for the week starting on ``monday`` (a Paris-week Monday).

    Returns merged intervals in minutes from Monday 00:00 Paris time of that week, clipped to the week.
    Each window is converted with the real offsets of its own date, so a window that spans a DST change
    or that falls in a week where ``tz`` and Paris disagree on DST moves as the clocks say.
    """
    week_start = local_to_utc(datetime.combine(monday, time()), PARIS, fold=0)
    week_end = local_to_utc(datetime.combine(monday + timedelta(days=7), time()), PARIS, fold=0)
    intervals: list[tuple[int, int]] = []
    # The owner's week may begin a day earlier or later than Paris's: look one day either side.
    for offset in range(-1, 8):
        day = monday + timedelta(days=offset)
        for w in windows:
            if w.weekday != day.weekday():
                continue
            start = _wall_to_utc_lenient(day, w.start_minute, tz)
            end = _wall_to_utc_lenient(day, w.end_minute, tz)
            start, end = max(start, week_start), min(end, week_end)
            if end <= start:
                continue
            intervals.append((_paris_minute(start, monday), _paris_minute(end, monday)))
    return _merge(intervals)


# How far ahead a weekly slot must hold: a year covers every way another zone's clocks stand to Paris's.
YEAR_WEEKS = 53


@functools.lru_cache(maxsize=1024)
def weeks_of_every_season(tz: ZoneInfo, monday: date, *, weeks: int = YEAR_WEEKS) -> tuple[date, ...]:
    """``monday`` (a Paris-week Monday), then, within ``weeks`` weeks from it, the first Paris week of every
    other way ``tz``'s clocks stand to Paris's day by day (Dakar in summer, Montreal in the weeks between
    the American and the European changes, the weeks of a change). Only ``monday`` for Paris and for zones
    that change on Paris's dates."""

    def gaps(week: date) -> tuple[timedelta, ...]:
        out = []
        for offset in range(-1, 8):
            noon = datetime.combine(week + timedelta(days=offset), time(12), tzinfo=UTC)
            out.append(
                (noon.astimezone(PARIS).utcoffset() or timedelta())
                - (noon.astimezone(tz).utcoffset() or timedelta())
            )
        return tuple(out)

    seen: dict[tuple[timedelta, ...], date] = {}
    for k in range(weeks):
        week = monday + timedelta(weeks=k)
        seen.setdefault(gaps(week), week)
    return tuple(sorted(seen.values()))


def windows_all_year(windows: list[WeeklyWindow], tz: ZoneInfo, monday: date) -> list[tuple[int, int]]:
    """The Paris-week minutes inside ``windows`` (in ``tz``) in the week of ``monday`` and in every week of
    the year after it: a weekly slot there stays inside its owner's availability when their clocks or
    Paris's change (R4, R13), though it moves on their own clock (the API says so). The same as
    :func:`windows_in_paris_week` for Paris and for zones that change clocks on Paris's dates."""
    common: list[tuple[int, int]] | None = None
    for week in weeks_of_every_season(tz, monday):
        expanded = windows_in_paris_week(windows, tz, week)
        common = expanded if common is None else intersect(common, expanded)
    return common or []


def _wall_to_utc_lenient(day: date, minute: int, tz: ZoneInfo) -> datetime:
    """Wall clock to UTC for availability bounds: a skipped time counts as the instant the clocks jump to,
    a repeated time as its first occurrence. (Bookings never use this: they must be explicit.)"""
    naive = datetime.combine(day, time()) + timedelta(minutes=minute)
    return naive.replace(tzinfo=tz, fold=0).astimezone(UTC)


def _paris_minute(instant: datetime, monday: date) -> int:
    """Minutes of Paris wall clock since ``monday`` 00:00, as a weekly grid position."""
    local = instant.astimezone(PARIS)
    days = (local.date() - monday).days
    return days * MINUTES_PER_DAY + local.hour * 60 + local.minute


def _merge(intervals: list[tuple[int, int]]) -> list[tuple[int, int]]:
    merged: list[tuple[int, int]] = []
    for start, end in sorted(intervals):
        if merged and start <= merged[-1][1]:
            merged[-1] = (merged[-1][0], max(merged[-1][1], end))
        else:
            merged.append((start, end))
    return merged


def intersect(a: list[tuple[int, int]], b: list[tuple[int, int]]) -> list[tuple[int, int]]:
    """The minutes two sorted lists of disjoint intervals (``windows_in_paris_week``'s) have in common."""
    out: list[tuple[int, int]] = []
    i = j = 0
    while i < len(a) and j < len(b):
        start, end = max(a[i][0], b[j][0]), min(a[i][1], b[j][1])
        if start < end:
            out.append((start, end))
        if a[i][1] < b[j][1]:
            i += 1
        else:
            j += 1
    return out


def changes_clocks(tz: ZoneInfo, year: int) -> bool:
    """Whether ``tz`` has a summer time in ``year`` (Asia/Tokyo, Africa/Dakar: no)."""
    offsets = {datetime(year, month, 15, 12, tzinfo=UTC).astimezone(tz).utcoffset() for month in range(1, 13)}
    return len(offsets) > 1


def paris_offset_shift(tz: ZoneInfo, monday: date) -> int:
    """Minutes by which ``tz``'s windows move in Paris time this week, compared with mid-January.

    Zero for Paris itself and for zones that change clocks on the same dates; +-60 for the weeks when a
    zone such as America/Montreal has changed and Paris has not yet (or the reverse). Dakar (no DST) moves
    all summer. The API shows it so that a mentor sees that their Paris slot moved and why.
    """
    ref = datetime(monday.year, 1, 15, 12, tzinfo=UTC)
    probe = datetime.combine(monday + timedelta(days=3), time(12), tzinfo=UTC)

    def gap(at: datetime) -> timedelta:
        return (at.astimezone(PARIS).utcoffset() or timedelta()) - (
            at.astimezone(tz).utcoffset() or timedelta()
        )

    return int((gap(probe) - gap(ref)).total_seconds() // 60)


def parse_wall_time(text: str, *, field: str) -> int:
    """``"HH:MM"`` (``"24:00"`` allowed as an end) to minutes since midnight, or a typed error."""
    hours, sep, minutes = text.strip().partition(":")
    if not (sep and hours.isdigit() and minutes.isdigit() and len(minutes) == 2):
        raise ValidationFailed(f"{text!r} is not a time as HH:MM", field=field)
    value = int(hours) * 60 + int(minutes)
    if int(minutes) >= 60 or not 0 <= value <= MINUTES_PER_DAY:
        raise ValidationFailed(f"{text!r} is not a time of day", field=field)
    return value


def parse_local_datetime(text: str, *, field: str) -> datetime:
    """``"YYYY-MM-DDTHH:MM"`` as a naive wall-clock time; an offset is refused (times are Paris times)."""
    try:
        value = datetime.fromisoformat(text.strip())
    except ValueError as exc:
        raise ValidationFailed(f"{text!r} is not a date and time as YYYY-MM-DDTHH:MM", field=field) from exc
    if value.tzinfo is not None:
        raise ValidationFailed("give Paris wall-clock time without an offset (R15)", field=field)
    require_supported_date(value, field=field)
    return value


def paris_today() -> date:
    """Today's date in Paris: the calendar every date rule of the programme counts in (R15)."""
    return datetime.now(PARIS).date()
