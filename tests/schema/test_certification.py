"""Presentations and the final panel through the GraphQL API (both databases), R20: the student's mentor
marks a project submitted and verified before its presentation is scheduled (PROJECT_NOT_VERIFIED
otherwise); the assessor records where the recording is; staff see the students whose every project passed
and record the panel's decision, once, with its reason; the student is then certified (or not)."""

from __future__ import annotations

import asyncio
from collections import Counter
from datetime import timedelta
from typing import Any

import httpx

from domain.enums import AssessmentStatus, Role
from domain.models import Assessment, Certification, ProjectSubmission, Student
from domain.services import assessments
from domain.services.tokens import issue_token
from tests.conftest import Backend, GraphQLClient
from tests.conftest import post_as as _as
from tests.factories import catalogue, mentor, pair, student

FINISH = """
mutation($s: Int!) {
  finishProject(input: {studentId: $s}) {
    __typename ... on FinishProjectPayload { assessment { id status assessorId unassignedReason } }
  }
}"""

SUBMIT = """
mutation($input: ProjectSubmissionInput!) {
  markProjectSubmitted(input: $input) {
    __typename
    ... on ProjectSubmissionPayload { submission { projectId link submitted verified } }
    ... on UserError { code field message }
  }
}"""

VERIFY = """
mutation($s: Int!, $p: Int!) {
  verifyProject(studentId: $s, projectId: $p) {
    __typename
    ... on ProjectSubmissionPayload { submission { verified } assessments { id status assessorId } }
    ... on UserError { code field message }
  }
}"""

ASSIGN = """
mutation($a: Int!, $m: Int!) {
  assignAssessor(input: {assessmentId: $a, mentorId: $m, startsAt: "2030-01-15T18:00"}) {
    __typename ... on UserError { code field message }
  }
}"""

RECORDING = """
mutation($a: Int!, $r: String!) {
  setPresentationRecording(input: {assessmentId: $a, recording: $r}) {
    __typename
    ... on PresentationRecordingPayload { assessment { id recording } }
    ... on UserError { code field message }
  }
}"""

QUEUE = """
query($first: Int, $after: String) {
  panelQueue(first: $first, after: $after) {
    totalCount
    edges { node { studentId assessments { projectId status recording } } }
    pageInfo { hasNextPage endCursor }
  }
}"""

DECIDE = """
mutation($s: Int!, $d: PanelDecision!, $r: String!) {
  recordPanelDecision(input: {studentId: $s, decision: $d, reason: $r}) {
    __typename
    ... on PanelDecisionPayload { certification { decision reason certified } }
    ... on UserError { code field message }
  }
}"""

STUDENT = "query($id: Int!) { student(id: $id) { certification { decision reason certified } } }"


async def test_presentation_waits_for_the_mentors_verification(
    db: Backend, gql: GraphQLClient, client: httpx.AsyncClient
) -> None:
    path, projects = await catalogue(2)
    own_mentor = await mentor(projects, n=1)
    assessor = await mentor(projects, n=2)
    s = await student(path, projects[0])
    await pair(s, own_mentor)

    # Finished but not verified: the assessment waits, with the reason; a manual assignment is refused.
    waiting = (await gql(FINISH, {"s": s.id}))["finishProject"]["assessment"]
    assert waiting["status"] == "AWAITING_ASSESSOR" and "not verified" in waiting["unassignedReason"]
    refused = (await gql(ASSIGN, {"a": waiting["id"], "m": assessor.id}))["assignAssessor"]
    assert (refused["code"], refused["field"]) == ("PROJECT_NOT_VERIFIED", "assessmentId")
    auto = (
        "mutation($a: Int!) { autoAssignAssessor(assessmentId: $a) { __typename ... on UserError { code } } }"
    )
    assert (await gql(auto, {"a": waiting["id"]}))["autoAssignAssessor"]["code"] == "PROJECT_NOT_VERIFIED"
    assert (await Assessment.get(id=waiting["id"])).status is AssessmentStatus.AWAITING_ASSESSOR

    # The mentor (their own token) marks it submitted then verified: the presentation is scheduled.
    token = (await issue_token(Role.MENTOR, mentor_id=own_mentor.id))[0]
    early = await _as(client, token, VERIFY, {"s": s.id, "p": projects[0].id})
    assert early["data"]["verifyProject"]["field"] == "projectId"
    bad_link = await _as(
        client,
        token,
        SUBMIT,
        {"input": {"studentId": s.id, "projectId": projects[0].id, "link": "javascript:x"}},
    )
    assert (
        bad_link["data"]["markProjectSubmitted"]["code"],
        bad_link["data"]["markProjectSubmitted"]["field"],
    ) == (
        "VALIDATION",
        "link",
    )
    assert await ProjectSubmission.all().count() == 0
    link = "https://github.com/student/project-0"
    submitted = await _as(
        client, token, SUBMIT, {"input": {"studentId": s.id, "projectId": projects[0].id, "link": link}}
    )
    assert submitted["data"]["markProjectSubmitted"]["submission"] == {
        "projectId": projects[0].id,
        "link": link,
        "submitted": True,
        "verified": False,
    }
    verified = (await _as(client, token, VERIFY, {"s": s.id, "p": projects[0].id}))["data"]["verifyProject"]
    assert verified["submission"] == {"verified": True}
    # The presentation is scheduled (the mentor does not read it: only the student and the assessor do).
    assert verified["assessments"] == []
    scheduled = await Assessment.get(id=waiting["id"])
    assert scheduled.status is AssessmentStatus.SCHEDULED and scheduled.assessor_id == assessor.id
    twice = (await _as(client, token, VERIFY, {"s": s.id, "p": projects[0].id}))["data"]["verifyProject"]
    assert twice["code"] == "CONFLICT"

    # Another mentor, not the student's, may not verify; a project of another path is NOT_IN_PATH.
    other = (await issue_token(Role.MENTOR, mentor_id=assessor.id))[0]
    foreign = await _as(client, other, VERIFY, {"s": s.id, "p": projects[1].id})
    assert foreign["data"]["verifyProject"]["__typename"] == "NotFoundError"
    _other_path, elsewhere = await catalogue_elsewhere()
    wrong = (await gql(SUBMIT, {"input": {"studentId": s.id, "projectId": elsewhere.id}}))[
        "markProjectSubmitted"
    ]
    assert (wrong["code"], wrong["field"]) == ("NOT_IN_PATH", "projectId")


