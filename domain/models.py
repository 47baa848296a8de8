"""Tortoise models. Every rule that protects data is also a database constraint (unique, check, FK).

Instants are stored in UTC (``use_tz``). Weekly availability is kept as wall-clock windows in the owner's
own IANA time zone and expanded week by week (see ``domain.paris_time``).
"""

from __future__ import annotations

from typing import Any

from tortoise import fields
from tortoise.migrations.constraints import CheckConstraint
from tortoise.models import Model
from tortoise.signals import pre_save

from domain import payloads
from domain.enums import (
    ALL_WEEKDAYS_MASK,
    AssessmentStatus,
    DocumentKind,
    DocumentStatus,
    Funding,
    HandoverStatus,
    MentorshipEndReason,
    MentorStatus,
    MessageKind,
    MessageStatus,
    PairingAction,
    PairingCause,
    PanelDecision,
    Role,
    RunStatus,
    SessionKind,
    SessionStatus,
    StudentStatus,
)
from domain.paris_time import PARIS, week_monday
from domain.video import new_video_uid

MAX_CAPACITY = 20


class TimestampedModel(Model):
    created_at = fields.DatetimeField(auto_now_add=True)
    updated_at = fields.DatetimeField(auto_now=True)

    class Meta:
        abstract = True


class Path(TimestampedModel):
    id = fields.IntField(primary_key=True)
    name = fields.CharField(max_length=200, unique=True)
    description = fields.TextField(default="")
    duration_months = fields.SmallIntField(default=12)

    projects: fields.ReverseRelation[Project]

    class Meta:
        table = "path"
        constraints = (CheckConstraint(check="duration_months BETWEEN 1 AND 24", name="path_duration_range"),)


class Project(TimestampedModel):
    id = fields.IntField(primary_key=True)
    path: fields.ForeignKeyRelation[Path] = fields.ForeignKeyField(
        "models.Path", related_name="projects", on_delete=fields.RESTRICT
    )
    path_id: int
    name = fields.CharField(max_length=200)
    level = fields.SmallIntField(default=2)
    position = fields.SmallIntField(default=0)
    description = fields.TextField(default="")

    mentors: fields.ManyToManyRelation[Mentor]

    class Meta:
        table = "project"
        unique_together = (("path", "name"),)
        constraints = (CheckConstraint(check="level BETWEEN 1 AND 3", name="project_level_range"),)


class Mentor(TimestampedModel):
    id = fields.IntField(primary_key=True)
    name = fields.CharField(max_length=200)
    email = fields.CharField(max_length=254, unique=True)
    capacity = fields.SmallIntField()
    timezone = fields.CharField(max_length=64, default="Europe/Paris")
    status = fields.CharEnumField(MentorStatus, max_length=16, default=MentorStatus.ACTIVE)
    start_date = fields.DateField()
    languages = fields.CharField(max_length=100, default="fr")
    # Bumped by every change that matters to matching, so a run can tell its snapshot is stale.
    version = fields.IntField(default=1)
    # R6: the notice a leaving mentor gave. After ``last_day`` (a Paris date) nothing is assigned to them.
    notice_given_on = fields.DateField(null=True)
    last_day = fields.DateField(null=True)
    projects: fields.ManyToManyRelation[Project] = fields.ManyToManyField(
        "models.Project", related_name="mentors", through="mentor_project", on_delete=fields.CASCADE
    )

    availability: fields.ReverseRelation[MentorAvailability]
    mentorships: fields.ReverseRelation[Mentorship]

    class Meta:
        table = "mentor"
        constraints = (
            CheckConstraint(check=f"capacity BETWEEN 1 AND {MAX_CAPACITY}", name="mentor_capacity_range"),
        )


