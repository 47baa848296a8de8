"""Notifications through the API (both databases, jobs in-process): each person reads only their own
feed; turning email off for a kind keeps the message in the feed and sends no email; a mutation that
writes messages starts sending after its commit (the embedded default writes .eml files); the feed's
subscription streams the viewer's new messages and no one else's."""

from __future__ import annotations

from datetime import datetime, timedelta
from pathlib import Path

import httpx
import pytest

from api.app import create_app
from domain.enums import MessageKind, MessageStatus
from domain.models import Message
from domain.paris_time import PARIS
from domain.services import notifications
from jobs import mail
from tests.auth_world import World, build_world
from tests.conftest import Backend
from tests.conftest import post_as as _as
from tests.jobs.helpers import fresh_jobs
from tests.jobs.test_mail import _read_eml
from tests.schema.test_subscriptions import connected

__all__ = ["fresh_jobs"]

FEED = """
query($first: Int, $after: String) {
  notifications(first: $first, after: $after) {
    edges { node { id kind subject text language emailStatus } }
    pageInfo { hasNextPage endCursor }
  }
}"""

SET_EMAIL = """
mutation($kind: MessageKind!, $email: Boolean!) {
  setNotificationEmail(kind: $kind, email: $email) {
    __typename
    ... on NotificationPreference { kind email }
    ... on UserError { code field message }
  }
}"""

BOOK = """
mutation($input: BookSessionInput!) {
  bookSession(input: $input) { __typename ... on UserError { code field message } }
}"""


def _evening(days_ahead: int) -> str:
    day = datetime.now(PARIS).date() + timedelta(days=days_ahead)
    while day.weekday() >= 5:
        day += timedelta(days=1)
    return f"{day.isoformat()}T20:00"


@pytest.fixture
async def world(db: Backend) -> World:
    return await build_world()


async def test_each_person_reads_only_their_own_feed(db: Backend, world: World) -> None:
    app = create_app(db.settings, manage_database=False)
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://t") as http:
        for role, owner in (
            ("student_a", ("student", world.student_a.id)),
            ("mentor_b", ("mentor", world.mentor_b.id)),
        ):
            body = await _as(http, world.tokens[role], FEED, {"first": 10})
            nodes = [e["node"] for e in body["data"]["notifications"]["edges"]]
            expected = await Message.filter(recipient_role=owner[0], recipient_id=owner[1]).order_by("id")
            assert [n["id"] for n in nodes] == [m.id for m in expected] and nodes
        # Paging: one at a time, the cursor leads on.
        page = (await _as(http, world.tokens["student_a"], FEED, {"first": 1}))["data"]["notifications"]
        assert page["pageInfo"]["hasNextPage"] is True
        count_a = await Message.filter(recipient_role="student", recipient_id=world.student_a.id).count()
        rest = await _as(
            http, world.tokens["student_a"], FEED, {"first": 10, "after": page["pageInfo"]["endCursor"]}
        )
        assert len(rest["data"]["notifications"]["edges"]) == count_a - 1
        anonymous = await _as(http, None, FEED, {"first": 10})
        assert anonymous["errors"][0]["extensions"]["code"] == "UNAUTHENTICATED"
        # Staff have no feed of their own; they read failures (failedMessages).
        staff = await _as(http, world.tokens["staff"], FEED, {"first": 10})
        assert staff["data"]["notifications"]["edges"] == []


async def test_email_off_keeps_the_feed_and_sending_starts_after_the_commit(
    db: Backend, world: World, fresh_jobs: None, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("MENTORMATCH_MAIL_DIR", str(tmp_path))
    app = create_app(db.settings, manage_database=False)
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://t") as http:
        off = await _as(
            http, world.tokens["student_a"], SET_EMAIL, {"kind": "SESSION_BOOKED", "email": False}
        )
        assert off["data"]["setNotificationEmail"] == {
            "__typename": "NotificationPreference",
            "kind": "SESSION_BOOKED",
            "email": False,
        }
        refused = await _as(http, world.tokens["staff"], SET_EMAIL, {"kind": "NOTICE", "email": False})
        assert refused["data"]["setNotificationEmail"]["__typename"] == "ValidationError"
        for pair, token in ((world.pair_a, "mentor_a"), (world.pair_b, "mentor_b")):
            booking = {"input": {"mentorshipId": pair.id, "startsAt": _evening(9)}}
            booked = await _as(http, world.tokens[token], BOOK, booking)
            assert booked["data"]["bookSession"]["__typename"] == "SessionPayload", booked
        await mail.wait_in_process()
        feed = await _as(http, world.tokens["student_a"], FEED, {"first": 50})
    kinds = [(e["node"]["kind"], e["node"]["emailStatus"]) for e in feed["data"]["notifications"]["edges"]]
    assert kinds[-1] == ("SESSION_BOOKED", "SKIPPED")  # in the feed, not emailed
    # The other student's booking went out after the commit, as a file of the embedded default.
    sent = (
        await Message.filter(kind=MessageKind.SESSION_BOOKED, status=MessageStatus.SENT)
        .order_by("-id")
        .first()
    )
    assert sent is not None and sent.recipient_id == world.student_b.id
    skipped = (
        await Message.filter(recipient_id=world.student_a.id, kind=MessageKind.SESSION_BOOKED)
        .order_by("-id")
        .first()
    )
    assert skipped is not None and skipped.status is MessageStatus.SKIPPED
    files = _read_eml(tmp_path)
    ids = {str(f["Message-ID"]) for f in files}
    assert notifications.message_id(sent.key) in ids
    assert notifications.message_id(skipped.key) not in ids


SUB = """
subscription($after: Int) { notificationAdded(afterEventId: $after) { id kind subject } }"""


async def test_the_subscription_streams_the_viewers_own_messages(
    db: Backend, world: World, fresh_jobs: None
) -> None:
    mine = await Message.filter(recipient_role="student", recipient_id=world.student_a.id).order_by("id")
    async with connected(db, world.tokens["student_a"] or "") as sub:
        await sub.subscribe(SUB, {"after": 0})
        streamed = [await sub.data("notificationAdded") for _ in mine]
    assert [s["id"] for s in streamed] == [m.id for m in mine]
    assert {s["kind"] for s in streamed} == {"PAIR_STARTED", "SESSION_BOOKED"}
