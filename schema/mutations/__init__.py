"""Mutations, one module per domain; each returns a union of its payload and typed errors."""

from strawberry.tools import merge_types

from schema.mutations.absences import AbsenceMutations
from schema.mutations.assessments import AssessmentMutations
from schema.mutations.availability import AvailabilityMutations
from schema.mutations.calendar import CalendarMutations
from schema.mutations.change_requests import ChangeRequestMutations
from schema.mutations.departures import DepartureMutations
from schema.mutations.mentor_paths import MentorPathMutations
from schema.mutations.mentors import MentorMutations
from schema.mutations.mentorships import MentorshipMutations
from schema.mutations.paths import PathMutations
from schema.mutations.progress import ProgressMutations
from schema.mutations.runs import RunMutations
from schema.mutations.school import SchoolMutations
from schema.mutations.sessions import SessionMutations
from schema.mutations.students import StudentMutations
from schema.mutations.tokens import TokenMutations

Mutation = merge_types(
    "Mutation",
    (
        PathMutations,
        MentorMutations,
        StudentMutations,
        AvailabilityMutations,
        MentorshipMutations,
        RunMutations,
        SessionMutations,
        CalendarMutations,
        AbsenceMutations,
        MentorPathMutations,
        DepartureMutations,
        ChangeRequestMutations,
        ProgressMutations,
        AssessmentMutations,
        TokenMutations,
        SchoolMutations,
    ),
)

__all__ = ["Mutation"]