class Student(TimestampedModel):
    id = fields.IntField(primary_key=True)
    name = fields.CharField(max_length=200)
    email = fields.CharField(max_length=254, unique=True)
    # R10 profile.
    phone = fields.CharField(max_length=32, default="")
    address = fields.TextField(default="")
    photo_url = fields.CharField(max_length=500, default="")
    latest_diploma = fields.CharField(max_length=200, default="")
    training_objective = fields.TextField(default="")
    status = fields.CharEnumField(StudentStatus, max_length=16, default=StudentStatus.OTHER)
    funding = fields.CharEnumField(Funding, max_length=24, default=Funding.SELF_FUNDED)
    # R11: weekdays allowed by the funding, bit 0 = Monday.
    allowed_weekdays = fields.SmallIntField(default=ALL_WEEKDAYS_MASK)
    path: fields.ForeignKeyRelation[Path] = fields.ForeignKeyField(
        "models.Path", related_name="students", on_delete=fields.RESTRICT
    )
    path_id: int
    current_project: fields.ForeignKeyRelation[Project] = fields.ForeignKeyField(
        "models.Project", related_name="current_students", on_delete=fields.RESTRICT
    )
    current_project_id: int
    timezone = fields.CharField(max_length=64, default="Europe/Paris")
    session_minutes = fields.SmallIntField(default=45)
    weekly_hours = fields.SmallIntField(default=15)
    languages = fields.CharField(max_length=100, default="fr")
    version = fields.IntField(default=1)

    availability: fields.ReverseRelation[StudentAvailability]
    mentorships: fields.ReverseRelation[Mentorship]

    class Meta:
        table = "student"
        constraints = (
            CheckConstraint(check="session_minutes BETWEEN 30 AND 60", name="student_session_minutes_range"),
            CheckConstraint(check="weekly_hours BETWEEN 15 AND 35", name="student_weekly_hours_range"),
            CheckConstraint(
                check=f"allowed_weekdays BETWEEN 1 AND {ALL_WEEKDAYS_MASK}", name="student_weekdays_mask"
            ),
        )


class MentorAvailability(Model):
    """A weekly window in the mentor's own time zone: weekday, start and end minute of that day."""

    id = fields.IntField(primary_key=True)
    mentor: fields.ForeignKeyRelation[Mentor] = fields.ForeignKeyField(
        "models.Mentor", related_name="availability", on_delete=fields.CASCADE
    )
    mentor_id: int
    weekday = fields.SmallIntField()
    start_minute = fields.SmallIntField()
    end_minute = fields.SmallIntField()

    class Meta:
        table = "mentor_availability"
        unique_together = (("mentor", "weekday", "start_minute"),)
        constraints = (
            CheckConstraint(check="weekday BETWEEN 0 AND 6", name="mentor_availability_weekday"),
            CheckConstraint(
                check="start_minute >= 0 AND end_minute <= 1440 AND start_minute < end_minute",
                name="mentor_availability_bounds",
            ),
        )


class StudentAvailability(Model):
    """A weekly window in the student's own time zone."""

    id = fields.IntField(primary_key=True)
    student: fields.ForeignKeyRelation[Student] = fields.ForeignKeyField(
        "models.Student", related_name="availability", on_delete=fields.CASCADE
    )
    student_id: int
    weekday = fields.SmallIntField()
    start_minute = fields.SmallIntField()
    end_minute = fields.SmallIntField()

    class Meta:
        table = "student_availability"
        unique_together = (("student", "weekday", "start_minute"),)
        constraints = (
            CheckConstraint(check="weekday BETWEEN 0 AND 6", name="student_availability_weekday"),
            CheckConstraint(
                check="start_minute >= 0 AND end_minute <= 1440 AND start_minute < end_minute",
                name="student_availability_bounds",
            ),
        )


class MatchingRun(TimestampedModel):
    id = fields.UUIDField(primary_key=True)
    status = fields.CharEnumField(RunStatus, max_length=16, default=RunStatus.QUEUED)
    scope_key = fields.CharField(max_length=200, default="all")
    scope: fields.JSONField[payloads.RunScope] = fields.JSONField(default=dict)
    options: fields.JSONField[payloads.RunOptions] = fields.JSONField(default=dict)
    requested_by = fields.CharField(max_length=200, default="")
    started_at = fields.DatetimeField(null=True)
    finished_at = fields.DatetimeField(null=True)
    published_at = fields.DatetimeField(null=True)
    # Null while a published run owes its new pairs' introductions (``domain.services.introductions``).
    introduced_at = fields.DatetimeField(null=True)
    result: fields.JSONField[payloads.RunResult | None] = fields.JSONField(null=True)
    error = fields.TextField(default="")
    # The job (jobs/): the versions of every mentor and student the solver saw, checked before the proposal
    # is stored; a cancel flag the worker polls; the attempt number (a fencing token against a second
    # worker); the latest progress and the worker's heartbeat (the reconciler's evidence of a dead worker).
    # One active run per scope: partial unique index "matching_run_one_active_per_scope" (migration 0003).
    snapshot: fields.JSONField[payloads.SnapshotVersions | None] = fields.JSONField(null=True)
    cancel_requested = fields.BooleanField(default=False)
    attempts = fields.IntField(default=0)
    progress: fields.JSONField[payloads.RunProgress | None] = fields.JSONField(null=True)
    heartbeat_at = fields.DatetimeField(null=True)

    class Meta:
        table = "matching_run"
        indexes = (("status", "scope_key"),)