async def catalogue_elsewhere() -> tuple[object, Any]:
    from domain.services import paths

    other = await paths.create_path(paths.PathInput(name="Data Analyst"))
    project = await paths.create_project(paths.ProjectInput(other.id, "Elsewhere", level=2, position=0))
    return other, project


async def _pass_every_project(s: Student, projects: list[Any]) -> list[Assessment]:
    """Each project verified, finished and passed, as the domain does it (results after the presentation)."""
    from domain.services import progress
    from tests.factories import verify_current

    done = []
    for _ in projects:
        await verify_current(s)
        finished = await progress.finish_project(s.id, actor="staff:1")
        a = await Assessment.get(id=finished.assessment.id)
        assert a.status is AssessmentStatus.SCHEDULED and a.starts_at is not None, a.unassigned_reason
        done.append(await assessments.record_result(a.id, True, now=a.starts_at + timedelta(minutes=31)))
        s = await Student.get(id=s.id)
    return done


async def test_panel_queue_decision_and_certified_student(
    db: Backend, gql: GraphQLClient, client: httpx.AsyncClient
) -> None:
    path, projects = await catalogue(2)
    own_mentor = await mentor(projects, n=1)
    assessor = await mentor(projects, n=2)
    graduate = await student(path, projects[0], n=1)
    halfway = await student(path, projects[0], n=2)
    await pair(graduate, own_mentor)
    passed = await _pass_every_project(graduate, projects)
    await _pass_every_project(halfway, projects[:1])

    # Not yet every project passed: PATH_NOT_ASSESSED, nothing stored.
    early = (await gql(DECIDE, {"s": halfway.id, "d": "CERTIFIED", "r": "good work"}))["recordPanelDecision"]
    assert (early["code"], early["field"]) == ("PATH_NOT_ASSESSED", "studentId") and projects[
        1
    ].name in early["message"]

    # The assessor records where the recording is; bad references are refused.
    assessor_token = (await issue_token(Role.MENTOR, mentor_id=assessor.id))[0]
    bad = await _as(client, assessor_token, RECORDING, {"a": passed[0].id, "r": "http://video.example/1"})
    assert (
        bad["data"]["setPresentationRecording"]["code"],
        bad["data"]["setPresentationRecording"]["field"],
    ) == (
        "VALIDATION",
        "recording",
    )
    url = "https://video.school.example/recordings/1"
    recorded = await _as(client, assessor_token, RECORDING, {"a": passed[0].id, "r": url})
    assert recorded["data"]["setPresentationRecording"]["assessment"] == {
        "id": passed[0].id,
        "recording": url,
    }
    mentor_token = (await issue_token(Role.MENTOR, mentor_id=own_mentor.id))[0]
    not_theirs = await _as(client, mentor_token, RECORDING, {"a": passed[0].id, "r": url})
    assert not_theirs["data"]["setPresentationRecording"]["__typename"] == "NotFoundError"

    queue = (await gql(QUEUE, {}))["panelQueue"]
    assert queue["totalCount"] == 1
    node = queue["edges"][0]["node"]
    assert node["studentId"] == graduate.id
    assert [a["projectId"] for a in node["assessments"]] == [p.id for p in projects]
    assert node["assessments"][0]["recording"] == url

    empty_reason = (await gql(DECIDE, {"s": graduate.id, "d": "CERTIFIED", "r": "  "}))["recordPanelDecision"]
    assert (empty_reason["code"], empty_reason["field"]) == ("VALIDATION", "reason")
    assert await Certification.all().count() == 0
    decided = await gql(DECIDE, {"s": graduate.id, "d": "CERTIFIED", "r": "every skill block acquired"})
    assert decided["recordPanelDecision"]["certification"] == {
        "decision": "CERTIFIED",
        "reason": "every skill block acquired",
        "certified": True,
    }
    again = await gql(DECIDE, {"s": graduate.id, "d": "NOT_CERTIFIED", "r": "changed our mind"})
    assert again["recordPanelDecision"]["code"] == "CONFLICT"
    assert (await gql(QUEUE, {}))["panelQueue"]["totalCount"] == 0

    # The student reads their own certification; staff only record it.
    own = (await issue_token(Role.STUDENT, student_id=graduate.id))[0]
    seen = await _as(client, own, STUDENT, {"id": graduate.id})
    assert seen["data"]["student"]["certification"]["certified"] is True
    refused = await _as(client, own, DECIDE, {"s": graduate.id, "d": "CERTIFIED", "r": "me"})
    assert refused["data"]["recordPanelDecision"]["__typename"] == "NotFoundError"
    assert (await _as(client, own, QUEUE, {}))["data"] is None


