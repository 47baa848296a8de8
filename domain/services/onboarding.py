"""Mentor onboarding: an application, its documents, the contract, then an active mentor.

The mentor guide: a mentor has "a minimum of 4-7 years of professional experience and at least 2 years of
professional experience in the field of the relevant path"; once the application is accepted the school asks
for an identity document, a clean criminal record, the latest diploma and proof of a company registration,
to declare the mentor and establish the contract; "once the contract is signed, we will provide you with
access to the mentor's tools".

- :func:`apply` (staff, on the candidate's behalf): the experience is checked against the thresholds in
  configuration (``domain.config.SchoolConfig``; ``EXPERIENCE_TOO_SHORT``), then the mentor is created with
  status ``APPLIED`` (the same checks as ``createMentor``: projects of one path, R3, capacity, R2) and their
  application. An applicant is a mentor row that no rule lets work: eligibility, runs and assessments take
  only ``ACTIVE`` mentors.
- :func:`send_document`: one reference per kind (an https URL or a storage key, never the file); a rejected
  one is sent again and waits for review once more.
- :func:`review_document`: staff accept, or reject with a reason. When every kind is accepted the mentor
  moves to ``CONTRACT``.
- :func:`sign_contract` records the signature date; :func:`activate` makes the mentor ``ACTIVE`` (their
  start date is that day), refused (``ONBOARDING_INCOMPLETE``) unless every document is accepted and the
  contract signed. :func:`decline` closes an application.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime

from tortoise.expressions import Q
from tortoise.queryset import QuerySet

from domain.config import school_config
from domain.enums import DocumentKind, DocumentStatus, MentorStatus
from domain.errors import Conflict, ExperienceTooShort, NotFound, OnboardingIncomplete, ValidationFailed
from domain.links import require_reference
from domain.models import Mentor, MentorApplication, MentorDocument, MentorPath
from domain.outbox import in_transaction
from domain.paris_time import WeeklyWindow, paris_today
from domain.services import mentors
from domain.services._common import lock_or_not_found, require_text

REQUIRED_DOCUMENTS: tuple[DocumentKind, ...] = tuple(DocumentKind)
MAX_YEARS = 60
OPEN_STATUSES = (MentorStatus.APPLIED, MentorStatus.CONTRACT)


@dataclass(frozen=True, slots=True)
class ApplicationInput:
    name: str
    email: str
    capacity: int
    project_ids: Sequence[int]
    total_years: int
    field_years: int
    timezone: str = "Europe/Paris"
    languages: Sequence[str] = ("fr",)
    availability: Sequence[WeeklyWindow] = field(default_factory=tuple)


def check_experience(total_years: int, field_years: int) -> None:
    """The years asked for by the school (configuration), and coherent: the years in the path's field are
    part of the total."""
    for name, value in (("totalYears", total_years), ("fieldYears", field_years)):
        if not 0 <= value <= MAX_YEARS:
            raise ValidationFailed(f"must be between 0 and {MAX_YEARS} years", field=name)
    if field_years > total_years:
        raise ValidationFailed("the years in the field are part of the total years", field="fieldYears")
    config = school_config()
    if total_years < config.min_total_years:
        raise ExperienceTooShort(
            f"the school asks for at least {config.min_total_years} years of professional experience",
            field="totalYears",
        )
    if field_years < config.min_field_years:
        raise ExperienceTooShort(
            f"the school asks for at least {config.min_field_years} years of experience in the path's field",
            field="fieldYears",
        )


async def apply(data: ApplicationInput, *, actor: str, today: date | None = None) -> MentorApplication:
    check_experience(data.total_years, data.field_years)
    today = today or paris_today()
    async with in_transaction():
        mentor = await mentors.insert_mentor(
            mentors.MentorInput(
                name=data.name,
                email=data.email,
                capacity=data.capacity,
                project_ids=data.project_ids,
                start_date=today,
                timezone=data.timezone,
                languages=data.languages,
                status=MentorStatus.APPLIED,
                availability=data.availability,
            ),
            actor=actor,
        )
        first_path = await MentorPath.get(mentor_id=mentor.id)
        return await MentorApplication.create(
            mentor_id=mentor.id,
            path_id=first_path.path_id,
            total_years=data.total_years,
            field_years=data.field_years,
            applied_on=today,
            recorded_by=actor[:80],
        )


async def _locked(mentor_id: int) -> tuple[Mentor, MentorApplication]:
    """The mentor and their application, locked (mentor first, as every other writer of mentors)."""
    mentor = await lock_or_not_found(Mentor, mentor_id, field="mentorId")
    application = await MentorApplication.filter(mentor_id=mentor.id).select_for_update().first()
    if application is None:
        raise NotFound("MentorApplication", mentor_id, field="mentorId")
    return mentor, application


def _require_status(mentor: Mentor, *allowed: MentorStatus, doing: str) -> None:
    if mentor.status not in allowed:
        raise Conflict(
            f"the mentor is {mentor.status.value}: {doing} is for an open application", field="mentorId"
        )


async def send_document(mentor_id: int, kind: DocumentKind, reference: str, *, actor: str) -> MentorDocument:
    """Record (or replace, when not accepted yet) the applicant's document of ``kind``."""
    reference = require_reference(reference, field="reference")
    async with in_transaction():
        mentor, application = await _locked(mentor_id)
        _require_status(mentor, MentorStatus.APPLIED, doing="sending a document")
        document = await MentorDocument.filter(application_id=application.id, kind=kind).first()
        if document is None:
            return await MentorDocument.create(application_id=application.id, kind=kind, reference=reference)
        if document.status is DocumentStatus.ACCEPTED:
            raise Conflict(f"the {kind.value} document was accepted already", field="kind")
        document.reference = reference
        document.status = DocumentStatus.PENDING
        document.reason = ""
        document.reviewed_by = ""
        document.reviewed_at = None
        await document.save()
        return document


