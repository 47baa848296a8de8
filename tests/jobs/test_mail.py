"""Notifications end to end against a real SMTP server (aiosmtpd on a free port): every kind of message
reaches the right recipients in their language, exactly once; a send that fails is retried with backoff
and then shown to staff; two senders racing, or a sender whose lease expired, send each message once."""

from __future__ import annotations

import asyncio
import email
import signal
import socket
import sys
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from email.message import Message as EmailMessage
from email.policy import default as default_policy
from pathlib import Path
from typing import Any

import httpx
import pytest
from aiosmtpd.controller import Controller

from api.app import create_app
from domain import outbox
from domain.enums import AssessmentStatus, MessageKind, MessageStatus, Role
from domain.models import Assessment, Mentor, Message, Project, Session, Student
from domain.paris_time import PARIS
from domain.services import absences, change_requests, departures, notifications, sessions
from domain.services.notification_templates import language_of, render
from domain.services.tokens import issue_token
from domain.video import video_link
from infra.settings import DEFAULT_RATES
from jobs import mail
from tests import factories
from tests.conftest import Backend

ROOT = Path(__file__).resolve().parents[2]
SMTP_PORTS = range(8125, 8130)  # this helper's SMTP test ports


@dataclass
class Received:
    messages: list[tuple[list[str], EmailMessage]] = field(default_factory=list)

    async def handle_DATA(self, _server: Any, _session: Any, envelope: Any) -> str:
        parsed = email.message_from_bytes(envelope.content, policy=default_policy)
        self.messages.append((list(envelope.rcpt_tos), parsed))
        return "250 OK"


def _free_port() -> int:
    for port in SMTP_PORTS:
        with socket.socket() as s:
            s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)  # as the server does: TIME_WAIT is free
            try:
                s.bind(("127.0.0.1", port))
            except OSError:
                continue
            return port
    raise RuntimeError("no free SMTP test port in 8125-8129")


@pytest.fixture
def smtp() -> Iterator[tuple[Received, mail.MailSettings]]:
    received = Received()
    controller = Controller(received, hostname="127.0.0.1", port=_free_port())
    controller.start()
    try:
        yield received, mail.MailSettings(host="127.0.0.1", port=controller.port, starttls=False, timeout_s=5)
    finally:
        controller.stop()


def _weekday_evening(days_ahead: int, hour: int = 19) -> datetime:
    """A Paris wall-clock weekday evening at least ``days_ahead`` days from now (the factories' hours)."""
    day = datetime.now(PARIS).date() + timedelta(days=days_ahead)
    while day.weekday() >= 5:
        day += timedelta(days=1)
    return datetime(day.year, day.month, day.day, hour, 0)


async def _programme() -> tuple[Mentor, Mentor, Student]:
    """Mentor 1 speaks English first, mentor 2 and the student French; the student is paired with mentor 1."""
    path, projects = await factories.catalogue(2)
    english = await factories.mentor(projects, n=1)
    french = await factories.mentor(projects, n=2)
    await Mentor.filter(id=english.id).update(languages="en,fr")
    student = await factories.student(path, projects[0], n=1)
    return english, french, student


def _kinds(received: Received) -> list[tuple[str, str, str]]:
    return sorted(
        (rcpt[0], str(msg["X-Mentormatch-Kind"]), str(msg["Content-Language"]))
        for rcpt, msg in received.messages
    )


def _read_eml(folder: Path) -> list[EmailMessage]:
    return [
        email.message_from_bytes(f.read_bytes(), policy=default_policy) for f in sorted(folder.glob("*.eml"))
    ]


async def _send(settings: mail.MailSettings) -> mail.SendReport:
    return await mail.send_pending(mail.transport_for(settings), settings)


