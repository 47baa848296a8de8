from __future__ import annotations

import strawberry

from domain.services import availability
from schema.errors import REFUSALS
from schema.inputs import AvailabilityWindowInput, to_windows
from schema.mutations.mentors import MentorPayload, MentorResult
from schema.mutations.students import StudentPayload, StudentResult
from schema.types import Mentor, Student


@strawberry.type
class AvailabilityMutations:
    @strawberry.mutation(description="Replace all of a mentor's weekly windows (in the mentor's zone).")
    async def set_mentor_availability(
        self, mentor_id: int, windows: list[AvailabilityWindowInput]
    ) -> MentorResult:
        async def run() -> MentorPayload:
            row = await availability.set_mentor_availability(mentor_id, to_windows(windows, field="windows"))
            return MentorPayload(mentor=Mentor.of(row))

        return await REFUSALS.attempt(run)

    @strawberry.mutation(description="Replace all of a student's weekly windows (in the student's zone).")
    async def set_student_availability(
        self, student_id: int, windows: list[AvailabilityWindowInput]
    ) -> StudentResult:
        async def run() -> StudentPayload:
            row = await availability.set_student_availability(
                student_id, to_windows(windows, field="windows")
            )
            return StudentPayload(student=Student.of(row))

        return await REFUSALS.attempt(run)
