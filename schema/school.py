"""GraphQL views of the school's process around mentoring: mentor applications and their documents (staff
review queue), the final panel's queue (R20). Staff-only roots (schema.policies) except a mentor's own
application."""

from __future__ import annotations

from datetime import date, datetime

import strawberry

from domain import enums, models
from domain.services import certification, onboarding
from schema.assessment_types import Assessment
from schema.context import Info
from schema.pagination import (
    Connection,
    Edge,
    PageInfo,
    decode_cursor,
    encode_cursor,
    page_size,
    paginate_queryset,
)
from schema.queries import _typed
from schema.types import Mentor, Student

DocumentKind = strawberry.enum(
    enums.DocumentKind,
    name="DocumentKind",
    description="The documents an applicant sends before the contract.",
)
DocumentStatus = strawberry.enum(enums.DocumentStatus, name="DocumentStatus", description="Staff's review.")


@strawberry.type(description="One document of an application: a reference (URL or storage key), reviewed.")
class MentorDocument:
    id: int
    kind: DocumentKind  # type: ignore[valid-type]
    reference: str
    status: DocumentStatus  # type: ignore[valid-type]
    reason: str = strawberry.field(description="Why it was rejected.")
    reviewed_by: str
    reviewed_at: datetime | None

    @staticmethod
    def of(row: models.MentorDocument) -> MentorDocument:
        return MentorDocument(
            id=row.id,
            kind=row.kind,
            reference=row.reference,
            status=row.status,
            reason=row.reason,
            reviewed_by=row.reviewed_by,
            reviewed_at=row.reviewed_at,
        )


@strawberry.type(description="A candidate mentor's application: experience, documents, contract.")
class MentorApplication:
    id: int
    mentor_id: int
    path_id: int = strawberry.field(description="The path applied for: the field the years are counted in.")
    total_years: int
    field_years: int
    applied_on: date
    contract_signed_on: date | None
    activated_on: date | None
    declined_on: date | None
    decline_reason: str

    @staticmethod
    def of(row: models.MentorApplication) -> MentorApplication:
        return MentorApplication(
            id=row.id,
            mentor_id=row.mentor_id,
            path_id=row.path_id,
            total_years=row.total_years,
            field_years=row.field_years,
            applied_on=row.applied_on,
            contract_signed_on=row.contract_signed_on,
            activated_on=row.activated_on,
            declined_on=row.declined_on,
            decline_reason=row.decline_reason,
        )

    @strawberry.field(description="The applicant (status APPLIED, CONTRACT, DECLINED, then ACTIVE).")
    async def mentor(self, info: Info) -> Mentor:
        row = await info.context.loaders.mentor.load(self.mentor_id)
        assert row is not None
        return Mentor.of(row)

    @strawberry.field
    async def documents(self) -> list[MentorDocument]:
        return [MentorDocument.of(d) for d in await onboarding.documents_of(self.id)]

    @strawberry.field(description="Required documents not accepted yet.")
    async def missing_documents(self) -> list[DocumentKind]:  # type: ignore[valid-type]
        return list(await onboarding.missing_documents(self.id))


@strawberry.type(description="A student ready for the final panel: every project of the path passed (R20).")
class PanelCandidate:
    student_id: int

    @strawberry.field
    async def student(self, info: Info) -> Student:
        row = await info.context.loaders.student.load(self.student_id)
        assert row is not None
        return Student.of(row)

    @strawberry.field(description="The passed presentations, with their recordings, for the panel.")
    async def assessments(self) -> list[Assessment]:
        return [Assessment.of(a) for a in await certification.passed_assessments(self.student_id)]


@strawberry.type
class SchoolQueries:
    @strawberry.field(
        description="Staff's review queue of mentor applications, oldest first by id. awaitingReview "
        "(default): those with a document to review or ready for the contract and activation; false: every "
        "open one."
    )
    async def mentor_applications(
        self, info: Info, awaiting_review: bool = True, first: int | None = None, after: str | None = None
    ) -> Connection[MentorApplication]:
        return await _typed(
            lambda: paginate_queryset(
                "MentorApplication",
                onboarding.review_queue(awaiting_review=awaiting_review),
                first=first,
                after=after,
                cap=info.context.settings.max_page_size,
                to_node=MentorApplication.of,
            )
        )

    @strawberry.field(description="A mentor's application (staff, or the applicant themself).")
    async def mentor_application(self, mentor_id: int) -> MentorApplication | None:
        row = await models.MentorApplication.get_or_none(mentor_id=mentor_id)
        return MentorApplication.of(row) if row else None

    @strawberry.field(
        description="The final panel's queue (R20): students without a decision whose every project of the "
        "path passed its presentation, by id."
    )
    async def panel_queue(
        self, info: Info, first: int | None = None, after: str | None = None
    ) -> Connection[PanelCandidate]:
        async def run() -> Connection[PanelCandidate]:
            size = page_size(first, info.context.settings.max_page_size)
            page = await certification.panel_queue(after_id=decode_cursor("Panel", after), size=size)
            edges = [
                Edge(cursor=encode_cursor("Panel", s.id), node=PanelCandidate(student_id=s.id))
                for s in page.students
            ]
            return Connection(
                edges=edges,
                page_info=PageInfo(
                    has_next_page=page.has_next, end_cursor=edges[-1].cursor if edges else None
                ),
                _count=certification.panel_queue_count,
            )

        return await _typed(run)
