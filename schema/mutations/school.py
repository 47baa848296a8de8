"""Mutations of the school's process around mentoring: mentor onboarding (staff record the application on
the candidate's behalf; the applicant, with a mentor token, may send their own documents), a project marked
submitted and verified by the student's mentor, presentation recordings and the final panel (R20), and the
mentor's external video link (R13)."""

from __future__ import annotations

from datetime import date
from typing import Annotated

import strawberry

from domain import models
from domain.errors import ValidationFailed
from domain.paris_time import paris_today
from domain.services import certification, onboarding, pairing, submissions, video_links
from schema.assessment_types import Assessment
from schema.context import Info
from schema.errors import REFUSALS, ConflictError, NotFoundError, ValidationError
from schema.inputs import AvailabilityWindowInput, to_windows
from schema.school import DocumentKind, MentorApplication, MentorDocument
from schema.types import Certification, Mentor, Mentorship, PanelDecision, Session


@strawberry.input
class ApplyAsMentorInput:
    name: str
    email: str
    capacity: int = strawberry.field(description="Students wanted, 1-20 (R2).")
    project_ids: list[int] = strawberry.field(
        description="Projects of one path (R1, R3): the path applied for."
    )
    total_years: int = strawberry.field(description="Years of professional experience.")
    field_years: int = strawberry.field(description="Of which in the path's field.")
    timezone: str = "Europe/Paris"
    languages: list[str] = strawberry.field(default_factory=lambda: ["fr"])
    availability: list[AvailabilityWindowInput] = strawberry.field(default_factory=list)


@strawberry.type
class MentorApplicationPayload:
    application: MentorApplication


MentorApplicationResult = Annotated[
    MentorApplicationPayload | ValidationError | NotFoundError | ConflictError,
    strawberry.union("MentorApplicationResult"),
]


@strawberry.input
class SendMentorDocumentInput:
    mentor_id: int
    kind: DocumentKind  # type: ignore[valid-type]
    reference: str = strawberry.field(
        description="An https URL or a storage key (applications/12/identity.pdf); never the file itself."
    )


@strawberry.input
class ReviewMentorDocumentInput:
    document_id: int
    accepted: bool
    reason: str = strawberry.field(default="", description="Required when the document is rejected.")


@strawberry.type
class MentorDocumentPayload:
    document: MentorDocument
    application: MentorApplication


MentorDocumentResult = Annotated[
    MentorDocumentPayload | ValidationError | NotFoundError | ConflictError,
    strawberry.union("MentorDocumentResult"),
]


@strawberry.input
class SignMentorContractInput:
    mentor_id: int
    signed_on: date | None = strawberry.field(
        default=None, description="The Paris date the contract was signed; default today."
    )


@strawberry.input
class DeclineMentorApplicationInput:
    mentor_id: int
    reason: str


@strawberry.type
class MentorActivatedPayload:
    mentor: Mentor


MentorActivatedResult = Annotated[
    MentorActivatedPayload | ValidationError | NotFoundError | ConflictError,
    strawberry.union("MentorActivatedResult"),
]


@strawberry.input
class ProjectSubmissionInput:
    student_id: int
    project_id: int
    link: str = strawberry.field(default="", description="Where the deliverables are (https URL or key).")


@strawberry.type(description="A project's deliverables, submitted and verified by the student's mentor.")
class ProjectSubmission:
    student_id: int
    project_id: int
    link: str
    submitted: bool
    verified: bool


@strawberry.type
class ProjectSubmissionPayload:
    submission: ProjectSubmission
    assessments: list[Assessment] = strawberry.field(
        description="The project's presentations that waited for the verification, assigned now if possible."
    )


ProjectSubmissionResult = Annotated[
    ProjectSubmissionPayload | ValidationError | NotFoundError | ConflictError,
    strawberry.union("ProjectSubmissionResult"),
]


@strawberry.input
class SetPresentationRecordingInput:
    assessment_id: int
    recording: str = strawberry.field(description="An https URL or a storage key of the recording (R14).")


@strawberry.type
class PresentationRecordingPayload:
    assessment: Assessment