class Event(Model):
    """An announcement written in the same transaction as the change it announces.

    ``topic`` names the audience (``run:<uuid>``, ``mentor:<id>``, ``student:<id>``). Ids grow in commit
    order (writers take a transaction lock before inserting), so "every event after id N" has no gaps.
    """

    id = fields.BigIntField(primary_key=True)
    topic = fields.CharField(max_length=80)
    kind = fields.CharField(max_length=40)
    payload: fields.JSONField[dict[str, Any]] = fields.JSONField(default=dict)
    created_at = fields.DatetimeField(auto_now_add=True)

    class Meta:
        table = "event"
        indexes = (("topic", "id"),)


class Mentorship(TimestampedModel):
    """A student and a mentor paired, with a recurring weekly slot in Paris time."""

    id = fields.IntField(primary_key=True)
    student: fields.ForeignKeyRelation[Student] = fields.ForeignKeyField(
        "models.Student", related_name="mentorships", on_delete=fields.RESTRICT
    )
    student_id: int
    mentor: fields.ForeignKeyRelation[Mentor] = fields.ForeignKeyField(
        "models.Mentor", related_name="mentorships", on_delete=fields.RESTRICT
    )
    mentor_id: int
    slot_weekday = fields.SmallIntField()
    slot_start_minute = fields.SmallIntField()
    slot_minutes = fields.SmallIntField()
    started_on = fields.DateField()
    ended_on = fields.DateField(null=True)
    end_reason = fields.CharEnumField(MentorshipEndReason, max_length=40, null=True)
    run: fields.ForeignKeyNullableRelation[MatchingRun] = fields.ForeignKeyField(
        "models.MatchingRun", related_name="mentorships", null=True, on_delete=fields.SET_NULL
    )
    run_id: Any
    # An external video tool the mentor chose for the pair's sessions (https); "" = the school's platform.
    video_url = fields.CharField(max_length=500, default="")

    sessions: fields.ReverseRelation[Session]

    class Meta:
        table = "mentorship"
        # Also: unique index "mentorship_one_current_per_student" on (student_id) WHERE ended_on IS NULL,
        # created by migration 0001 as SQL (Tortoise 1.1 refuses partial unique constraints on SQLite).
        indexes = (("mentor_id", "ended_on"),)
        constraints = (
            CheckConstraint(check="slot_weekday BETWEEN 0 AND 6", name="mentorship_slot_weekday"),
            CheckConstraint(
                check="slot_start_minute >= 0 AND slot_start_minute + slot_minutes <= 1440",
                name="mentorship_slot_bounds",
            ),
            CheckConstraint(
                check="(ended_on IS NULL AND end_reason IS NULL) OR "
                "(ended_on IS NOT NULL AND end_reason IS NOT NULL AND ended_on >= started_on)",
                name="mentorship_end_consistent",
            ),
        )


class Session(TimestampedModel):
    id = fields.IntField(primary_key=True)
    mentorship: fields.ForeignKeyRelation[Mentorship] = fields.ForeignKeyField(
        "models.Mentorship", related_name="sessions", on_delete=fields.RESTRICT
    )
    mentorship_id: int
    kind = fields.CharEnumField(SessionKind, max_length=16, default=SessionKind.REGULAR)
    starts_at = fields.DatetimeField()
    duration_minutes = fields.SmallIntField()
    status = fields.CharEnumField(SessionStatus, max_length=16, default=SessionStatus.SCHEDULED)
    notes = fields.TextField(default="")
    private_comment = fields.TextField(default="")
    # Copied from the mentorship (see ``fill_session_owners``) so that the database itself can
    # refuse overlaps per mentor and per student: an exclusion constraint on PostgreSQL, triggers on SQLite
    # (migration 0002), both over active sessions only.
    mentor: fields.ForeignKeyRelation[Mentor] = fields.ForeignKeyField(
        "models.Mentor", related_name="sessions", on_delete=fields.RESTRICT
    )
    mentor_id: int
    student: fields.ForeignKeyRelation[Student] = fields.ForeignKeyField(
        "models.Student", related_name="sessions", on_delete=fields.RESTRICT
    )
    student_id: int
    # Monday of the Paris ISO week of ``starts_at``: one regular session per student and week (R13) is a
    # partial unique index on (student_id, paris_week) over non-catch-up regular sessions.
    paris_week = fields.DateField()
    catch_up = fields.BooleanField(default=False)
    catch_up_reason = fields.TextField(default="")
    # iCalendar SEQUENCE: grows with every change a calendar client must see (time, length, status).
    sequence = fields.IntField(default=0)
    ended_at = fields.DatetimeField(null=True)
    billed_level = fields.SmallIntField(null=True)
    billed_amount = fields.DecimalField(max_digits=8, decimal_places=2, null=True)
    # The session's room on the school's video platform: random and unguessable (domain.video), and an
    # external https URL the mentor set for this session only ("" = the pair's, else the school's room).
    video_uid = fields.CharField(max_length=32, default=new_video_uid)
    video_url = fields.CharField(max_length=500, default="")

    discovery_note: fields.BackwardOneToOneRelation[DiscoveryNote]

    class Meta:
        table = "session"
        indexes = (("mentorship_id", "starts_at"), ("mentor_id", "starts_at"), ("student_id", "starts_at"))
        constraints = (
            CheckConstraint(check="duration_minutes BETWEEN 15 AND 120", name="session_duration_range"),
            CheckConstraint(
                check="(ended_at IS NULL AND billed_level IS NULL AND billed_amount IS NULL) OR "
                "(ended_at IS NOT NULL AND status <> 'scheduled' AND billed_level BETWEEN 1 AND 3 "
                "AND billed_amount >= 0)",
                name="session_billing_consistent",
            ),
        )