async def test_every_kind_arrives_once_with_its_recipients_and_language(
    db: Backend, smtp: tuple[Received, mail.MailSettings]
) -> None:
    received, settings = smtp
    mentor, other, student = await _programme()
    first = _weekday_evening(3)
    pair = await factories.pair(student, mentor, first)  # introduction to both + the first session
    discovery = await Session.get(mentorship_id=pair.id)
    # A reminder within the next 24 hours of the session, written once however often the pass runs.
    assert await notifications.send_reminders(discovery.starts_at - timedelta(hours=2)) == 1
    assert await notifications.send_reminders(discovery.starts_at - timedelta(hours=1)) == 0
    moved = await sessions.reschedule_session(discovery.id, first.replace(hour=20))
    await sessions.cancel_session(moved.id, DEFAULT_RATES)
    today = datetime.now(PARIS).date()
    await absences.record_absence(mentor.id, today + timedelta(days=5), today + timedelta(days=7))
    await departures.give_notice(mentor.id, today + timedelta(days=20))  # the student hears of it
    async with outbox.in_transaction():  # an assessment scheduled, then its result (R20)
        project = await Project.get(id=student.current_project_id)
        starts = datetime.now(UTC) + timedelta(days=5)
        assessment = await Assessment.create(
            student_id=student.id,
            project_id=project.id,
            assessor_id=other.id,
            status=AssessmentStatus.SCHEDULED,
            starts_at=starts,
        )
        await notifications.on_assessment(assessment)
        assessment.status, assessment.notes = AssessmentStatus.PASSED, "Très clair <b>bravo</b>"
        await assessment.save()
        await notifications.on_assessment(assessment)
    await change_requests.request_change(pair.id, side="student", actor="tests")  # a change of mentor

    report = await _send(settings)
    again = await _send(settings)  # nothing is sent twice
    assert (report.sent, report.retried, report.failed) == (len(received.messages), 0, 0)
    assert again.sent == 0
    m, s, o = mentor.email, student.email, other.email
    assert _kinds(received) == sorted(
        [
            (m, "pair_started", "en"),
            (s, "pair_started", "fr"),
            (s, "session_booked", "fr"),
            (s, "session_reminder", "fr"),
            (s, "session_moved", "fr"),
            (s, "session_cancelled", "fr"),
            (s, "notice", "fr"),
            (s, "absence", "fr"),
            (s, "assessment_scheduled", "fr"),
            (o, "assessment_scheduled", "fr"),
            (s, "assessment_result", "fr"),
            (m, "pair_ended", "en"),
            (s, "pair_ended", "fr"),
        ]
    )
    ids = [str(msg["Message-ID"]) for _, msg in received.messages]
    assert len(set(ids)) == len(ids)
    by_kind = {(rcpt[0], str(msg["X-Mentormatch-Kind"])): msg for rcpt, msg in received.messages}
    intro_en = by_kind[(m, "pair_started")]
    assert str(intro_en["Subject"]) == f"Introduction: {student.name} and you"
    assert student.email in intro_en.get_body(("plain",)).get_content()  # type: ignore[union-attr]
    intro_fr = by_kind[(s, "pair_started")]
    assert str(intro_fr["Subject"]) == f"Présentation : {mentor.name} et vous"
    booked = by_kind[(s, "session_booked")]
    attachments = list(booked.iter_attachments())  # type: ignore[attr-defined]
    assert [a.get_content_type() for a in attachments] == ["text/calendar"]
    assert "BEGIN:VEVENT" in attachments[0].get_content()
    cancelled = [a.get_content() for a in by_kind[(s, "session_cancelled")].iter_attachments()]  # type: ignore[attr-defined]
    assert "METHOD:CANCEL" in cancelled[0] and "STATUS:CANCELLED" in cancelled[0]
    result = by_kind[(s, "assessment_result")]
    html = result.get_body(("html",)).get_content()  # type: ignore[union-attr]
    assert "&lt;b&gt;bravo&lt;/b&gt;" in html and "<b>bravo" not in html  # the assessor's text, escaped
    assert "<b>bravo</b>" in result.get_body(("plain",)).get_content()  # type: ignore[union-attr]
    assert await Message.filter(status=MessageStatus.SENT).count() == len(received.messages)


async def test_a_failed_send_is_retried_with_backoff_then_shown_to_staff(
    db: Backend, smtp: tuple[Received, mail.MailSettings]
) -> None:
    received, _running = smtp
    mentor, _other, student = await _programme()
    await factories.pair(student, mentor, _weekday_evening(3))
    # The server is down: nothing listens on that port.
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        dead_port = probe.getsockname()[1]
    down = mail.MailSettings(host="127.0.0.1", port=dead_port, starttls=False, timeout_s=2)
    total = await Message.filter(status=MessageStatus.PENDING).count()
    first = await _send(down)
    assert (first.sent, first.retried) == (0, total)
    row = await Message.filter(status=MessageStatus.PENDING).order_by("id").first()
    assert row is not None and row.attempts == 1 and "Connect" in row.last_error
    assert row.next_attempt_at > datetime.now(UTC) + timedelta(seconds=20)  # backoff: not due again yet
    assert (await _send(down)).retried == 0
    for attempt in range(2, notifications.MAX_ATTEMPTS + 1):
        await Message.filter(status=MessageStatus.PENDING).update(
            next_attempt_at=datetime.now(UTC)
        )  # time passes
        report = await _send(down)
        assert (report.retried, report.failed) == (
            (total, 0) if attempt < notifications.MAX_ATTEMPTS else (0, total)
        )
    assert notifications.backoff_s(1) < notifications.backoff_s(2) < notifications.backoff_s(3)
    assert await Message.filter(status=MessageStatus.FAILED).count() == total
    assert received.messages == []

    # Staff see the failures with their error; a student asking gets nothing of it.
    staff, _ = await issue_token(Role.STAFF)
    mine, _ = await issue_token(Role.STUDENT, student_id=student.id)
    app = create_app(db.settings, manage_database=False)
    query = "{ failedMessages(first: 10) { edges { node { email kind attempts lastError } } } }"
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://t") as http:
        seen = await http.post(
            "/graphql", json={"query": query}, headers={"authorization": f"Bearer {staff}"}
        )
        refused = await http.post(
            "/graphql", json={"query": query}, headers={"authorization": f"Bearer {mine}"}
        )
    nodes = [e["node"] for e in seen.json()["data"]["failedMessages"]["edges"]]
    assert len(nodes) == total
    assert {n["email"] for n in nodes} == {mentor.email, student.email}
    assert all(n["attempts"] == notifications.MAX_ATTEMPTS and n["lastError"] for n in nodes)
    assert refused.json()["data"] is None or refused.json()["data"]["failedMessages"] is None
    assert refused.json()["errors"][0]["extensions"]["code"] == "NOT_FOUND"  # refused like a missing object


