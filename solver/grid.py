"""Week masks: a set of week steps as a Python int, bit ``t`` set when step ``t`` belongs to the set."""

from __future__ import annotations

from collections.abc import Iterable

from solver.model import STEPS_PER_DAY, STEPS_PER_WEEK, Interval

WEEK = (1 << STEPS_PER_WEEK) - 1


def interval_mask(intervals: Iterable[Interval]) -> int:
    """Steps covered by ``intervals``, clipped to the week."""
    mask = 0
    for iv in intervals:
        lo, hi = max(iv.start_step, 0), min(iv.end_step, STEPS_PER_WEEK)
        if hi > lo:
            mask |= ((1 << (hi - lo)) - 1) << lo
    return mask


def weekday_mask(days: Iterable[int]) -> int:
    """All steps of the given weekdays (0 = Monday)."""
    day = (1 << STEPS_PER_DAY) - 1
    mask = 0
    for d in days:
        if 0 <= d < 7:
            mask |= day << (d * STEPS_PER_DAY)
    return mask


def _day_start_limit(duration: int) -> int:
    """Starts whose session of ``duration`` steps ends within the same day."""
    per_day = (1 << (STEPS_PER_DAY - duration + 1)) - 1
    mask = 0
    for d in range(7):
        mask |= per_day << (d * STEPS_PER_DAY)
    return mask


_DAY_LIMITS = {d: _day_start_limit(d) for d in range(1, STEPS_PER_DAY + 1)}


def start_mask(free: int, duration: int) -> int:
    """Starts ``s`` such that steps ``s .. s+duration-1`` are all in ``free`` and on one day."""
    if duration <= 0 or duration > STEPS_PER_DAY:
        return 0
    result = free
    for k in range(1, duration):
        result &= free >> k
    return result & _DAY_LIMITS[duration]


def session_mask(start: int, duration: int) -> int:
    return ((1 << duration) - 1) << start


def bits(mask: int) -> list[int]:
    """Positions of the set bits, ascending."""
    out: list[int] = []
    while mask:
        low = mask & -mask
        out.append(low.bit_length() - 1)
        mask ^= low
    return out


def lowest_bit(mask: int) -> int:
    return (mask & -mask).bit_length() - 1