@pre_save(Session)
async def fill_session_owners(
    _sender: type[Session], instance: Session, using_db: Any, _update_fields: Any
) -> None:
    """Every session, however created, carries its mentorship's mentor and student and its Paris week."""
    if getattr(instance, "mentor_id", None) is None or getattr(instance, "student_id", None) is None:
        pair = await Mentorship.filter(id=instance.mentorship_id).using_db(using_db).first()
        if pair is not None:
            instance.mentor_id, instance.student_id = pair.mentor_id, pair.student_id
    instance.paris_week = week_monday(instance.starts_at.astimezone(PARIS).date())


class DiscoveryNote(TimestampedModel):
    """R18: what the mentor learns in the discovery session, shared with the student."""

    id = fields.IntField(primary_key=True)
    session: fields.OneToOneRelation[Session] = fields.OneToOneField(
        "models.Session", related_name="discovery_note", on_delete=fields.CASCADE
    )
    session_id: int
    background = fields.TextField(default="")
    motivation = fields.TextField(default="")
    goals = fields.TextField(default="")
    level = fields.TextField(default="")
    weekly_hours = fields.SmallIntField(null=True)
    remarks = fields.TextField(default="")
    next_week_objectives = fields.TextField(default="")

    class Meta:
        table = "discovery_note"


class CalendarFeed(TimestampedModel):
    """The secret iCalendar URL of a mentor or a student. Only the SHA-256 of its token is stored."""

    id = fields.IntField(primary_key=True)
    token_hash = fields.CharField(max_length=64, unique=True)
    mentor: fields.OneToOneNullableRelation[Mentor] = fields.OneToOneField(
        "models.Mentor", related_name="calendar_feed", null=True, on_delete=fields.CASCADE
    )
    mentor_id: int | None
    student: fields.OneToOneNullableRelation[Student] = fields.OneToOneField(
        "models.Student", related_name="calendar_feed", null=True, on_delete=fields.CASCADE
    )
    student_id: int | None

    class Meta:
        table = "calendar_feed"
        constraints = (
            CheckConstraint(
                check="(mentor_id IS NULL) <> (student_id IS NULL)", name="calendar_feed_one_owner"
            ),
        )


class ApiToken(Model):
    """A bearer token. Opaque: only its SHA-256 is stored, so a database leak reveals no usable token, and
    revoking or expiring it takes effect on the next request (and closes open websockets)."""

    id = fields.IntField(primary_key=True)
    token_hash = fields.CharField(max_length=64, unique=True)
    role = fields.CharEnumField(Role, max_length=16)
    mentor: fields.ForeignKeyNullableRelation[Mentor] = fields.ForeignKeyField(
        "models.Mentor", related_name="tokens", null=True, on_delete=fields.CASCADE
    )
    mentor_id: int | None
    student: fields.ForeignKeyNullableRelation[Student] = fields.ForeignKeyField(
        "models.Student", related_name="tokens", null=True, on_delete=fields.CASCADE
    )
    student_id: int | None
    label = fields.CharField(max_length=200, default="")
    created_at = fields.DatetimeField(auto_now_add=True)
    expires_at = fields.DatetimeField()
    revoked_at = fields.DatetimeField(null=True)

    class Meta:
        table = "api_token"
        constraints = (
            CheckConstraint(
                check="(role = 'staff' AND mentor_id IS NULL AND student_id IS NULL) OR "
                "(role = 'mentor' AND mentor_id IS NOT NULL AND student_id IS NULL) OR "
                "(role = 'student' AND student_id IS NOT NULL AND mentor_id IS NULL)",
                name="api_token_role_owner",
            ),
        )