PresentationRecordingResult = Annotated[
    PresentationRecordingPayload | ValidationError | NotFoundError | ConflictError,
    strawberry.union("PresentationRecordingResult"),
]


@strawberry.input
class RecordPanelDecisionInput:
    student_id: int
    decision: PanelDecision  # type: ignore[valid-type]
    reason: str


@strawberry.type
class PanelDecisionPayload:
    certification: Certification


PanelDecisionResult = Annotated[
    PanelDecisionPayload | ValidationError | NotFoundError | ConflictError,
    strawberry.union("PanelDecisionResult"),
]


@strawberry.input
class SetVideoLinkInput:
    url: str = strawberry.field(description="An https URL of an external video tool; blank: the school's.")
    mentorship_id: int | None = None
    session_id: int | None = None


@strawberry.type
class VideoLinkPayload:
    mentorship: Mentorship | None
    session: Session | None


VideoLinkResult = Annotated[
    VideoLinkPayload | ValidationError | NotFoundError | ConflictError, strawberry.union("VideoLinkResult")
]


async def _actor(info: Info) -> str:
    return pairing.actor_of(await info.context.current_viewer())


async def _application_of(mentor_id: int) -> MentorApplication:
    return MentorApplication.of(await models.MentorApplication.get(mentor_id=mentor_id))


