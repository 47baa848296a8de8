from __future__ import annotations

from datetime import UTC, date, datetime

import pytest

from domain.errors import AmbiguousLocalTime, NonexistentLocalTime, ValidationFailed
from domain.paris_time import (
    WeeklyWindow,
    local_to_utc,
    paris_offset_shift,
    parse_local_datetime,
    parse_wall_time,
    validate_windows,
    weeks_of_every_season,
    windows_all_year,
    windows_in_paris_week,
    zone,
)


def test_spring_forward_hour_does_not_exist() -> None:
    with pytest.raises(NonexistentLocalTime) as err:
        local_to_utc(datetime(2026, 3, 29, 2, 30))
    assert err.value.field == "startsAt"


def test_autumn_hour_is_ambiguous_until_chosen() -> None:
    with pytest.raises(AmbiguousLocalTime):
        local_to_utc(datetime(2026, 10, 25, 2, 30))
    assert local_to_utc(datetime(2026, 10, 25, 2, 30), fold=0) == datetime(2026, 10, 25, 0, 30, tzinfo=UTC)
    assert local_to_utc(datetime(2026, 10, 25, 2, 30), fold=1) == datetime(2026, 10, 25, 1, 30, tzinfo=UTC)


@pytest.mark.parametrize(
    ("local", "expected"),
    [
        (datetime(2026, 1, 13, 19, 0), datetime(2026, 1, 13, 18, 0, tzinfo=UTC)),
        (datetime(2026, 7, 14, 19, 0), datetime(2026, 7, 14, 17, 0, tzinfo=UTC)),
        (datetime(2026, 3, 29, 3, 0), datetime(2026, 3, 29, 1, 0, tzinfo=UTC)),
    ],
)
def test_ordinary_times_convert_with_the_offset_of_their_date(local: datetime, expected: datetime) -> None:
    assert local_to_utc(local) == expected


def test_fold_must_be_zero_or_one() -> None:
    with pytest.raises(ValidationFailed) as err:
        local_to_utc(datetime(2026, 10, 25, 2, 30), fold=2)
    assert err.value.field == "fold"


def test_windows_must_not_overlap_or_invert() -> None:
    with pytest.raises(ValidationFailed) as err:
        validate_windows([WeeklyWindow(1, 600, 700), WeeklyWindow(1, 650, 800)])
    assert err.value.field == "windows.1"
    with pytest.raises(ValidationFailed) as err:
        validate_windows([WeeklyWindow(2, 700, 600)])
    assert err.value.field == "windows.0.end"
    assert validate_windows([WeeklyWindow(1, 700, 800), WeeklyWindow(1, 600, 700)])[0].start_minute == 600


def test_montreal_window_moves_in_paris_time_while_dst_rules_differ() -> None:
    montreal = zone("America/Montreal")
    tuesday_1pm = [WeeklyWindow(1, 13 * 60, 15 * 60)]
    # Winter: Montreal is 6 h behind Paris. 2026-03-09 week: Montreal has changed (8 March), Paris not yet.
    assert windows_in_paris_week(tuesday_1pm, montreal, date(2026, 3, 2)) == [
        (1440 + 19 * 60, 1440 + 21 * 60)
    ]
    assert windows_in_paris_week(tuesday_1pm, montreal, date(2026, 3, 9)) == [
        (1440 + 18 * 60, 1440 + 20 * 60)
    ]
    assert paris_offset_shift(montreal, date(2026, 3, 9)) == -60
    assert paris_offset_shift(montreal, date(2026, 3, 30)) == 0
    assert paris_offset_shift(zone("Africa/Dakar"), date(2026, 7, 6)) == 60
    assert paris_offset_shift(zone("Europe/Paris"), date(2026, 7, 6)) == 0


def test_window_crossing_midnight_in_paris_lands_on_the_next_day() -> None:
    # Sunday 22:00-24:00 in Montreal is Monday 04:00-06:00 in Paris (winter).
    got = windows_in_paris_week(
        [WeeklyWindow(6, 22 * 60, 24 * 60)], zone("America/Montreal"), date(2026, 1, 5)
    )
    assert got == [(4 * 60, 6 * 60)]


def test_unknown_zone_and_bad_text_are_typed_errors() -> None:
    with pytest.raises(ValidationFailed) as err:
        zone("Mars/Olympus")
    assert err.value.field == "timezone"
    with pytest.raises(ValidationFailed):
        parse_wall_time("25:00", field="start")
    assert parse_wall_time("24:00", field="end") == 1440
    with pytest.raises(ValidationFailed):
        parse_local_datetime("2026-03-29T02:30+01:00", field="at")


def test_windows_all_year_hold_in_every_season_of_the_zone() -> None:
    """What a run may use for a weekly slot: the Paris minutes inside someone's windows in every week of the
    year ahead. Monday 18:00-20:00 in Dakar is 19:00-21:00 Paris in winter and 20:00-22:00 in summer."""
    winter = date(2026, 12, 14)
    evening = [WeeklyWindow(0, 18 * 60, 20 * 60)]
    assert windows_in_paris_week(evening, zone("Africa/Dakar"), winter) == [(19 * 60, 21 * 60)]
    assert windows_all_year(evening, zone("Africa/Dakar"), winter) == [(20 * 60, 21 * 60)]
    # Montreal: 00:00-02:00 Paris (Tuesday) most of the year, 23:00-01:00 in the weeks between the changes.
    assert windows_all_year(evening, zone("America/Montreal"), winter) == [(24 * 60, 25 * 60)]
    # Paris and zones that change on Paris's dates: the week alone, unchanged.
    for name in ("Europe/Paris", "Europe/Brussels"):
        assert weeks_of_every_season(zone(name), winter) == (winter,)
        assert windows_all_year(evening, zone(name), winter) == windows_in_paris_week(
            evening, zone(name), winter
        )
    dakar = weeks_of_every_season(zone("Africa/Dakar"), winter)
    assert dakar[0] == winter and date(2027, 3, 29) in dakar  # the first summer week
