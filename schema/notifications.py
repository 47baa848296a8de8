"""Notifications over GraphQL: the viewer's in-app feed (``notifications``, ``notificationAdded``), their
email preferences per kind (``setNotificationEmail``), and for staff the messages that could not be sent
(``failedMessages``, with their error). A person reads only their own messages: the feed is scoped to the
viewer in SQL, whatever the arguments."""

from __future__ import annotations

from collections.abc import AsyncGenerator
from datetime import datetime
from typing import Annotated

import strawberry

from domain import enums
from domain.access import Viewer
from domain.errors import ValidationFailed
from domain.models import Message
from domain.services import notifications
from jobs.events import hub_for
from schema.context import Info
from schema.errors import INVALID, Refusals, ValidationError
from schema.guard import refused
from schema.pagination import Connection, paginate_queryset
from schema.policies import policy_for

MessageKind = strawberry.enum(enums.MessageKind, name="MessageKind", description="What a message is about.")
MessageStatus = strawberry.enum(
    enums.MessageStatus,
    name="MessageStatus",
    description="Email delivery: pending, sending, sent, failed (gave up), skipped (email off for the kind).",
)


@strawberry.type(
    description="A message to the viewer: in the in-app feed always, by email unless turned off."
)
class Notification:
    id: int
    kind: MessageKind  # type: ignore[valid-type]
    subject: str
    text: str
    language: str
    created_at: datetime
    email_status: MessageStatus  # type: ignore[valid-type]

    @classmethod
    def of(cls, row: Message) -> Notification:
        return cls(
            id=row.id,
            kind=row.kind,
            subject=row.subject,
            text=row.text,
            language=row.language,
            created_at=row.created_at,
            email_status=row.status,
        )


@strawberry.type(description="A message whose email could not be sent after every retry (staff).")
class FailedMessage:
    id: int
    kind: MessageKind  # type: ignore[valid-type]
    recipient_role: str
    recipient_id: int
    email: str
    subject: str
    attempts: int
    last_error: str
    created_at: datetime

    @classmethod
    def of(cls, row: Message) -> FailedMessage:
        return cls(
            id=row.id,
            kind=row.kind,
            recipient_role=row.recipient_role,
            recipient_id=row.recipient_id,
            email=row.email,
            subject=row.subject,
            attempts=row.attempts,
            last_error=row.last_error,
            created_at=row.created_at,
        )


def _person(viewer: Viewer) -> tuple[notifications.Role, int] | None:
    if viewer.mentor_id is not None:
        return "mentor", viewer.mentor_id
    if viewer.student_id is not None:
        return "student", viewer.student_id
    return None


@strawberry.type
class NotificationQueries:
    @strawberry.field(description="The viewer's messages, oldest first (a mentor's or a student's own).")
    async def notifications(
        self, info: Info, first: int | None = None, after: str | None = None
    ) -> Connection[Notification]:
        person = _person(await info.context.current_viewer())
        rows = notifications.feed_of(*person) if person else Message.filter(id=-1)
        return await paginate_queryset(
            "Notification",
            rows,
            first=first,
            after=after,
            cap=info.context.settings.max_page_size,
            to_node=Notification.of,
        )

    @strawberry.field(description="Messages that could not be sent, with their error (staff).")
    async def failed_messages(
        self, info: Info, first: int | None = None, after: str | None = None
    ) -> Connection[FailedMessage]:
        return await paginate_queryset(
            "FailedMessage",
            notifications.failed(),
            first=first,
            after=after,
            cap=info.context.settings.max_page_size,
            to_node=FailedMessage.of,
        )


@strawberry.type
class NotificationPreference:
    kind: MessageKind  # type: ignore[valid-type]
    email: bool


SetEmailResult = Annotated[
    NotificationPreference | ValidationError, strawberry.union("SetNotificationEmailResult")
]
SET_EMAIL = Refusals[ValidationError](INVALID)


@strawberry.type
class NotificationMutations:
    @strawberry.mutation(
        description="Turn the viewer's email for one kind of message off (or on again); the in-app feed "
        "gets every message whatever this says."
    )
    async def set_notification_email(
        self,
        info: Info,
        kind: MessageKind,  # type: ignore[valid-type]
        email: bool,
    ) -> SetEmailResult:
        person = _person(await info.context.current_viewer())

        async def run() -> NotificationPreference:
            if person is None:
                raise ValidationFailed("only a mentor or a student receives messages", field="kind")
            pref = await notifications.set_email(person[0], person[1], kind, email)
            return NotificationPreference(kind=pref.kind, email=pref.email)

        return await SET_EMAIL.attempt(run)


@strawberry.type
class NotificationSubscription:
    @strawberry.subscription(
        description="The viewer's new messages. Without afterEventId: from now on; with it, every message "
        "announced after that event, in order."
    )
    async def notification_added(
        self, info: Info, after_event_id: int | None = None
    ) -> AsyncGenerator[Notification, None]:
        viewer = await info.context.current_viewer()
        if not await policy_for("Subscription", "notificationAdded")(viewer, {}):
            raise refused(viewer)
        person = _person(viewer)
        if person is None:
            return
        hub = hub_for(info.context.settings.redis_url)
        async for event in hub.stream([notifications.topic_of(*person)], after_event_id):
            if event.kind == notifications.NOTIFICATION:
                row = await Message.get_or_none(id=event.payload.get("messageId"))
                if row is not None:
                    yield Notification.of(row)
