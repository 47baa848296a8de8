"""Mutations through GraphQL on both databases: payloads, typed errors naming the field, nothing stored."""

from __future__ import annotations

from typing import Any

import pytest

from domain.models import Mentor, MentorAvailability, Mentorship, Session, Student
from tests import factories
from tests.conftest import GraphQLClient

# Hard-coded programme dates (December 2026, 2027): run at the instant they were written for.
pytestmark = pytest.mark.usefixtures("programme_clock")

CREATE_MENTOR = """
mutation($input: CreateMentorInput!) {
  createMentor(input: $input) {
    __typename
    ... on MentorPayload { mentor { id name capacity timezone projects { id } availability { weekday start end } } }
    ... on UserError { code field message }
  }
}"""


def mentor_input(project_ids: list[int], **overrides: Any) -> dict[str, Any]:
    data: dict[str, Any] = {
        "name": "Ada Lovelace",
        "email": "ada@example.org",
        "capacity": 5,
        "projectIds": project_ids,
        "startDate": "2026-01-05",
        "timezone": "America/Montreal",
        "languages": ["fr", "en"],
        "availability": [{"weekday": 1, "start": "18:00", "end": "21:00"}],
    }
    data.update(overrides)
    return data


async def test_create_mentor_returns_payload(gql: GraphQLClient) -> None:
    _, projects = await factories.catalogue()
    data = await gql(CREATE_MENTOR, {"input": mentor_input([projects[0].id, projects[2].id])})
    result = data["createMentor"]
    assert result["__typename"] == "MentorPayload"
    mentor = result["mentor"]
    assert mentor["capacity"] == 5
    assert sorted(p["id"] for p in mentor["projects"]) == sorted([projects[0].id, projects[2].id])
    assert mentor["availability"] == [{"weekday": 1, "start": "18:00", "end": "21:00"}]
    assert await Mentor.filter(id=mentor["id"]).exists()


@pytest.mark.parametrize(
    ("overrides", "code", "field"),
    [
        ({"capacity": 0}, "VALIDATION", "capacity"),
        ({"capacity": 21}, "VALIDATION", "capacity"),
        ({"projectIds": [999_999]}, "NOT_FOUND", "projectIds.0"),
        ({"projectIds": []}, "VALIDATION", "projectIds"),
        ({"timezone": "Europe/Atlantis"}, "VALIDATION", "timezone"),
        (
            {
                "availability": [
                    {"weekday": 1, "start": "18:00", "end": "20:00"},
                    {"weekday": 1, "start": "19:00", "end": "21:00"},
                ]
            },
            "VALIDATION",
            "availability.1",
        ),
        (
            {"availability": [{"weekday": 1, "start": "21:00", "end": "18:00"}]},
            "VALIDATION",
            "availability.0.end",
        ),
        (
            {"availability": [{"weekday": 9, "start": "18:00", "end": "19:00"}]},
            "VALIDATION",
            "availability.0.weekday",
        ),
        (
            {"availability": [{"weekday": 1, "start": "7pm", "end": "21:00"}]},
            "VALIDATION",
            "availability.0.start",
        ),
        ({"email": "not-an-email"}, "VALIDATION", "email"),
        ({"languages": ["french"]}, "VALIDATION", "languages.0"),
    ],
)
async def test_bad_mentor_input_gets_a_typed_error_and_stores_nothing(
    gql: GraphQLClient, overrides: dict[str, Any], code: str, field: str
) -> None:
    _, projects = await factories.catalogue()
    data = await gql(CREATE_MENTOR, {"input": mentor_input([projects[0].id], **overrides)})
    result = data["createMentor"]
    assert result["__typename"] in {"ValidationError", "NotFoundError"}
    assert (result["code"], result["field"]) == (code, field)
    assert result["message"]
    assert await Mentor.all().count() == 0
    assert await MentorAvailability.all().count() == 0


