"""Calendar feed mutations: a new secret iCalendar URL for a mentor or a student (the old one dies)."""

from __future__ import annotations

from typing import Annotated

import strawberry

from domain.services import calendar
from schema.context import Info
from schema.errors import REFUSALS, ConflictError, NotFoundError, ValidationError

FeedOwner = strawberry.enum(calendar.FeedOwner, name="FeedOwner")


@strawberry.input
class RotateCalendarFeedInput:
    owner: FeedOwner  # type: ignore[valid-type]
    owner_id: int


@strawberry.type(description="Shown once: only a hash of the token is stored.")
class CalendarFeedPayload:
    token: str
    url: str = strawberry.field(description="Subscribe to this URL in a calendar application.")


CalendarFeedResult = Annotated[
    CalendarFeedPayload | ValidationError | NotFoundError | ConflictError,
    strawberry.union("CalendarFeedResult"),
]


def feed_path(token: str) -> str:
    return f"/calendar/{token}.ics"


@strawberry.type
class CalendarMutations:
    @strawberry.mutation(
        description="Create or rotate the secret iCalendar feed URL of a mentor or a student."
    )
    async def rotate_calendar_feed(self, info: Info, input: RotateCalendarFeedInput) -> CalendarFeedResult:
        async def run() -> CalendarFeedPayload:
            token = await calendar.rotate_feed(calendar.FeedOwner(input.owner), input.owner_id)
            base = str(info.context.request.base_url).rstrip("/") if info.context.request is not None else ""
            return CalendarFeedPayload(token=token, url=base + feed_path(token))

        return await REFUSALS.attempt(run)
