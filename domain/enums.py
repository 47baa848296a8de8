"""Enumerations shared by the models, the services and the GraphQL schema."""

from __future__ import annotations

from enum import IntEnum, StrEnum


class MentorStatus(StrEnum):
    """Only an ``ACTIVE`` mentor is matched, booked or assigned as an assessor (domain.services.eligibility).

    Onboarding (domain.services.onboarding): ``APPLIED`` (experience recorded, documents under review) ->
    ``CONTRACT`` (every document accepted, the contract to sign) -> ``ACTIVE``; ``DECLINED`` closes an
    application. Only onboarding sets or leaves these statuses."""

    ACTIVE = "active"
    PAUSED = "paused"
    # R6: past their last day; never assigned again.
    LEFT = "left"
    APPLIED = "applied"
    CONTRACT = "contract"
    DECLINED = "declined"


# The statuses of a mentor still in onboarding (or turned down): set and left by onboarding only.
ONBOARDING_STATUSES = frozenset({MentorStatus.APPLIED, MentorStatus.CONTRACT, MentorStatus.DECLINED})


class DocumentKind(StrEnum):
    """What an applicant sends before the contract (the school declares its mentors to the Rectorate)."""

    IDENTITY = "identity"
    CRIMINAL_RECORD = "criminal_record"
    LATEST_DIPLOMA = "latest_diploma"
    COMPANY_REGISTRATION = "company_registration"


class DocumentStatus(StrEnum):
    PENDING = "pending"
    ACCEPTED = "accepted"
    REJECTED = "rejected"


class PanelDecision(StrEnum):
    """R20: the final panel reviews every assessment of the path and validates it (certification) or not."""

    CERTIFIED = "certified"
    NOT_CERTIFIED = "not_certified"


class Funding(StrEnum):
    """How a student's training is paid for; some fundings allow sessions only on some weekdays (R11)."""

    SELF_FUNDED = "self_funded"
    EMPLOYER = "employer"
    PUBLIC_JOB_SEEKER = "public_job_seeker"
    APPRENTICESHIP = "apprenticeship"


class StudentStatus(StrEnum):
    """The student's situation, part of the R10 profile."""

    EMPLOYEE = "employee"
    JOB_SEEKER = "job_seeker"
    STUDENT = "student"
    OTHER = "other"


class SessionKind(StrEnum):
    DISCOVERY = "discovery"
    REGULAR = "regular"
    PRESENTATION = "presentation"


class SessionStatus(StrEnum):
    SCHEDULED = "scheduled"
    COMPLETED = "completed"
    CANCELLED = "cancelled"
    LATE_CANCELLED = "late_cancelled"
    STUDENT_ABSENT = "student_absent"


class MentorshipEndReason(StrEnum):
    COMPLETED = "completed"
    CHANGE_REQUESTED_BY_STUDENT = "change_requested_by_student"
    CHANGE_REQUESTED_BY_MENTOR = "change_requested_by_mentor"
    MENTOR_LEFT = "mentor_left"
    ABSENCE_HANDOVER = "absence_handover"
    PROJECT_CHANGE = "project_change"
    REMATCHED = "rematched"
    # R5: a substitute's pair ends when the absent mentor comes back.
    ABSENCE_OVER = "absence_over"


class PairingCause(StrEnum):
    """Why a pairing changed (the audit trail)."""

    RUN = "run"
    MANUAL = "manual"
    REQUEST = "request"
    ABSENCE = "absence"
    RETURN = "return"
    NOTICE = "notice"
    PROJECT_CHANGE = "project_change"
    PATH_COMPLETED = "path_completed"


class PairingAction(StrEnum):
    STARTED = "started"
    ENDED = "ended"
    # The pair goes on with another weekly slot; its later sessions move with it (R8, R13).
    MOVED = "moved"


class HandoverStatus(StrEnum):
    """R5, a long absence: each of the mentor's students waits for a substitute, has one planned (a
    published hand-over run; the student stays with their mentor until the absence starts), has one, or
    is back."""

    WAITING = "waiting"
    PLANNED = "planned"
    SUBSTITUTED = "substituted"
    RETURNED = "returned"
    CANCELLED = "cancelled"


class AssessmentStatus(StrEnum):
    """R20: a finished project's presentation to an assessor who was never the student's mentor."""

    AWAITING_ASSESSOR = "awaiting_assessor"
    SCHEDULED = "scheduled"
    PASSED = "passed"
    FAILED = "failed"
    CANCELLED = "cancelled"


class RunStatus(StrEnum):
    QUEUED = "queued"
    RUNNING = "running"
    SUCCEEDED = "succeeded"
    FAILED = "failed"
    CANCELLED = "cancelled"
    STALE = "stale"
    PUBLISHING = "publishing"  # a large publish under way as a background job (run_publish)
    PUBLISHED = "published"


class Weekday(IntEnum):
    """ISO weekday minus one, as ``datetime.weekday()`` returns it."""

    MONDAY = 0
    TUESDAY = 1
    WEDNESDAY = 2
    THURSDAY = 3
    FRIDAY = 4
    SATURDAY = 5
    SUNDAY = 6


ALL_WEEKDAYS_MASK = 0b1111111
WORKDAYS_MASK = 0b0011111

# R11: which weekdays each funding allows for sessions, as a bit mask (bit 0 = Monday).
# Employer-funded and apprenticeship students train on work time, so only on workdays;
# public job-seeker funding allows workdays and Saturday.
FUNDING_WEEKDAYS: dict[Funding, int] = {
    Funding.SELF_FUNDED: ALL_WEEKDAYS_MASK,
    Funding.EMPLOYER: WORKDAYS_MASK,
    Funding.PUBLIC_JOB_SEEKER: WORKDAYS_MASK | (1 << Weekday.SATURDAY),
    Funding.APPRENTICESHIP: WORKDAYS_MASK,
}


class Role(StrEnum):
    """Who a bearer token speaks for."""

    STAFF = "staff"
    MENTOR = "mentor"
    STUDENT = "student"


class MessageKind(StrEnum):
    """What a notification is about (one template per kind and language)."""

    PAIR_STARTED = "pair_started"
    PAIR_ENDED = "pair_ended"
    SESSION_BOOKED = "session_booked"
    SESSION_MOVED = "session_moved"
    SESSION_CANCELLED = "session_cancelled"
    SESSION_REMINDER = "session_reminder"
    ABSENCE = "absence"
    NOTICE = "notice"
    ASSESSMENT_SCHEDULED = "assessment_scheduled"
    ASSESSMENT_RESULT = "assessment_result"


class MessageStatus(StrEnum):
    """pending -> sending (claimed, with a lease) -> sent | pending again (retry) | failed (gave up);
    skipped: the recipient turned email off for the kind (the in-app feed still has it)."""

    PENDING = "pending"
    SENDING = "sending"
    SENT = "sent"
    FAILED = "failed"
    SKIPPED = "skipped"