async def test_duplicate_email_is_a_conflict(gql: GraphQLClient) -> None:
    _, projects = await factories.catalogue()
    await gql(CREATE_MENTOR, {"input": mentor_input([projects[0].id])})
    again = (await gql(CREATE_MENTOR, {"input": mentor_input([projects[0].id])}))["createMentor"]
    assert (again["__typename"], again["code"], again["field"]) == ("ConflictError", "CONFLICT", "email")
    assert await Mentor.all().count() == 1


UPDATE_MENTOR = """
mutation($input: UpdateMentorInput!) {
  updateMentor(input: $input) {
    __typename
    ... on MentorPayload { mentor { capacity projects { id } } }
    ... on UserError { code field }
  }
}"""


async def test_update_mentor_keeps_everything_on_a_bad_field(gql: GraphQLClient) -> None:
    _, projects = await factories.catalogue()
    mentor = await factories.mentor(projects[:1], capacity=4)
    bad = await gql(
        UPDATE_MENTOR, {"input": {"id": mentor.id, "capacity": 25, "projectIds": [projects[1].id]}}
    )
    assert bad["updateMentor"]["field"] == "capacity"
    stored = await Mentor.get(id=mentor.id).prefetch_related("projects")
    assert stored.capacity == 4 and [p.id for p in stored.projects] == [projects[0].id]
    good = await gql(
        UPDATE_MENTOR, {"input": {"id": mentor.id, "capacity": 20, "projectIds": [projects[1].id]}}
    )
    assert good["updateMentor"]["mentor"] == {"capacity": 20, "projects": [{"id": projects[1].id}]}
    missing = await gql(UPDATE_MENTOR, {"input": {"id": 424242, "capacity": 3}})
    assert missing["updateMentor"] == {"__typename": "NotFoundError", "code": "NOT_FOUND", "field": "id"}


SET_AVAILABILITY = """
mutation($id: Int!, $windows: [AvailabilityWindowInput!]!) {
  setStudentAvailability(studentId: $id, windows: $windows) {
    __typename
    ... on StudentPayload { student { availability { weekday start end } } }
    ... on UserError { code field }
  }
}"""


async def test_set_availability_replaces_the_set_or_keeps_the_old_one(gql: GraphQLClient) -> None:
    path, projects = await factories.catalogue()
    student = await factories.student(path, projects[0])
    before = await gql(
        SET_AVAILABILITY,
        {
            "id": student.id,
            "windows": [
                {"weekday": 5, "start": "09:00", "end": "12:00"},
                {"weekday": 5, "start": "11:00", "end": "13:00"},
            ],
        },
    )
    assert before["setStudentAvailability"] == {
        "__typename": "ValidationError",
        "code": "VALIDATION",
        "field": "windows.1",
    }
    assert (await Student.get(id=student.id)).version == 1
    after = await gql(
        SET_AVAILABILITY,
        {
            "id": student.id,
            "windows": [
                {"weekday": 5, "start": "09:00", "end": "12:00"},
                {"weekday": 6, "start": "20:00", "end": "24:00"},
            ],
        },
    )
    assert after["setStudentAvailability"]["student"]["availability"] == [
        {"weekday": 5, "start": "09:00", "end": "12:00"},
        {"weekday": 6, "start": "20:00", "end": "24:00"},
    ]
    assert (await Student.get(id=student.id)).version == 2


CREATE_STUDENT = """
mutation($input: CreateStudentInput!) {
  createStudent(input: $input) {
    __typename
    ... on StudentPayload { student { id funding allowedWeekdays currentProject { id } path { id } } }
    ... on UserError { code field }
  }
}"""


