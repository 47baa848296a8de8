"""Cursor pagination: ``first``/``after`` over a stable order (the primary key), with a page-size cap."""

from __future__ import annotations

import base64
from collections.abc import Awaitable, Callable, Sequence
from typing import Any, Generic, TypeVar

import strawberry
from tortoise.queryset import QuerySet

from domain.errors import ValidationFailed

NodeT = TypeVar("NodeT")
DEFAULT_PAGE_SIZE = 20
MAX_ID = 2**31 - 1


@strawberry.type
class PageInfo:
    has_next_page: bool
    end_cursor: str | None


@strawberry.type
class Edge(Generic[NodeT]):
    cursor: str
    node: NodeT


@strawberry.type(description="A page of results. Ask for the next one with after: pageInfo.endCursor.")
class Connection(Generic[NodeT]):
    edges: list[Edge[NodeT]]
    page_info: PageInfo
    _count: strawberry.Private[Callable[[], Awaitable[int]]]

    @strawberry.field(description="How many objects match, over all pages (one more SQL query).")
    async def total_count(self) -> int:
        return await self._count()


def encode_cursor(kind: str, pk: int) -> str:
    return base64.urlsafe_b64encode(f"{kind}:{pk}".encode()).decode()


def decode_cursor(kind: str, cursor: str | None) -> int | None:
    if cursor is None:
        return None
    try:
        prefix, _, raw = base64.urlsafe_b64decode(cursor.encode()).decode().partition(":")
        if prefix != kind or not raw.isdigit():
            raise ValueError(prefix)
        pk = int(raw)
        if not 0 < pk <= MAX_ID:  # ids are 32-bit: a larger one would overflow the SQL parameter
            raise ValueError(raw)
        return pk
    except (ValueError, UnicodeDecodeError) as exc:
        raise ValidationFailed("is not a cursor from this list", field="after") from exc


def page_size(first: int | None, cap: int) -> int:
    size = DEFAULT_PAGE_SIZE if first is None else first
    if not 1 <= size <= cap:
        raise ValidationFailed(f"must be between 1 and {cap}", field="first")
    return size


async def paginate_queryset(
    kind: str,
    queryset: QuerySet[Any],
    *,
    first: int | None,
    after: str | None,
    cap: int,
    to_node: Callable[[Any], NodeT],
) -> Connection[NodeT]:
    size = page_size(first, cap)
    after_pk = decode_cursor(kind, after)
    page_qs = queryset.order_by("id")
    if after_pk is not None:
        page_qs = page_qs.filter(id__gt=after_pk)
    rows = await page_qs.limit(size + 1)
    return _connection(kind, rows, size, to_node, queryset.count)


def paginate_list(
    kind: str,
    items: Sequence[Any],
    *,
    first: int | None,
    after: str | None,
    cap: int,
    to_node: Callable[[Any], NodeT],
) -> Connection[NodeT]:
    """The same contract over an already-loaded list (nested lists fetched by a DataLoader)."""
    size = page_size(first, cap)
    after_pk = decode_cursor(kind, after)
    ordered = sorted(items, key=lambda item: item.id)
    if after_pk is not None:
        ordered = [item for item in ordered if item.id > after_pk]
    total = len(items)

    async def count() -> int:
        return total

    return _connection(kind, ordered[: size + 1], size, to_node, count)


def _connection(
    kind: str,
    rows: Sequence[Any],
    size: int,
    to_node: Callable[[Any], NodeT],
    count: Callable[[], Awaitable[int]],
) -> Connection[NodeT]:
    page = list(rows[:size])
    edges = [Edge(cursor=encode_cursor(kind, row.id), node=to_node(row)) for row in page]
    return Connection(
        edges=edges,
        page_info=PageInfo(has_next_page=len(rows) > size, end_cursor=edges[-1].cursor if edges else None),
        _count=count,
    )
