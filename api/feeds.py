"""Plain HTTP routes beside GraphQL: a calendar feed by its secret URL, and a mentor's CSV statement.

``GET /calendar/{token}.ics``: the owner's sessions as iCalendar (the token is the only credential: rotate
it with the ``rotateCalendarFeed`` mutation). An unknown token is a plain 404, like any missing page.
``GET /statements/{mentor_id}/{YYYY-MM}.csv``: the monthly statement (R17) as CSV.
"""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import JSONResponse, PlainTextResponse, Response
from starlette.routing import Route

from domain.errors import DomainError
from domain.services import billing, calendar
from domain.services.sessions import utc_now
from domain.services.tokens import authenticate, bearer
from schema.pagination import MAX_ID


async def calendar_feed(request: Request) -> Response:
    token = str(request.path_params["token"])
    feed = await calendar.feed_for_token(token)
    if feed is None:
        return PlainTextResponse("not found", status_code=404)
    body = await calendar.feed_calendar(feed, now=utc_now())
    return Response(
        body,
        media_type="text/calendar; charset=utf-8",
        headers={"Cache-Control": "private, max-age=300", "Referrer-Policy": "no-referrer"},
    )


def _error(status: int, code: str, message: str, field: str | None = None) -> JSONResponse:
    """A refused statement request: JSON in the GraphQL error shape, with a code (and the faulty field)."""
    extensions: dict[str, str] = {"code": code}
    if field is not None:
        extensions["field"] = field
    return JSONResponse({"errors": [{"message": message, "extensions": extensions}]}, status_code=status)


async def statement_csv(request: Request) -> Response:
    """Bearer token required: staff, or the mentor the statement belongs to; anyone else gets the same
    404 as for a mentor that does not exist. A bad month is a 400 with code and field."""
    viewer = await authenticate(bearer(request.headers.get("authorization")))
    mentor_id = int(request.path_params["mentor_id"])
    if not viewer.is_authenticated:
        return _error(401, "UNAUTHENTICATED", "sign in first")
    if not (viewer.is_staff or viewer.mentor_id == mentor_id) or not 0 < mentor_id <= MAX_ID:
        return _error(404, "NOT_FOUND", "not found", "mentorId")
    try:
        month = billing.parse_month(str(request.path_params["month"]))
        statement = await billing.monthly_statement(mentor_id, month, now=utc_now())
    except DomainError as error:
        status = 404 if error.code == "NOT_FOUND" else 400
        return _error(status, error.code.value, error.message, error.field)
    filename = f"statement-mentor-{statement.mentor_id}-{month:%Y-%m}.csv"
    return Response(
        billing.statement_csv(statement),
        media_type="text/csv; charset=utf-8",
        headers={"Content-Disposition": f'attachment; filename="{filename}"'},
    )


routes = [
    Route("/calendar/{token:str}.ics", calendar_feed, methods=["GET"]),
    Route("/statements/{mentor_id:int}/{month:str}.csv", statement_csv, methods=["GET"]),
]
