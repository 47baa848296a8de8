"""finishProject through the GraphQL API (both databases): R8 keeps the mentor who lists the next project;
otherwise the pair ends, the student waits, and the next run places them with a mentor of the new
project; a project of another path is NOT_IN_PATH with nothing changed; the last project completes."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from typing import Any

from domain.enums import PairingAction, PairingCause
from domain.models import Assessment, Mentorship, PairingChange, Student
from domain.paris_time import PARIS, week_monday
from domain.services import paths
from tests.conftest import Backend, GraphQLClient
from tests.factories import catalogue, mentor, pair, student
from tests.jobs.helpers import eventually, fresh_jobs

__all__ = ["fresh_jobs"]

# Pairs start in the past, so that ending one today is a real end (not clamped to its first day).
LAST_WEEK = datetime.combine(week_monday(date.today()) - timedelta(days=6), datetime.min.time()).replace(
    hour=19
)

FINISH = """
mutation($input: FinishProjectInput!) {
  finishProject(input: $input) {
    __typename
    ... on FinishProjectPayload {
      mentorKept
      student { id currentProject { id } mentorship { id } }
      assessment { id studentId projectId assessorId status unassignedReason }
      endedMentorship { id endedOn endReason }
    }
    ... on UserError { code field message }
  }
}"""

START = """
mutation($input: StartRunInput!) {
  startRun(input: $input) { __typename ... on RunPayload { run { id } } ... on UserError { code message } }
}"""

RUN = """
query($id: UUID!) {
  matchingRun(id: $id) { status error proposal { pairs { studentId mentorId } unplaced { studentId reason } } }
}"""

UPDATE_STUDENT = """
mutation($input: UpdateStudentInput!) {
  updateStudent(input: $input) { __typename ... on UserError { code field } }
}"""


async def _finish(gql: GraphQLClient, **fields: Any) -> dict[str, Any]:
    result: dict[str, Any] = (await gql(FINISH, {"input": fields}))["finishProject"]
    return result


async def test_the_mentor_who_lists_the_next_project_is_kept(db: Backend, gql: GraphQLClient) -> None:
    path, projects = await catalogue(3)
    keeper = await mentor(projects[:2], n=1)
    s = await student(path, projects[0], n=1)
    current = await pair(s, keeper, LAST_WEEK)

    done = await _finish(gql, studentId=s.id)

    assert done["__typename"] == "FinishProjectPayload", done
    assert done["mentorKept"] is True and done["endedMentorship"] is None
    assert done["student"]["currentProject"]["id"] == projects[1].id
    assert done["student"]["mentorship"]["id"] == current.id
    assert done["assessment"]["projectId"] == projects[0].id and done["assessment"]["studentId"] == s.id
    assert not await PairingChange.filter(action=PairingAction.ENDED).exists()


async def test_otherwise_the_student_waits_and_the_next_run_finds_a_mentor(
    db: Backend, gql: GraphQLClient
) -> None:
    path, projects = await catalogue(2)
    first = await mentor(projects[:1], n=1, capacity=3)
    second = await mentor(projects[1:], n=2, capacity=3)
    s = await student(path, projects[0], n=1)
    ended = await pair(s, first, LAST_WEEK)

    done = await _finish(gql, studentId=s.id, projectId=projects[0].id)

    assert done["mentorKept"] is False
    assert done["endedMentorship"] == {
        "id": ended.id,
        "endedOn": datetime.now(PARIS).date().isoformat(),
        "endReason": "PROJECT_CHANGE",
    }
    assert done["student"]["mentorship"] is None
    assert done["student"]["currentProject"]["id"] == projects[1].id
    # Its only possible assessor was the student's mentor (R20): waiting for staff, with the reason.
    assert done["assessment"]["status"] == "AWAITING_ASSESSOR" and done["assessment"]["assessorId"] is None
    assert "mentor" in done["assessment"]["unassignedReason"]
    audit = await PairingChange.get(action=PairingAction.ENDED)
    assert audit.cause == PairingCause.PROJECT_CHANGE and audit.actor.startswith("staff")
    assert audit.cause_ref == f"project:{projects[0].id}->{projects[1].id}"
    waiting = await gql("{ students(withoutMentor: true) { edges { node { id } } } }")
    assert [e["node"]["id"] for e in waiting["students"]["edges"]] == [s.id]

    week = (week_monday(date.today()) + timedelta(days=7)).isoformat()
    started = await gql(START, {"input": {"timeLimitS": 10, "week": week}})
    run_id = started["startRun"]["run"]["id"]
    seen: dict[str, Any] = {}

    async def finished() -> bool:
        seen.update((await gql(RUN, {"id": run_id}))["matchingRun"])
        return seen["status"] not in ("QUEUED", "RUNNING")

    await eventually(finished, what="the run ends")
    assert seen["status"] == "SUCCEEDED", seen["error"]
    assert seen["proposal"]["pairs"] == [{"studentId": s.id, "mentorId": second.id}]


async def test_a_project_of_another_path_is_refused_and_nothing_changes(
    db: Backend, gql: GraphQLClient
) -> None:
    path, projects = await catalogue(2)
    other = await paths.create_path(paths.PathInput(name="Data Analyst"))
    foreign = await paths.create_project(paths.ProjectInput(other.id, "Elsewhere"))
    m = await mentor(projects[:1], n=1)
    s = await student(path, projects[0], n=1)
    current = await pair(s, m, LAST_WEEK)
    version = (await Student.get(id=s.id)).version

    refused = await _finish(gql, studentId=s.id, nextProjectId=foreign.id)

    assert refused == {
        "__typename": "ValidationError",
        "code": "NOT_IN_PATH",
        "field": "nextProjectId",
        "message": refused["message"],
    }
    after = await Student.get(id=s.id)
    assert (after.current_project_id, after.version) == (projects[0].id, version)
    assert (await Mentorship.get(id=current.id)).ended_on is None
    assert (
        not await Assessment.exists() and not await PairingChange.filter(action=PairingAction.ENDED).exists()
    )
    missing = await _finish(gql, studentId=s.id, nextProjectId=9999)
    assert (missing["__typename"], missing["code"]) == ("NotFoundError", "NOT_FOUND")


async def test_the_last_project_completes_the_path(db: Backend, gql: GraphQLClient) -> None:
    path, projects = await catalogue(2)
    m = await mentor(projects, n=1)
    s = await student(path, projects[1], n=1)
    await pair(s, m, LAST_WEEK)

    done = await _finish(gql, studentId=s.id)

    assert done["mentorKept"] is False and done["endedMentorship"]["endReason"] == "COMPLETED"
    assert done["student"]["currentProject"]["id"] == projects[1].id
    assert (await PairingChange.get(action=PairingAction.ENDED)).cause == PairingCause.PATH_COMPLETED
    again = await _finish(gql, studentId=s.id)
    assert (again["__typename"], again["code"]) == ("ConflictError", "CONFLICT")
    assert await Assessment.all().count() == 1


async def test_update_student_points_to_finish_project(db: Backend, gql: GraphQLClient) -> None:
    path, projects = await catalogue(2)
    s = await student(path, projects[0], n=1)
    refused = await gql(UPDATE_STUDENT, {"input": {"id": s.id, "currentProjectId": projects[1].id}})
    assert refused["updateStudent"] == {
        "__typename": "ValidationError",
        "code": "VALIDATION",
        "field": "currentProjectId",
    }
    assert (await Student.get(id=s.id)).current_project_id == projects[0].id