async def review_document(
    document_id: int, accepted: bool, reason: str = "", *, actor: str, now: datetime | None = None
) -> MentorDocument:
    """Staff accept a pending document, or reject it with a reason (the applicant sends it again). The
    last acceptance moves the mentor to ``CONTRACT``."""
    reason = reason.strip()
    if not accepted and not reason:
        raise ValidationFailed("say why the document is rejected", field="reason")
    found = await MentorDocument.get_or_none(id=document_id).only("id", "application_id")
    if found is None:
        raise NotFound("MentorDocument", document_id, field="documentId")
    holder = await MentorApplication.get(id=found.application_id).only("id", "mentor_id")
    async with in_transaction():
        mentor, application = await _locked(holder.mentor_id)
        _require_status(mentor, MentorStatus.APPLIED, doing="reviewing a document")
        document = await lock_or_not_found(MentorDocument, document_id, field="documentId")
        if document.status is not DocumentStatus.PENDING:
            raise Conflict(f"the document was {document.status.value} already", field="documentId")
        document.status = DocumentStatus.ACCEPTED if accepted else DocumentStatus.REJECTED
        document.reason = reason
        document.reviewed_by = actor[:80]
        document.reviewed_at = now or datetime.now(UTC)
        await document.save()
        if not await missing_documents(application.id):
            mentor.status = MentorStatus.CONTRACT
            mentor.version += 1
            await mentor.save(update_fields=["status", "version", "updated_at"])
        return document


async def missing_documents(application_id: int) -> list[DocumentKind]:
    """The required kinds not accepted yet."""
    accepted = {
        d.kind
        for d in await MentorDocument.filter(application_id=application_id, status=DocumentStatus.ACCEPTED)
    }
    return [kind for kind in REQUIRED_DOCUMENTS if kind not in accepted]


async def sign_contract(
    mentor_id: int, signed_on: date, *, actor: str, today: date | None = None
) -> MentorApplication:
    today = today or paris_today()
    async with in_transaction():
        mentor, application = await _locked(mentor_id)
        _require_status(mentor, *OPEN_STATUSES, doing="signing the contract")
        missing = await missing_documents(application.id)
        if missing:
            raise OnboardingIncomplete(
                "the contract follows the documents; not accepted yet: "
                + ", ".join(k.value for k in missing),
                field="mentorId",
            )
        if signed_on > today:
            raise ValidationFailed("the contract cannot be signed in the future", field="signedOn")
        if signed_on < application.applied_on:
            raise ValidationFailed("the contract is signed after the application", field="signedOn")
        application.contract_signed_on = signed_on
        await application.save(update_fields=["contract_signed_on", "updated_at"])
        return application


async def activate(mentor_id: int, *, actor: str, today: date | None = None) -> Mentor:
    """The mentor becomes ``ACTIVE``: matched, booked and assigned from now on. Their start date (and their
    first path's, R3) is today."""
    today = today or paris_today()
    async with in_transaction():
        mentor, application = await _locked(mentor_id)
        _require_status(mentor, *OPEN_STATUSES, doing="activation")
        missing = await missing_documents(application.id)
        gaps = [f"{kind.value} document not accepted" for kind in missing]
        if application.contract_signed_on is None:
            gaps.append("contract not signed")
        if gaps:
            raise OnboardingIncomplete("the mentor cannot start yet: " + "; ".join(gaps), field="mentorId")
        mentor.status = MentorStatus.ACTIVE
        mentor.start_date = today
        mentor.version += 1
        await mentor.save(update_fields=["status", "start_date", "version", "updated_at"])
        await MentorPath.filter(mentor_id=mentor.id).update(added_on=today)
        application.activated_on = today
        await application.save(update_fields=["activated_on", "updated_at"])
        return mentor


async def decline(mentor_id: int, reason: str, *, actor: str, today: date | None = None) -> MentorApplication:
    reason = require_text(reason, field="reason", max_length=2000)
    async with in_transaction():
        mentor, application = await _locked(mentor_id)
        _require_status(mentor, *OPEN_STATUSES, doing="declining")
        mentor.status = MentorStatus.DECLINED
        mentor.version += 1
        await mentor.save(update_fields=["status", "version", "updated_at"])
        application.declined_on = today or paris_today()
        application.decline_reason = reason
        await application.save(update_fields=["declined_on", "decline_reason", "updated_at"])
        return application


def review_queue(*, awaiting_review: bool = True) -> QuerySet[MentorApplication]:
    """Open applications (applied or under contract). ``awaiting_review``: only those staff must act on,
    a document pending review or, every document accepted, the contract to sign or the activation."""
    queryset = MentorApplication.filter(mentor__status__in=list(OPEN_STATUSES))
    if awaiting_review:
        queryset = queryset.filter(
            Q(documents__status=DocumentStatus.PENDING) | Q(mentor__status=MentorStatus.CONTRACT)
        ).distinct()
    return queryset


async def documents_of(application_id: int) -> list[MentorDocument]:
    return await MentorDocument.filter(application_id=application_id).order_by("id")
