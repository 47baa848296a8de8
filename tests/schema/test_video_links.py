"""Video links of sessions (R13) through the API and the calendar feeds (both databases): the school's
platform room from the configured template with a random id per session, or the mentor's external https
URL on the pair or on one session; the same link for both people, in the feed; bad URLs are typed errors."""

from __future__ import annotations

from datetime import datetime
from typing import Any

import httpx
import pytest
from icalendar import Calendar

from domain.config import ConfigError, SchoolConfig
from domain.enums import Role
from domain.models import Mentorship, Session
from domain.services import sessions
from domain.services.tokens import issue_token
from domain.video import video_link
from tests import factories
from tests.conftest import Backend, GraphQLClient
from tests.conftest import post_as as _as

LINKS = "query($id: Int!) { mentorship(id: $id) { student { sessions { id videoLink } } } }"

SET = """
mutation($input: SetVideoLinkInput!) {
  setVideoLink(input: $input) {
    __typename
    ... on VideoLinkPayload { session { id videoLink } }
    ... on UserError { code field message }
  }
}"""

ROTATE = """mutation($input: RotateCalendarFeedInput!) { rotateCalendarFeed(input: $input) {
  __typename ... on CalendarFeedPayload { url } } }"""


async def _world() -> tuple[Mentorship, list[Session]]:
    path, projects = await factories.catalogue(1)
    mentor = await factories.mentor(projects)
    student = await factories.student(path, projects[0])
    pair = await factories.pair(student, mentor)
    await sessions.book_session(sessions.BookingInput(pair.id, datetime(2036, 12, 2, 19, 0)))
    return pair, await Session.filter(mentorship_id=pair.id).order_by("id")


async def test_both_people_see_the_same_platform_room_then_the_mentors_tool(
    db: Backend, client: httpx.AsyncClient, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("MENTORMATCH_VIDEO_URL_TEMPLATE", "https://meet.school.example/room/{session_uid}")
    pair, rows = await _world()
    mentor_token = (await issue_token(Role.MENTOR, mentor_id=pair.mentor_id))[0]
    student_token = (await issue_token(Role.STUDENT, student_id=pair.student_id))[0]

    def links(body: dict[str, Any]) -> dict[int, str]:
        return {s["id"]: s["videoLink"] for s in body["data"]["mentorship"]["student"]["sessions"]}

    seen_by_mentor = links(await _as(client, mentor_token, LINKS, {"id": pair.id}))
    seen_by_student = links(await _as(client, student_token, LINKS, {"id": pair.id}))
    assert seen_by_mentor == seen_by_student and len(seen_by_mentor) == 2
    uids = [r.video_uid for r in rows]
    assert len(set(uids)) == 2 and all(len(u) >= 22 for u in uids)  # random, one per session
    assert seen_by_mentor == {r.id: f"https://meet.school.example/room/{r.video_uid}" for r in rows}
    assert await video_link(rows[0]) == seen_by_mentor[rows[0].id]

    # The mentor's external tool for the pair: every session of the pair; one session may differ.
    done = await _as(
        client, mentor_token, SET, {"input": {"mentorshipId": pair.id, "url": "https://zoom.example/j/123"}}
    )
    assert done["data"]["setVideoLink"]["__typename"] == "VideoLinkPayload", done
    one = await _as(
        client, mentor_token, SET, {"input": {"sessionId": rows[1].id, "url": "https://meet.example/abc-def"}}
    )
    assert one["data"]["setVideoLink"]["session"] == {
        "id": rows[1].id,
        "videoLink": "https://meet.example/abc-def",
    }
    assert links(await _as(client, student_token, LINKS, {"id": pair.id})) == {
        rows[0].id: "https://zoom.example/j/123",
        rows[1].id: "https://meet.example/abc-def",
    }
    assert await video_link(await Session.get(id=rows[0].id)) == "https://zoom.example/j/123"

    # In both feeds: LOCATION and URL of each event.
    for owner, owner_id in (("MENTOR", pair.mentor_id), ("STUDENT", pair.student_id)):
        url = (await GraphQLClient(client)(ROTATE, {"input": {"owner": owner, "ownerId": owner_id}}))[
            "rotateCalendarFeed"
        ]["url"]
        cal = Calendar.from_ical((await client.get(url)).content)
        located = {str(e["UID"]): (str(e["LOCATION"]), str(e["URL"])) for e in cal.walk("VEVENT")}
        assert located[f"session-{rows[1].id}@sessions.mentormatch"] == ("https://meet.example/abc-def",) * 2
        assert located[f"session-{rows[0].id}@sessions.mentormatch"] == ("https://zoom.example/j/123",) * 2

    # Blank goes back to the school's platform.
    await _as(client, mentor_token, SET, {"input": {"mentorshipId": pair.id, "url": ""}})
    assert links(await _as(client, mentor_token, LINKS, {"id": pair.id}))[rows[0].id].startswith(
        "https://meet.school.example/room/"
    )


@pytest.mark.parametrize(
    "url",
    [
        "http://zoom.example/j/1",
        "javascript:alert(1)",
        "https://",
        "zoom.example/j/1",
        "https://a b.example/",
    ],
)
async def test_only_https_links(db: Backend, gql: GraphQLClient, url: str) -> None:
    pair, rows = await _world()
    for target in ({"mentorshipId": pair.id}, {"sessionId": rows[0].id}):
        result = (await gql(SET, {"input": {**target, "url": url}}))["setVideoLink"]
        assert (result["code"], result["field"]) == ("VALIDATION", "url"), result
    assert (await Mentorship.get(id=pair.id)).video_url == ""
    assert {r.video_url for r in await Session.all()} == {""}
    both = await gql(SET, {"input": {"mentorshipId": pair.id, "sessionId": rows[0].id, "url": ""}})
    assert both["setVideoLink"]["code"] == "VALIDATION"


async def test_the_student_does_not_set_it(db: Backend, client: httpx.AsyncClient) -> None:
    pair, _rows = await _world()
    student_token = (await issue_token(Role.STUDENT, student_id=pair.student_id))[0]
    body = await _as(
        client, student_token, SET, {"input": {"mentorshipId": pair.id, "url": "https://x.example/"}}
    )
    assert body["data"]["setVideoLink"]["__typename"] == "NotFoundError"
    assert (await Mentorship.get(id=pair.id)).video_url == ""


def test_the_template_is_checked() -> None:
    assert SchoolConfig.from_env({}).video_url_template == "https://meet.school.example/{session_uid}"
    for bad in (
        "http://meet.example/{session_uid}",
        "https://meet.example/fixed",
        "https://m.example/{x}/{session_uid}",
    ):
        with pytest.raises(ConfigError, match="MENTORMATCH_VIDEO_URL_TEMPLATE"):
            SchoolConfig.from_env({"MENTORMATCH_VIDEO_URL_TEMPLATE": bad})
    with pytest.raises(ConfigError, match="MENTORMATCH_MIN_FIELD_YEARS"):
        SchoolConfig.from_env({"MENTORMATCH_MIN_FIELD_YEARS": "two"})