async def test_create_student_takes_weekdays_from_funding(gql: GraphQLClient) -> None:
    path, projects = await factories.catalogue()
    base = {
        "name": "Sam",
        "email": "sam@example.org",
        "pathId": path.id,
        "currentProjectId": projects[1].id,
        "funding": "EMPLOYER",
        "sessionMinutes": 60,
    }
    created = (await gql(CREATE_STUDENT, {"input": base}))["createStudent"]
    assert created["student"]["allowedWeekdays"] == [0, 1, 2, 3, 4]
    refused = await gql(CREATE_STUDENT, {"input": {**base, "email": "x@example.org", "allowedWeekdays": [6]}})
    assert refused["createStudent"]["field"] == "allowedWeekdays.0"
    other_path = await gql(
        'mutation { createPath(input: {name: "Data"}) { ... on PathPayload { path { id } } } }'
    )
    wrong = {**base, "email": "y@example.org", "pathId": other_path["createPath"]["path"]["id"]}
    assert (await gql(CREATE_STUDENT, {"input": wrong}))["createStudent"]["field"] == "currentProjectId"
    short = {**base, "email": "z@example.org", "sessionMinutes": 20}
    assert (await gql(CREATE_STUDENT, {"input": short}))["createStudent"]["field"] == "sessionMinutes"
    assert await Student.all().count() == 1


CREATE_MENTORSHIP = """
mutation($input: CreateMentorshipInput!) {
  createMentorship(input: $input) {
    __typename
    ... on MentorshipPayload { mentorship { slot { weekday start minutes } startedOn } }
    ... on UserError { code field message }
  }
}"""


async def test_pairing_refuses_a_paris_time_that_does_not_exist(gql: GraphQLClient) -> None:
    path, projects = await factories.catalogue()
    mentor = await factories.mentor(projects)
    student = await factories.student(path, projects[0])
    await factories.open_all_week(mentor_id=mentor.id, student_id=student.id)  # Sunday nights
    ids = {"studentId": student.id, "mentorId": mentor.id}
    gap = await gql(CREATE_MENTORSHIP, {"input": {**ids, "firstSessionAt": "2027-03-28T02:30"}})
    assert gap["createMentorship"]["code"] == "NONEXISTENT_LOCAL_TIME"
    assert gap["createMentorship"]["field"] == "firstSessionAt"
    twice = await gql(CREATE_MENTORSHIP, {"input": {**ids, "firstSessionAt": "2027-10-31T02:30"}})
    assert twice["createMentorship"]["code"] == "AMBIGUOUS_LOCAL_TIME"
    assert await Mentorship.all().count() == 0 and await Session.all().count() == 0
    chosen = await gql(CREATE_MENTORSHIP, {"input": {**ids, "firstSessionAt": "2027-10-31T02:30", "fold": 1}})
    assert chosen["createMentorship"]["mentorship"]["slot"] == {"weekday": 6, "start": "02:30", "minutes": 45}
    session = await Session.get()
    assert session.starts_at.isoformat() == "2027-10-31T01:30:00+00:00"


async def test_pairing_enforces_project_capacity_and_one_mentor(gql: GraphQLClient) -> None:
    path, projects = await factories.catalogue()
    mentor = await factories.mentor(projects[:1], capacity=1)
    s1 = await factories.student(path, projects[0], n=1)
    s2 = await factories.student(path, projects[0], n=2)
    s3 = await factories.student(path, projects[1], n=3)
    at = "2026-12-01T19:00"
    first = await gql(
        CREATE_MENTORSHIP, {"input": {"studentId": s1.id, "mentorId": mentor.id, "firstSessionAt": at}}
    )
    assert first["createMentorship"]["__typename"] == "MentorshipPayload"
    full = await gql(
        CREATE_MENTORSHIP, {"input": {"studentId": s2.id, "mentorId": mentor.id, "firstSessionAt": at}}
    )
    assert (full["createMentorship"]["code"], full["createMentorship"]["field"]) == ("CONFLICT", "mentorId")
    unlisted = await gql(
        CREATE_MENTORSHIP, {"input": {"studentId": s3.id, "mentorId": mentor.id, "firstSessionAt": at}}
    )
    assert unlisted["createMentorship"]["code"] == "VALIDATION"
    assert await Mentorship.all().count() == 1
