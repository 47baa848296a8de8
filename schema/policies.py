"""Which root operations each viewer may call. A root field not listed here is staff-only, so a new
operation is closed until someone decides who may use it."""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Mapping
from typing import Any

from tortoise.models import Model

from domain.access import Viewer, owns_pair
from domain.enums import MentorStatus
from domain.models import Assessment, Mentor, MentorAbsence, Mentorship, Session

Policy = Callable[[Viewer, Mapping[str, Any]], Awaitable[bool]]


async def public(_viewer: Viewer, _args: Mapping[str, Any]) -> bool:
    return True


async def authenticated(viewer: Viewer, _args: Mapping[str, Any]) -> bool:
    """Any signed-in viewer; the objects returned are then filtered one by one (schema.guard)."""
    return viewer.is_authenticated


async def staff(viewer: Viewer, _args: Mapping[str, Any]) -> bool:
    return viewer.is_staff


def _id(args: Mapping[str, Any], name: str) -> object:
    if name in args:
        return args[name]
    payload = args.get("input")
    # Arguments arrive as graphql-core gives them: input objects are plain mappings.
    return payload.get(name) if isinstance(payload, Mapping) else None


def self_mentor(arg: str) -> Policy:
    """Staff, or the mentor the argument names."""

    async def check(viewer: Viewer, args: Mapping[str, Any]) -> bool:
        return viewer.is_staff or (viewer.mentor_id is not None and viewer.mentor_id == _id(args, arg))

    return check


def self_student(arg: str) -> Policy:
    """Staff, or the student the argument names."""

    async def check(viewer: Viewer, args: Mapping[str, Any]) -> bool:
        return viewer.is_staff or (viewer.student_id is not None and viewer.student_id == _id(args, arg))

    return check


def student_or_current_mentor(arg: str) -> Policy:
    """Staff, the student the argument names, or that student's current mentor (R10: the mentor completes
    the profile during the discovery session, and it is checked at the first presentation)."""

    async def check(viewer: Viewer, args: Mapping[str, Any]) -> bool:
        student_id = _id(args, arg)
        if viewer.is_staff or (viewer.student_id is not None and viewer.student_id == student_id):
            return True
        if viewer.mentor_id is None or not isinstance(student_id, int):
            return False
        return await Mentorship.filter(
            student_id=student_id, mentor_id=viewer.mentor_id, ended_on__isnull=True
        ).exists()

    return check


def _arg(args: Mapping[str, Any], name: str) -> Any:
    payload = args.get("input")
    if isinstance(payload, Mapping) and name in payload:
        return payload[name]
    return args.get(name)


def _given(args: Mapping[str, Any], name: str) -> Any:
    """An input field the caller set (null means "keep", like an omitted field)."""
    payload = args.get("input")
    return payload.get(name) if isinstance(payload, Mapping) else None


# The school's records of a student, set by staff only: funding and the weekdays it allows (R11), status.
STUDENT_FIELDS_SET_BY_STAFF = ("funding", "allowedWeekdays", "status")
# What a mentor may set their own status to, and from: pausing and coming back. Leaving goes through the
# notice (R6: giveNotice, then the daily step on the last day); only staff set LEFT or bring a mentor back.
MENTOR_SELF_STATUSES = frozenset({MentorStatus.ACTIVE, MentorStatus.PAUSED})


async def own_student_profile(viewer: Viewer, args: Mapping[str, Any]) -> bool:
    """Staff; or the student the ``id`` names or that student's current mentor (R10: the mentor completes
    the profile during the discovery session), changing none of ``STUDENT_FIELDS_SET_BY_STAFF``."""
    if viewer.is_staff:
        return True
    if not await student_or_current_mentor("id")(viewer, args):
        return False
    return all(_given(args, name) is None for name in STUDENT_FIELDS_SET_BY_STAFF)


async def own_mentor_profile(viewer: Viewer, args: Mapping[str, Any]) -> bool:
    """Staff, or the mentor the ``id`` names; a mentor's own status only within ``MENTOR_SELF_STATUSES``."""
    if viewer.is_staff:
        return True
    if viewer.mentor_id is None or viewer.mentor_id != _id(args, "id"):
        return False
    wanted = _given(args, "status")
    if wanted is None:
        return True
    if MentorStatus(wanted) not in MENTOR_SELF_STATUSES:
        return False
    mentor = await Mentor.get_or_none(id=viewer.mentor_id)
    return mentor is not None and mentor.status in MENTOR_SELF_STATUSES