class MentorPath(Model):
    """R3: the paths a mentor mentors on. The first comes with the mentor, another needs three months of
    mentoring or a staff override, which is recorded here."""

    id = fields.IntField(primary_key=True)
    mentor: fields.ForeignKeyRelation[Mentor] = fields.ForeignKeyField(
        "models.Mentor", related_name="paths", on_delete=fields.CASCADE
    )
    mentor_id: int
    path: fields.ForeignKeyRelation[Path] = fields.ForeignKeyField(
        "models.Path", related_name="mentor_paths", on_delete=fields.RESTRICT
    )
    path_id: int
    added_on = fields.DateField()
    added_by = fields.CharField(max_length=80, default="")
    override = fields.BooleanField(default=False)
    override_reason = fields.TextField(default="")

    class Meta:
        table = "mentor_path"
        unique_together = (("mentor", "path"),)


class MentorAbsence(TimestampedModel):
    """R5: a mentor away from ``starts_on`` to ``ends_on`` (Paris dates, both included). Up to 14 days the
    mentor arranges catch-up sessions; longer, their students are handed to substitutes (``Handover``).
    ``starts_at``/``ends_at`` are the same period as UTC instants (Paris midnights), half-open."""

    id = fields.IntField(primary_key=True)
    mentor: fields.ForeignKeyRelation[Mentor] = fields.ForeignKeyField(
        "models.Mentor", related_name="absences", on_delete=fields.CASCADE
    )
    mentor_id: int
    starts_on = fields.DateField()
    ends_on = fields.DateField()
    starts_at = fields.DatetimeField()
    ends_at = fields.DatetimeField()
    reason = fields.TextField(default="")
    long = fields.BooleanField(default=False)
    cancelled_at = fields.DatetimeField(null=True)
    returned_at = fields.DatetimeField(null=True)
    recorded_by = fields.CharField(max_length=80, default="")

    handovers: fields.ReverseRelation[Handover]

    class Meta:
        table = "mentor_absence"
        indexes = (("mentor_id", "starts_on"),)
        constraints = (
            CheckConstraint(
                check="ends_on >= starts_on AND ends_at > starts_at", name="mentor_absence_order"
            ),
        )


class Handover(TimestampedModel):
    """R5, a long absence: one student of the absent mentor, handed to a substitute and back. Publishing
    the hand-over run plans the substitute; the daily step switches the student at the absence's start
    and back at the return."""

    id = fields.IntField(primary_key=True)
    absence: fields.ForeignKeyRelation[MentorAbsence] = fields.ForeignKeyField(
        "models.MentorAbsence", related_name="handovers", on_delete=fields.CASCADE
    )
    absence_id: int
    student: fields.ForeignKeyRelation[Student] = fields.ForeignKeyField(
        "models.Student", related_name="handovers", on_delete=fields.RESTRICT
    )
    student_id: int
    # The pair with the absent mentor (ended for the absence), the substitute's pair, the pair on return.
    original: fields.ForeignKeyRelation[Mentorship] = fields.ForeignKeyField(
        "models.Mentorship", related_name="handovers_from", on_delete=fields.RESTRICT
    )
    original_id: int
    substitute: fields.ForeignKeyNullableRelation[Mentorship] = fields.ForeignKeyField(
        "models.Mentorship", related_name="handovers_to", null=True, on_delete=fields.SET_NULL
    )
    substitute_id: int | None
    returned: fields.ForeignKeyNullableRelation[Mentorship] = fields.ForeignKeyField(
        "models.Mentorship", related_name="handovers_back", null=True, on_delete=fields.SET_NULL
    )
    returned_id: int | None
    status = fields.CharEnumField(HandoverStatus, max_length=16, default=HandoverStatus.WAITING)
    note = fields.TextField(default="")
    # The substitute a published hand-over run chose (``PLANNED``): the mentor, the weekly slot and the
    # pair's first day. The student stays with their mentor until the absence starts, when the daily step
    # starts the substitute's pair; until then the seat counts in the substitute's load (R2).
    planned_mentor: fields.ForeignKeyNullableRelation[Mentor] = fields.ForeignKeyField(
        "models.Mentor", related_name="planned_handovers", null=True, on_delete=fields.SET_NULL
    )
    planned_mentor_id: int | None
    planned_weekday = fields.SmallIntField(null=True)
    planned_start_minute = fields.SmallIntField(null=True)
    planned_minutes = fields.SmallIntField(null=True)
    planned_starts_on = fields.DateField(null=True)
    planned_run: fields.ForeignKeyNullableRelation[MatchingRun] = fields.ForeignKeyField(
        "models.MatchingRun", related_name="planned_handovers", null=True, on_delete=fields.SET_NULL
    )
    planned_run_id: Any

    class Meta:
        table = "handover"
        unique_together = (("absence", "student"),)