async def test_two_senders_racing_send_each_message_once(
    db: Backend, smtp: tuple[Received, mail.MailSettings]
) -> None:
    received, settings = smtp
    path, projects = await factories.catalogue(1)
    for n in range(1, 4):
        mentor = await factories.mentor(projects, n=n)
        student = await factories.student(path, projects[0], n=n)
        await factories.pair(student, mentor, _weekday_evening(3 + n))
    total = await Message.filter(status=MessageStatus.PENDING).count()
    assert total == 9  # per pair: two introductions and the first session's summary
    reports = await asyncio.gather(
        *(mail.send_pending(mail.transport_for(settings), settings, batch=2) for _ in range(3))
    )
    assert sum(r.sent for r in reports) == total
    ids = [str(msg["Message-ID"]) for _, msg in received.messages]
    assert len(ids) == total and len(set(ids)) == total


async def test_a_sender_that_died_holding_messages_neither_loses_nor_doubles_them(
    db: Backend, smtp: tuple[Received, mail.MailSettings]
) -> None:
    received, settings = smtp
    mentor, _other, student = await _programme()
    await factories.pair(student, mentor, _weekday_evening(3))
    total = await Message.filter(status=MessageStatus.PENDING).count()
    dead = await notifications.claim(limit=10, lease_s=60)  # claimed, then the worker was killed
    assert len(dead) == total
    assert (await _send(settings)).sent == 0  # the lease runs: nobody else takes them
    await Message.filter(status=MessageStatus.SENDING).update(
        lease_until=datetime.now(UTC) - timedelta(seconds=1)
    )
    assert (await _send(settings)).sent == total  # the lease expired: another sender sends them
    # The dead worker comes back: its claim is fenced out, it neither sends nor marks anything.
    assert not await notifications.still_held(dead[0])
    assert not await notifications.mark_sent(dead[0])
    assert await notifications.mark_failed(dead[0], "late") is None
    assert len(received.messages) == total
    assert {r.attempts for r in await Message.all()} == {2}


async def test_email_turned_off_still_reaches_the_feed(
    db: Backend, smtp: tuple[Received, mail.MailSettings]
) -> None:
    received, settings = smtp
    mentor, _other, student = await _programme()
    await notifications.set_email("student", student.id, MessageKind.SESSION_BOOKED, False)
    await factories.pair(student, mentor, _weekday_evening(3))
    booked = await Message.get(kind=MessageKind.SESSION_BOOKED)
    assert booked.status is MessageStatus.SKIPPED
    await _send(settings)
    assert sorted(str(m["X-Mentormatch-Kind"]) for _, m in received.messages) == [
        "pair_started",
        "pair_started",
    ]
    assert await notifications.feed_of("student", student.id).filter(kind=MessageKind.SESSION_BOOKED).exists()


async def test_the_embedded_default_writes_eml_files(db: Backend, tmp_path: Path) -> None:
    mentor, _other, student = await _programme()
    await factories.pair(student, mentor, _weekday_evening(3))
    settings = mail.MailSettings.from_env({"MENTORMATCH_MAIL_DIR": str(tmp_path)})
    assert settings.describe() == f"files in {tmp_path}"
    report = await _send(settings)
    parsed = _read_eml(tmp_path)
    assert report.sent == len(parsed) == 3
    assert sorted(str(p["To"]) for p in parsed) == sorted([mentor.email, student.email, student.email])