def _mentor_owns(arg: str, model: type[Model], owner: str) -> Policy:
    """Staff, or the mentor named by column ``owner`` of the ``model`` row the argument names."""

    async def check(viewer: Viewer, args: Mapping[str, Any]) -> bool:
        if viewer.is_staff:
            return True
        if viewer.mentor_id is None:
            return False
        row = await model.filter(id=_arg(args, arg)).first()
        return row is not None and getattr(row, owner) == viewer.mentor_id

    return check


def mentor_of_mentorship(arg: str) -> Policy:
    """Staff, or the mentor of the mentorship the argument names (R13, R19: mentors book)."""
    return _mentor_owns(arg, Mentorship, "mentor_id")


def mentor_of_session(arg: str) -> Policy:
    """Staff, or the mentor of the session the argument names."""
    return _mentor_owns(arg, Session, "mentor_id")


def assessor_of_assessment(arg: str) -> Policy:
    """Staff, or the assessor of the assessment the argument names (R20)."""
    return _mentor_owns(arg, Assessment, "assessor_id")


def mentor_of_absence(arg: str) -> Policy:
    """Staff, or the mentor whose absence the argument names (R5)."""
    return _mentor_owns(arg, MentorAbsence, "mentor_id")


def party_of_mentorship(arg: str) -> Policy:
    """Staff, or the mentor or the student of the mentorship the argument names (R7: either side)."""

    async def check(viewer: Viewer, args: Mapping[str, Any]) -> bool:
        if viewer.is_staff:
            return True
        if viewer.mentor_id is None and viewer.student_id is None:
            return False
        pair = await Mentorship.get_or_none(id=_arg(args, arg))
        return pair is not None and owns_pair(viewer, pair.mentor_id, pair.student_id)

    return check


async def assessments_reader(viewer: Viewer, args: Mapping[str, Any]) -> bool:
    """Staff read every assessment; a mentor only those they assess (assessorId = self), a student only
    their own (studentId = self)."""
    if viewer.is_staff:
        return True
    if viewer.mentor_id is not None:
        return bool(_arg(args, "assessorId") == viewer.mentor_id)
    if viewer.student_id is not None:
        return bool(_arg(args, "studentId") == viewer.student_id)
    return False


def mentor_of_student(arg: str) -> Policy:
    """Staff, or the current mentor of the student the argument names (the mentor verifies projects)."""

    async def check(viewer: Viewer, args: Mapping[str, Any]) -> bool:
        if viewer.is_staff:
            return True
        if viewer.mentor_id is None:
            return False
        return await Mentorship.filter(
            student_id=_arg(args, arg), mentor_id=viewer.mentor_id, ended_on__isnull=True
        ).exists()

    return check


def mentor_of_video_target(pair_arg: str, session_arg: str) -> Policy:
    """Staff, or the mentor of the pair or of the session the input names (the mentor chooses the tool)."""
    pair_policy, session_policy = mentor_of_mentorship(pair_arg), mentor_of_session(session_arg)

    async def check(viewer: Viewer, args: Mapping[str, Any]) -> bool:
        if viewer.is_staff:
            return True
        pair_given = _arg(args, pair_arg) is not None
        session_given = _arg(args, session_arg) is not None
        if pair_given == session_given:
            return False
        return await (pair_policy if pair_given else session_policy)(viewer, args)

    return check


async def feed_owner(viewer: Viewer, args: Mapping[str, Any]) -> bool:
    """Staff, or the owner of the calendar feed."""
    owner, owner_id = _arg(args, "owner"), _arg(args, "ownerId")
    if viewer.is_staff:
        return True
    if str(owner).upper() == "MENTOR":
        return viewer.mentor_id is not None and viewer.mentor_id == owner_id
    if str(owner).upper() == "STUDENT":
        return viewer.student_id is not None and viewer.student_id == owner_id
    return False


