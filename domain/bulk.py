"""Reads over id lists of any length with a bounded number of bind parameters per statement.

asyncpg refuses more than 32,767 parameters in one statement and SQLite more than 32,766, so a filter such
as ``student_id__in=ids`` breaks once the list grows with the data (every waiting student, every student of a
run). ``in_chunks`` sends one statement per ``CHUNK`` ids and concatenates the rows: the parameter count of
each statement stays bounded whatever the data, on both databases, with the same queryset code.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Collection, Iterator, Sequence
from typing import TypeVar

R = TypeVar("R")

# Well under both limits, leaving room for the statement's other parameters.
CHUNK = 10_000


def chunks(ids: Collection[int], size: int = CHUNK) -> Iterator[list[int]]:
    """``ids`` in sorted order (a stable statement order, and locks taken in id order), ``size`` at a time."""
    ordered = sorted(set(ids))
    for start in range(0, len(ordered), size):
        yield ordered[start : start + size]


async def in_chunks(ids: Collection[int], read: Callable[[list[int]], Awaitable[Sequence[R]]]) -> list[R]:
    """``read(chunk)`` for each chunk of ``ids`` (none when ``ids`` is empty), the rows concatenated.

    ``read`` must filter on ``__in=chunk`` and nothing else unbounded; ordering across chunks is by chunk
    (sort afterwards when the order matters)."""
    rows: list[R] = []
    for chunk in chunks(ids):
        rows.extend(await read(chunk))
    return rows
