"""Typed domain errors. The GraphQL layer maps each to a typed error object with a stable code."""

from __future__ import annotations

from enum import StrEnum


class ErrorCode(StrEnum):
    VALIDATION = "VALIDATION"
    NOT_FOUND = "NOT_FOUND"
    CONFLICT = "CONFLICT"
    NONEXISTENT_LOCAL_TIME = "NONEXISTENT_LOCAL_TIME"
    AMBIGUOUS_LOCAL_TIME = "AMBIGUOUS_LOCAL_TIME"
    SLOT_TAKEN = "SLOT_TAKEN"
    WEEK_TAKEN = "WEEK_TAKEN"
    STATUS_REQUIRED = "STATUS_REQUIRED"
    ALREADY_RUNNING = "ALREADY_RUNNING"
    RUN_STALE = "RUN_STALE"
    # programme rules with their own codes, so an SPA can explain the refusal.
    NOTICE_TOO_SHORT = "NOTICE_TOO_SHORT"  # R6
    ASSESSOR_WAS_MENTOR = "ASSESSOR_WAS_MENTOR"  # R20
    PATH_NOT_ALLOWED_YET = "PATH_NOT_ALLOWED_YET"  # R3
    NOT_IN_PATH = "NOT_IN_PATH"  # R9
    MENTOR_AWAY = "MENTOR_AWAY"  # R5: a booking inside the mentor's recorded absence
    ALREADY_PUBLISHED = "ALREADY_PUBLISHED"  # a run is published once; its losers and late parts are told
    PUBLISH_IN_PROGRESS = "PUBLISH_IN_PROGRESS"  # a large publish of the run is under way (a job)
    CAPACITY_BELOW_LOAD = "CAPACITY_BELOW_LOAD"  # R2: a capacity under the mentor's current students
    # Onboarding and certification.
    EXPERIENCE_TOO_SHORT = "EXPERIENCE_TOO_SHORT"  # below the school's thresholds (domain.config)
    ONBOARDING_INCOMPLETE = "ONBOARDING_INCOMPLETE"  # a document not accepted or the contract not signed
    PROJECT_NOT_VERIFIED = "PROJECT_NOT_VERIFIED"  # R20: the presentation waits for the mentor's check
    PATH_NOT_ASSESSED = "PATH_NOT_ASSESSED"  # R20: the panel decides once every project passed


class DomainError(Exception):
    code: ErrorCode = ErrorCode.VALIDATION

    def __init__(self, message: str, *, field: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.field = field


class ValidationFailed(DomainError):
    """Input breaks a rule; ``field`` names the input field (dotted path, e.g. ``windows.1.end``)."""

    code = ErrorCode.VALIDATION


class NonexistentLocalTime(ValidationFailed):
    """A wall-clock time skipped by a daylight-saving change (spring forward)."""

    code = ErrorCode.NONEXISTENT_LOCAL_TIME


class AmbiguousLocalTime(ValidationFailed):
    """A wall-clock time repeated by a daylight-saving change (fall back); the caller must choose."""

    code = ErrorCode.AMBIGUOUS_LOCAL_TIME


class NotFound(DomainError):
    code = ErrorCode.NOT_FOUND

    def __init__(self, entity: str, entity_id: object, *, field: str | None = None) -> None:
        super().__init__(f"{entity} {entity_id} does not exist", field=field)
        self.entity = entity
        self.entity_id = entity_id


class Conflict(DomainError):
    """The request is valid but clashes with stored data (a duplicate, a concurrent change)."""

    code = ErrorCode.CONFLICT


class SlotTaken(Conflict):
    """The mentor or the student already has an active session overlapping the requested time."""

    code = ErrorCode.SLOT_TAKEN


class WeekTaken(Conflict):
    """The student already has a regular session that Paris ISO week (R13); a catch-up must say so (R5)."""

    code = ErrorCode.WEEK_TAKEN


class StatusRequired(ValidationFailed):
    """A session cannot be ended before it has a status (R16)."""

    code = ErrorCode.STATUS_REQUIRED


class NoticeTooShort(ValidationFailed):
    """R6: a mentor's last day must be at least 14 days ahead."""

    code = ErrorCode.NOTICE_TOO_SHORT


class AssessorWasMentor(ValidationFailed):
    """R20: the assessor can never be the student's usual mentor, current or past."""

    code = ErrorCode.ASSESSOR_WAS_MENTOR


class PathNotAllowedYet(ValidationFailed):
    """R3: a second path after three months of mentoring, unless staff override it."""

    code = ErrorCode.PATH_NOT_ALLOWED_YET


class NotInPath(ValidationFailed):
    """R9: a student's project belongs to the student's path."""

    code = ErrorCode.NOT_IN_PATH


class ExperienceTooShort(ValidationFailed):
    """A mentor applicant has fewer years of experience (total or in the path's field) than required."""

    code = ErrorCode.EXPERIENCE_TOO_SHORT


class OnboardingIncomplete(ValidationFailed):
    """A step of onboarding is asked for before the steps it needs (documents accepted, contract signed)."""

    code = ErrorCode.ONBOARDING_INCOMPLETE


class ProjectNotVerified(ValidationFailed):
    """R20: a presentation is scheduled only once the mentor marked the project submitted and verified."""

    code = ErrorCode.PROJECT_NOT_VERIFIED


class PathNotAssessed(ValidationFailed):
    """R20: the final panel decides on a student whose every project of the path passed its assessment."""

    code = ErrorCode.PATH_NOT_ASSESSED