@strawberry.type
class SchoolMutations:
    @strawberry.mutation(
        description="Staff record a candidate's application: experience (thresholds in configuration), "
        "projects of one path, capacity. The mentor exists with status APPLIED until activateMentor."
    )
    async def apply_as_mentor(self, info: Info, input: ApplyAsMentorInput) -> MentorApplicationResult:
        async def run() -> MentorApplicationPayload:
            data = onboarding.ApplicationInput(
                name=input.name,
                email=input.email,
                capacity=input.capacity,
                project_ids=input.project_ids,
                total_years=input.total_years,
                field_years=input.field_years,
                timezone=input.timezone,
                languages=input.languages,
                availability=to_windows(input.availability, field="availability"),
            )
            row = await onboarding.apply(data, actor=await _actor(info))
            return MentorApplicationPayload(application=MentorApplication.of(row))

        return await REFUSALS.attempt(run)

    @strawberry.mutation(description="Send (or replace, until accepted) one document of an application.")
    async def send_mentor_document(self, info: Info, input: SendMentorDocumentInput) -> MentorDocumentResult:
        async def run() -> MentorDocumentPayload:
            row = await onboarding.send_document(
                input.mentor_id, input.kind, input.reference, actor=await _actor(info)
            )
            return MentorDocumentPayload(
                document=MentorDocument.of(row), application=await _application_of(input.mentor_id)
            )

        return await REFUSALS.attempt(run)

    @strawberry.mutation(
        description="Accept a pending document, or reject it with a reason. Once every document is accepted "
        "the mentor's status is CONTRACT."
    )
    async def review_mentor_document(
        self, info: Info, input: ReviewMentorDocumentInput
    ) -> MentorDocumentResult:
        async def run() -> MentorDocumentPayload:
            row = await onboarding.review_document(
                input.document_id, input.accepted, input.reason, actor=await _actor(info)
            )
            application = await models.MentorApplication.get(id=row.application_id)
            return MentorDocumentPayload(
                document=MentorDocument.of(row), application=MentorApplication.of(application)
            )

        return await REFUSALS.attempt(run)

    @strawberry.mutation(description="Record the contract's signature (every document accepted first).")
    async def sign_mentor_contract(
        self, info: Info, input: SignMentorContractInput
    ) -> MentorApplicationResult:
        async def run() -> MentorApplicationPayload:
            row = await onboarding.sign_contract(
                input.mentor_id, input.signed_on or paris_today(), actor=await _actor(info)
            )
            return MentorApplicationPayload(application=MentorApplication.of(row))

        return await REFUSALS.attempt(run)

    @strawberry.mutation(
        description="The applicant becomes an ACTIVE mentor (matched, booked, assessing) from today; refused "
        "(ONBOARDING_INCOMPLETE) unless every document is accepted and the contract signed."
    )
    async def activate_mentor(self, info: Info, mentor_id: int) -> MentorActivatedResult:
        async def run() -> MentorActivatedPayload:
            row = await onboarding.activate(mentor_id, actor=await _actor(info))
            return MentorActivatedPayload(mentor=Mentor.of(row))

        return await REFUSALS.attempt(run)

    @strawberry.mutation(description="Close an open application with a reason (status DECLINED).")
    async def decline_mentor_application(
        self, info: Info, input: DeclineMentorApplicationInput
    ) -> MentorApplicationResult:
        async def run() -> MentorApplicationPayload:
            row = await onboarding.decline(input.mentor_id, input.reason, actor=await _actor(info))
            return MentorApplicationPayload(application=MentorApplication.of(row))

        return await REFUSALS.attempt(run)

    @strawberry.mutation(description="The student's mentor marks the project's deliverables as submitted.")
    async def mark_project_submitted(
        self, info: Info, input: ProjectSubmissionInput
    ) -> ProjectSubmissionResult:
        async def run() -> ProjectSubmissionPayload:
            row = await submissions.mark_submitted(
                input.student_id, input.project_id, input.link, actor=await _actor(info)
            )
            return ProjectSubmissionPayload(submission=_submission(row), assessments=[])

        return await REFUSALS.attempt(run)

    @strawberry.mutation(
        description="The student's mentor verified the submitted project: its presentation may be scheduled "
        "(R20); one waiting for this gets an assessor now when one can be found."
    )
    async def verify_project(self, info: Info, student_id: int, project_id: int) -> ProjectSubmissionResult:
        async def run() -> ProjectSubmissionPayload:
            row, assigned = await submissions.verify(student_id, project_id, actor=await _actor(info))
            return ProjectSubmissionPayload(
                submission=_submission(row), assessments=[Assessment.of(a) for a in assigned]
            )

        return await REFUSALS.attempt(run)

    @strawberry.mutation(description="Where the presentation's recording is (R14), for the final panel.")
    async def set_presentation_recording(
        self, input: SetPresentationRecordingInput
    ) -> PresentationRecordingResult:
        async def run() -> PresentationRecordingPayload:
            row = await certification.set_recording(input.assessment_id, input.recording)
            return PresentationRecordingPayload(assessment=Assessment.of(row))

        return await REFUSALS.attempt(run)

    @strawberry.mutation(
        description="The final panel's decision on a student whose every project passed (R20), with its "
        "reason; once per student."
    )
    async def record_panel_decision(self, info: Info, input: RecordPanelDecisionInput) -> PanelDecisionResult:
        async def run() -> PanelDecisionPayload:
            row = await certification.decide(
                input.student_id, input.decision, input.reason, actor=await _actor(info)
            )
            return PanelDecisionPayload(certification=Certification.of(row))

        return await REFUSALS.attempt(run)

    @strawberry.mutation(
        description="The mentor's external video tool (https) for every session of a pair (mentorshipId) or "
        "for one session (sessionId); a blank url goes back to the school's platform."
    )
    async def set_video_link(self, input: SetVideoLinkInput) -> VideoLinkResult:
        async def run() -> VideoLinkPayload:
            if (input.mentorship_id is None) == (input.session_id is None):
                raise ValidationFailed("give either mentorshipId or sessionId", field="mentorshipId")
            if input.mentorship_id is not None:
                pair = await video_links.set_pair_url(input.mentorship_id, input.url)
                return VideoLinkPayload(mentorship=Mentorship.of(pair), session=None)
            assert input.session_id is not None
            session = await video_links.set_session_url(input.session_id, input.url)
            return VideoLinkPayload(mentorship=None, session=Session.of(session))

        return await REFUSALS.attempt(run)


def _submission(row: models.ProjectSubmission) -> ProjectSubmission:
    return ProjectSubmission(
        student_id=row.student_id,
        project_id=row.project_id,
        link=row.link,
        submitted=True,
        verified=row.verified_at is not None,
    )