class PairingChange(Model):
    """The audit trail: every start or end of a mentorship, who did it, when and why. Written in
    the transaction of the change itself (``domain.services.pairing``)."""

    id = fields.BigIntField(primary_key=True)
    at = fields.DatetimeField(auto_now_add=True)
    action = fields.CharEnumField(PairingAction, max_length=8)
    cause = fields.CharEnumField(PairingCause, max_length=16)
    # What caused it: a run id, an absence id, ... ("" when the actor's request is the whole story).
    cause_ref = fields.CharField(max_length=80, default="")
    # "staff:<token id>", "mentor:<id>", "student:<id>" or "system".
    actor = fields.CharField(max_length=80)
    reason = fields.TextField(default="")
    mentorship: fields.ForeignKeyRelation[Mentorship] = fields.ForeignKeyField(
        "models.Mentorship", related_name="changes", on_delete=fields.RESTRICT
    )
    mentorship_id: int
    mentor_id = fields.IntField()
    student_id = fields.IntField()

    class Meta:
        table = "pairing_change"
        indexes = (("student_id", "id"), ("mentor_id", "id"), ("cause", "id"))


class Assessment(TimestampedModel):
    """R20: a student presents a finished project to an assessor who was never their mentor."""

    id = fields.IntField(primary_key=True)
    student: fields.ForeignKeyRelation[Student] = fields.ForeignKeyField(
        "models.Student", related_name="assessments", on_delete=fields.RESTRICT
    )
    student_id: int
    project: fields.ForeignKeyRelation[Project] = fields.ForeignKeyField(
        "models.Project", related_name="assessments", on_delete=fields.RESTRICT
    )
    project_id: int
    assessor: fields.ForeignKeyNullableRelation[Mentor] = fields.ForeignKeyField(
        "models.Mentor", related_name="assessments", null=True, on_delete=fields.RESTRICT
    )
    assessor_id: int | None
    status = fields.CharEnumField(AssessmentStatus, max_length=24, default=AssessmentStatus.AWAITING_ASSESSOR)
    # The presentation (R14: about 30 minutes, recorded), a UTC instant shown in Paris time.
    starts_at = fields.DatetimeField(null=True)
    duration_minutes = fields.SmallIntField(default=30)
    assigned_by = fields.CharField(max_length=80, default="")
    # Why no assessor could be found, for staff (same spirit as the solver's reasons).
    unassigned_reason = fields.TextField(default="")
    notes = fields.TextField(default="")
    # R14: the presentation is recorded for the final panel; where the recording is (https URL or a key).
    recording = fields.CharField(max_length=500, default="")

    class Meta:
        table = "assessment"
        indexes = (("assessor_id", "starts_at"), ("student_id", "project_id"))
        constraints = (
            CheckConstraint(
                check="(assessor_id IS NULL AND starts_at IS NULL) OR "
                "(assessor_id IS NOT NULL AND starts_at IS NOT NULL)",
                name="assessment_assessor_has_slot",
            ),
        )


class Message(TimestampedModel):
    """A notification to one person, written in the transaction of the change it tells about.

    Sent by jobs (``jobs.mail``) and shown in the person's in-app feed. ``key`` is its idempotency key (one
    message per change and recipient; the email's Message-ID derives from it); ``claim_token`` and
    ``lease_until`` fence senders: a row is sent by the holder of its current claim only."""

    id = fields.IntField(primary_key=True)
    key = fields.CharField(max_length=160, unique=True)
    kind = fields.CharEnumField(MessageKind, max_length=32)
    recipient_role = fields.CharField(max_length=8)  # "mentor" | "student"
    recipient_id = fields.IntField()
    email = fields.CharField(max_length=254)
    language = fields.CharField(max_length=2)
    subject = fields.CharField(max_length=300)
    text = fields.TextField()
    html = fields.TextField()
    ics = fields.TextField(default="")
    status = fields.CharEnumField(MessageStatus, max_length=10, default=MessageStatus.PENDING)
    attempts = fields.SmallIntField(default=0)
    next_attempt_at = fields.DatetimeField()
    claim_token = fields.CharField(max_length=36, default="")
    lease_until = fields.DatetimeField(null=True)
    sent_at = fields.DatetimeField(null=True)
    last_error = fields.TextField(default="")

    class Meta:
        table = "message"
        indexes = (("status", "next_attempt_at"), ("recipient_role", "recipient_id", "id"))