async def test_not_certified_and_queue_pages(db: Backend, gql: GraphQLClient) -> None:
    path, projects = await catalogue(1)
    await mentor(projects, n=1)
    await mentor(projects, n=2)
    ready = [await student(path, projects[0], n=n) for n in range(1, 6)]
    for s in ready:
        await _pass_every_project(s, projects)
    ids: list[int] = []
    after = None
    while True:
        page = (await gql(QUEUE, {"first": 2, "after": after}))["panelQueue"]
        assert page["totalCount"] == 5
        ids += [e["node"]["studentId"] for e in page["edges"]]
        if not page["pageInfo"]["hasNextPage"]:
            break
        after = page["pageInfo"]["endCursor"]
    assert ids == [s.id for s in ready]
    no = await gql(DECIDE, {"s": ready[0].id, "d": "NOT_CERTIFIED", "r": "the portfolio lacks project 0"})
    assert no["recordPanelDecision"]["certification"]["certified"] is False
    assert (await gql(STUDENT, {"id": ready[0].id}))["student"]["certification"][
        "decision"
    ] == "NOT_CERTIFIED"
    assert (await gql(STUDENT, {"id": ready[1].id}))["student"]["certification"] is None
    bad_cursor = await gql.raw(QUEUE, {"after": "bm9wZQ=="})
    assert bad_cursor["errors"][0]["extensions"]["code"] == "VALIDATION"


async def test_concurrent_submissions_and_verifications(db: Backend, gql: GraphQLClient) -> None:
    path, projects = await catalogue(2)
    own_mentor = await mentor(projects, n=1)
    await mentor(projects, n=2)
    s = await student(path, projects[0])
    await pair(s, own_mentor)
    waiting = (await gql(FINISH, {"s": s.id}))["finishProject"]["assessment"]
    submit = {"input": {"studentId": s.id, "projectId": projects[0].id}}
    bodies = await asyncio.gather(*(gql.raw(SUBMIT, submit) for _ in range(6)))
    kinds = Counter(b["data"]["markProjectSubmitted"]["__typename"] for b in bodies)
    assert (
        set(kinds) <= {"ProjectSubmissionPayload", "ConflictError"} and kinds["ProjectSubmissionPayload"] >= 1
    )
    assert await ProjectSubmission.all().count() == 1
    bodies = await asyncio.gather(*(gql.raw(VERIFY, {"s": s.id, "p": projects[0].id}) for _ in range(6)))
    kinds = Counter(b["data"]["verifyProject"]["__typename"] for b in bodies)
    print(f"\nFIGURE 6 concurrent verifyProject ({db.name}): {dict(kinds)}")
    assert kinds == {"ProjectSubmissionPayload": 1, "ConflictError": 5}
    scheduled = await Assessment.get(id=waiting["id"])
    assert scheduled.status is AssessmentStatus.SCHEDULED
    assert await Assessment.filter(student_id=s.id).count() == 1