def test_a_substitutes_introduction_says_so_in_both_languages() -> None:
    context = {"name": "Ana", "other": "Bo", "other_email": "bo@example.org", "slot": "x", "substitute": True}
    _subject, english, _html = render(MessageKind.PAIR_STARTED, "en", context)
    _subject, french, _html = render(MessageKind.PAIR_STARTED, "fr", context)
    assert "as a substitute while the usual mentor is away" in english
    assert "en remplacement pendant l'absence" in french
    _subject, plain, _html = render(MessageKind.PAIR_STARTED, "de", {**context, "substitute": False})
    assert "Bonjour Ana" in plain and "remplacement" not in plain  # no German: French, the default
    assert language_of("de,en,fr") == "en" and language_of("de") == "fr"


_SENDER = """
import asyncio, sys
from infra import connections
from infra.settings import Settings
from jobs import mail

async def main() -> None:
    await connections.connect_database(Settings(database_url=sys.argv[1]))
    settings = mail.MailSettings(host="127.0.0.1", port=int(sys.argv[2]), starttls=False, timeout_s=600)
    print("sending", flush=True)
    await mail.send_pending(mail.transport_for(settings), settings, lease_s=600)

asyncio.run(main())
"""


async def test_a_sender_process_killed_mid_send_loses_nothing_and_sends_once(
    db: Backend, smtp: tuple[Received, mail.MailSettings]
) -> None:
    """A real process claims the messages and is killed (SIGKILL) while it waits on a server that never
    answers; once its lease has expired, another sender delivers each message exactly once."""
    received, settings = smtp
    mentor, _other, student = await _programme()
    await factories.pair(student, mentor, _weekday_evening(3))
    total = await Message.filter(status=MessageStatus.PENDING).count()
    connected = asyncio.Event()

    async def silent(_reader: asyncio.StreamReader, _writer: asyncio.StreamWriter) -> None:
        connected.set()  # accept, then never greet: the sender hangs inside the SMTP exchange
        await asyncio.sleep(3600)

    mute = await asyncio.start_server(silent, "127.0.0.1", 0)
    port = mute.sockets[0].getsockname()[1]
    child = await asyncio.create_subprocess_exec(
        sys.executable, "-c", _SENDER, db.url, str(port), stdout=asyncio.subprocess.PIPE, cwd=str(ROOT)
    )
    try:
        await asyncio.wait_for(connected.wait(), timeout=60)  # a deadline against hangs
        assert await Message.filter(status=MessageStatus.SENDING).count() == total
    finally:
        child.kill()
        await child.wait()
        mute.close()
    assert child.returncode == -signal.SIGKILL
    assert (await _send(settings)).sent == 0  # its lease runs: nobody takes its rows yet
    await Message.filter(status=MessageStatus.SENDING).update(
        lease_until=datetime.now(UTC) - timedelta(seconds=1)
    )
    assert (await _send(settings)).sent == total
    assert (await _send(settings)).sent == 0
    ids = [str(m["Message-ID"]) for _, m in received.messages]
    assert len(ids) == len(set(ids)) == total
    assert await Message.filter(status=MessageStatus.SENT).count() == total


async def test_with_redis_a_commit_that_wrote_messages_enqueues_one_sending_job() -> None:
    from arq.constants import job_key_prefix
    from redis.asyncio import Redis

    from jobs.effects import JobSink
    from jobs.queue import ArqQueue
    from tests.conftest import REDIS_URL

    redis = Redis.from_url(REDIS_URL)
    await redis.flushdb()
    queue = ArqQueue(REDIS_URL, queue_name="mm-notify-test")
    try:
        sink = JobSink(queue)
        await sink.run([outbox.SendMessages()])
        await sink.run([outbox.SendMessages()])  # one queued at a time: the pass takes every due row
        assert await redis.exists(job_key_prefix + mail.JOB_NAME) == 1
        assert await redis.zcard("mm-notify-test") == 1
    finally:
        await queue.close()
        await redis.flushdb()
        await redis.aclose()


async def test_the_booking_message_gives_the_video_link(db: Backend) -> None:
    """R13: the student's booking summary and its invitation say where the session is held (the same link
    as the API's Session.videoLink and the feeds)."""
    mentor, _other, student = await _programme()
    await factories.pair(student, mentor, _weekday_evening(3))
    booked = await Message.get(kind=MessageKind.SESSION_BOOKED)
    session = await Session.get(student_id=student.id)
    link = await video_link(session)
    assert session.video_uid and session.video_uid in link
    assert link in booked.text
    assert link in booked.html
    assert f"LOCATION:{link}" in booked.ics.replace("\r\n ", "")