class NotificationPreference(Model):
    """A person turned email off for one kind of message (no row: email on). The feed gets every kind."""

    id = fields.IntField(primary_key=True)
    recipient_role = fields.CharField(max_length=8)
    recipient_id = fields.IntField()
    kind = fields.CharEnumField(MessageKind, max_length=32)
    email = fields.BooleanField(default=True)

    class Meta:
        table = "notification_preference"
        unique_together = (("recipient_role", "recipient_id", "kind"),)


class MentorApplication(TimestampedModel):
    """A candidate mentor's application (the mentor row exists, status ``APPLIED``, ``CONTRACT`` or
    ``DECLINED`` until activation): experience, the path applied for, the contract's signature."""

    id = fields.IntField(primary_key=True)
    mentor: fields.OneToOneRelation[Mentor] = fields.OneToOneField(
        "models.Mentor", related_name="application", on_delete=fields.CASCADE
    )
    mentor_id: int
    path: fields.ForeignKeyRelation[Path] = fields.ForeignKeyField(
        "models.Path", related_name="applications", on_delete=fields.RESTRICT
    )
    path_id: int
    total_years = fields.SmallIntField()
    field_years = fields.SmallIntField()
    applied_on = fields.DateField()
    contract_signed_on = fields.DateField(null=True)
    activated_on = fields.DateField(null=True)
    declined_on = fields.DateField(null=True)
    decline_reason = fields.TextField(default="")
    recorded_by = fields.CharField(max_length=80, default="")

    documents: fields.ReverseRelation[MentorDocument]

    class Meta:
        table = "mentor_application"
        # No CHECK on the years: Tortoise 1.1 adds a check only by rebuilding the table on SQLite, which
        # drops the UNIQUE of mentor_id; domain.services.onboarding checks them.


class MentorDocument(TimestampedModel):
    """One document of an application, as a reference (an https URL or an opaque storage key, never the
    file itself), with staff's review. A rejected document is replaced by sending it again."""

    id = fields.IntField(primary_key=True)
    application: fields.ForeignKeyRelation[MentorApplication] = fields.ForeignKeyField(
        "models.MentorApplication", related_name="documents", on_delete=fields.CASCADE
    )
    application_id: int
    kind = fields.CharEnumField(DocumentKind, max_length=24)
    reference = fields.CharField(max_length=500)
    status = fields.CharEnumField(DocumentStatus, max_length=16, default=DocumentStatus.PENDING)
    reason = fields.TextField(default="")
    reviewed_by = fields.CharField(max_length=80, default="")
    reviewed_at = fields.DatetimeField(null=True)

    class Meta:
        table = "mentor_document"
        unique_together = (("application", "kind"),)


class ProjectSubmission(TimestampedModel):
    """The student's deliverables of a project, marked submitted and then verified by their mentor before
    the presentation is scheduled (R20)."""

    id = fields.IntField(primary_key=True)
    student: fields.ForeignKeyRelation[Student] = fields.ForeignKeyField(
        "models.Student", related_name="submissions", on_delete=fields.RESTRICT
    )
    student_id: int
    project: fields.ForeignKeyRelation[Project] = fields.ForeignKeyField(
        "models.Project", related_name="submissions", on_delete=fields.RESTRICT
    )
    project_id: int
    link = fields.CharField(max_length=500, default="")
    submitted_at = fields.DatetimeField()
    submitted_by = fields.CharField(max_length=80, default="")
    verified_at = fields.DatetimeField(null=True)
    verified_by = fields.CharField(max_length=80, default="")

    class Meta:
        table = "project_submission"
        unique_together = (("student", "project"),)


class Certification(Model):
    """R20: the final panel's decision on a student whose every project of the path passed."""

    id = fields.IntField(primary_key=True)
    student: fields.OneToOneRelation[Student] = fields.OneToOneField(
        "models.Student", related_name="certification", on_delete=fields.RESTRICT
    )
    student_id: int
    path: fields.ForeignKeyRelation[Path] = fields.ForeignKeyField(
        "models.Path", related_name="certifications", on_delete=fields.RESTRICT
    )
    path_id: int
    decision = fields.CharEnumField(PanelDecision, max_length=16)
    reason = fields.TextField()
    decided_at = fields.DatetimeField(auto_now_add=True)
    decided_by = fields.CharField(max_length=80, default="")

    class Meta:
        table = "certification"