ROOT_POLICIES: dict[tuple[str, str], Policy] = {
    ("Query", "path"): public,
    ("Query", "paths"): public,
    ("Query", "project"): public,
    ("Query", "projects"): public,
    ("Query", "mentor"): authenticated,
    ("Query", "mentors"): authenticated,
    ("Query", "student"): authenticated,
    ("Query", "students"): authenticated,
    ("Query", "mentorship"): authenticated,
    ("Query", "sessions"): authenticated,
    # the audit trail is scoped in SQL to the viewer's own pairs (domain.services.audit).
    ("Query", "pairingChanges"): authenticated,
    ("Query", "viewer"): public,
    ("Mutation", "updateMentor"): own_mentor_profile,
    ("Mutation", "setMentorAvailability"): self_mentor("mentorId"),
    # R3: a mentor asks for their next path; the override part is refused to them by the service.
    ("Mutation", "addMentorPath"): self_mentor("mentorId"),
    ("Mutation", "updateStudent"): own_student_profile,
    ("Mutation", "setStudentAvailability"): self_student("studentId"),
    ("Query", "mentorStatement"): self_mentor("mentorId"),
    ("Mutation", "bookSession"): mentor_of_mentorship("mentorshipId"),
    ("Mutation", "scheduleSeries"): mentor_of_mentorship("mentorshipId"),
    ("Mutation", "rescheduleSession"): mentor_of_session("id"),
    ("Mutation", "cancelSession"): mentor_of_session("id"),
    ("Mutation", "setSessionStatus"): mentor_of_session("id"),
    ("Mutation", "endSession"): mentor_of_session("id"),
    ("Mutation", "updateSessionNotes"): mentor_of_session("id"),
    ("Mutation", "setDiscoveryNotes"): mentor_of_session("sessionId"),
    ("Mutation", "rotateCalendarFeed"): feed_owner,
    # Staff revoke any token, a user their own: checked by the service (domain.services.tokens).
    ("Mutation", "revokeToken"): authenticated,
    # R20: the assessor records the result; the list is scoped by its arguments to the viewer.
    ("Mutation", "recordAssessmentResult"): assessor_of_assessment("id"),
    ("Query", "assessments"): assessments_reader,
    ("Mutation", "giveNotice"): self_mentor("mentorId"),
    ("Mutation", "withdrawNotice"): self_mentor("mentorId"),
    ("Mutation", "requestMentorChange"): party_of_mentorship("mentorshipId"),
    # R5: a mentor records, cancels and reads their own absences.
    ("Mutation", "recordAbsence"): self_mentor("mentorId"),
    ("Mutation", "cancelAbsence"): mentor_of_absence("id"),
    ("Query", "mentorAbsences"): self_mentor("mentorId"),
    # Onboarding: staff record applications and review them (the review queue, applyAsMentor,
    # reviewMentorDocument, signMentorContract, activateMentor, declineMentorApplication: the staff default);
    # the applicant, with a mentor token, reads their application and sends their own documents.
    ("Query", "mentorApplication"): self_mentor("mentorId"),
    ("Mutation", "sendMentorDocument"): self_mentor("mentorId"),
    # R20: the student's current mentor marks a project submitted and verified; the assessor records where
    # the presentation's recording is; the final panel (panelQueue, recordPanelDecision) is staff's.
    ("Mutation", "markProjectSubmitted"): mentor_of_student("studentId"),
    ("Mutation", "verifyProject"): mentor_of_student("studentId"),
    ("Mutation", "setPresentationRecording"): assessor_of_assessment("assessmentId"),
    # R13: the mentor chooses an external video tool for their pair or one of its sessions.
    ("Mutation", "setVideoLink"): mentor_of_video_target("mentorshipId", "sessionId"),
    # Subscriptions: a viewer follows only their own assignments; runs are staff-only (the default).
    ("Subscription", "mentorAssignments"): self_mentor("mentorId"),
    ("Subscription", "studentAssignments"): self_student("studentId"),
    # Notifications: the feed, its stream and the email preferences are the viewer's own (scoped to the
    # viewer in SQL); the failed messages are staff-only (the default).
    ("Query", "notifications"): authenticated,
    ("Subscription", "notificationAdded"): authenticated,
    ("Mutation", "setNotificationEmail"): authenticated,
}


def policy_for(parent: str, field: str) -> Policy:
    return ROOT_POLICIES.get((parent, field), staff)