class RunReview(Model):
    """A run's proposal under review, its pages read in SQL: its figures here, its lists below.

    Written with the proposal in the same transaction (``run_worker.store_proposal``): the proposal's
    figures here, its pairs, mentors' loads and unplaced students in the three tables below
    (``domain.services.run_review``).
    What each pair changes and each mentor's load are reviewed against the current pairs when the proposal
    is stored (publishing checks the pairs again: ``RUN_STALE``). A run stored before
    migration 0013 has no row here: its review is computed from its stored result, as it was then."""

    id = fields.IntField(primary_key=True)
    run: fields.OneToOneRelation[MatchingRun] = fields.OneToOneField(
        "models.MatchingRun", related_name="review", on_delete=fields.CASCADE
    )
    run_id: Any
    week = fields.DateField()
    placed = fields.IntField()
    upper_bound = fields.IntField()
    bound_kind = fields.CharField(max_length=16)
    solver_status = fields.CharField(max_length=32)
    # The proposal's figures as the API shows them: students, mentors, stats.
    figures: fields.JSONField[dict[str, Any]] = fields.JSONField(default=dict)
    # How many rows each list has (an unpaged list's cost is known without reading it).
    pairs = fields.IntField()
    unplaced = fields.IntField()
    mentors = fields.IntField()

    class Meta:
        table = "run_review"


class RunReviewPair(Model):
    """One proposed pair of a run and what it changes against the student's current pair."""

    id = fields.BigIntField(primary_key=True)
    run: fields.ForeignKeyRelation[MatchingRun] = fields.ForeignKeyField(
        "models.MatchingRun", related_name="review_pairs", on_delete=fields.CASCADE, db_index=False
    )
    run_id: Any
    position = fields.IntField()  # its index in the stored result's pairs (the unpaged list's order)
    student_id = fields.IntField()
    mentor_id = fields.IntField()
    weekday = fields.SmallIntField()
    start_minute = fields.SmallIntField()
    minutes = fields.SmallIntField()
    kept = fields.BooleanField()
    change = fields.CharField(max_length=12)  # NEW, NEW_MENTOR, SAME, MOVED
    current_mentor_id = fields.IntField(null=True)
    current_weekday = fields.SmallIntField(null=True)
    current_start_minute = fields.SmallIntField(null=True)
    path_id = fields.IntField(null=True)  # the student's path (the pathId filter)

    class Meta:
        table = "run_review_pair"
        unique_together = (("run", "student_id"),)
        # The pages: by change kind, by mentor (proposed or current) and by path, each in student order.
        indexes = (
            ("run_id", "change", "student_id"),
            ("run_id", "mentor_id", "student_id"),
            ("run_id", "current_mentor_id", "student_id"),
            ("run_id", "path_id", "student_id"),
        )


class RunReviewLoad(Model):
    """One mentor's load if the run's proposal is published, against their capacity (R2)."""

    id = fields.BigIntField(primary_key=True)
    run: fields.ForeignKeyRelation[MatchingRun] = fields.ForeignKeyField(
        "models.MatchingRun", related_name="review_loads", on_delete=fields.CASCADE, db_index=False
    )
    run_id: Any
    mentor_id = fields.IntField()
    capacity = fields.IntField()
    current = fields.IntField()
    proposed = fields.IntField()
    leaving = fields.IntField()
    after = fields.IntField()
    over_capacity = fields.BooleanField()
    fill = fields.FloatField()  # after / capacity
    bucket = fields.SmallIntField()  # the fill histogram's bucket (run_review.FILL_BUCKETS)
    # 1-based places fullest first (then by mentor id): among all the run's mentors, and among those with
    # the same over_capacity (the overCapacity filter's order). The cursors of mentorLoadsPage.
    rank = fields.IntField()
    class_rank = fields.IntField()

    class Meta:
        table = "run_review_load"
        unique_together = (("run", "mentor_id"), ("run", "rank"), ("run", "over_capacity", "class_rank"))


class RunReviewUnplaced(Model):
    """One student a run left unplaced, with the solver's reason and facts."""

    id = fields.BigIntField(primary_key=True)
    run: fields.ForeignKeyRelation[MatchingRun] = fields.ForeignKeyField(
        "models.MatchingRun", related_name="review_unplaced", on_delete=fields.CASCADE, db_index=False
    )
    run_id: Any
    position = fields.IntField()  # its index in the stored result's unplaced (the unpaged list's order)
    student_id = fields.IntField()
    reason = fields.CharField(max_length=32)
    facts: fields.JSONField[dict[str, int]] = fields.JSONField(default=dict)
    closest_mentor_ids: fields.JSONField[list[int]] = fields.JSONField(default=list)

    class Meta:
        table = "run_review_unplaced"
        unique_together = (("run", "student_id"),)
        indexes = (("run_id", "reason", "student_id"),)
