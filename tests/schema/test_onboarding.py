"""Mentor onboarding through the GraphQL API (both databases): staff record an application with the
experience the school asks for (thresholds in configuration), the applicant sends their documents as
references, staff review them in a paginated queue, the contract is signed, then the mentor is active.
An applicant is never matched or assigned as an assessor; bad input gets typed errors and stores nothing."""

from __future__ import annotations

from datetime import date
from typing import Any

import httpx
import pytest
from tortoise import Tortoise

from domain.enums import MentorStatus, Role
from domain.models import Assessment, Mentor, MentorApplication, MentorDocument
from domain.paris_time import paris_today
from domain.services import eligibility
from domain.services.tokens import issue_token
from tests.conftest import Backend, GraphQLClient
from tests.conftest import post_as as _as
from tests.factories import catalogue, mentor, student, verify

APPLY = """
mutation($input: ApplyAsMentorInput!) {
  applyAsMentor(input: $input) {
    __typename
    ... on MentorApplicationPayload { application { id mentorId pathId totalYears fieldYears
      mentor { id status } missingDocuments } }
    ... on UserError { code field message }
  }
}"""

SEND = """
mutation($input: SendMentorDocumentInput!) {
  sendMentorDocument(input: $input) {
    __typename
    ... on MentorDocumentPayload { document { id kind status reference } }
    ... on UserError { code field message }
  }
}"""

REVIEW = """
mutation($input: ReviewMentorDocumentInput!) {
  reviewMentorDocument(input: $input) {
    __typename
    ... on MentorDocumentPayload { document { id status reason } application { mentor { status } missingDocuments } }
    ... on UserError { code field message }
  }
}"""

SIGN = """
mutation($input: SignMentorContractInput!) {
  signMentorContract(input: $input) {
    __typename
    ... on MentorApplicationPayload { application { contractSignedOn } }
    ... on UserError { code field message }
  }
}"""

ACTIVATE = """
mutation($m: Int!) {
  activateMentor(mentorId: $m) {
    __typename
    ... on MentorActivatedPayload { mentor { id status startDate } }
    ... on UserError { code field message }
  }
}"""

QUEUE = """
query($awaiting: Boolean!, $first: Int, $after: String) {
  mentorApplications(awaitingReview: $awaiting, first: $first, after: $after) {
    totalCount
    edges { node { id mentorId documents { kind status } } }
    pageInfo { hasNextPage endCursor }
  }
}"""

KINDS = ["IDENTITY", "CRIMINAL_RECORD", "LATEST_DIPLOMA", "COMPANY_REGISTRATION"]


def application(project_ids: list[int], n: int = 1, **changes: Any) -> dict[str, Any]:
    fields: dict[str, Any] = {
        "name": f"Applicant {n}",
        "email": f"applicant{n}@example.org",
        "capacity": 4,
        "projectIds": project_ids,
        "totalYears": 6,
        "fieldYears": 3,
        "availability": [{"weekday": 1, "start": "18:00", "end": "22:00"}],
    }
    fields.update(changes)
    return fields


async def counts() -> dict[str, int]:
    conn = Tortoise.get_connection("default")
    tables = ("mentor", "mentor_application", "mentor_document", "mentor_path", "mentor_project")
    out = {}
    for table in tables:
        rows = await conn.execute_query_dict(f'SELECT COUNT(*) AS n FROM "{table}"')
        out[table] = int(rows[0]["n"])
    return out


async def test_application_documents_contract_then_active(
    db: Backend, gql: GraphQLClient, client: httpx.AsyncClient
) -> None:
    _path, projects = await catalogue(2)
    applied = (await gql(APPLY, {"input": application([projects[0].id])}))["applyAsMentor"]
    assert applied["__typename"] == "MentorApplicationPayload", applied
    app = applied["application"]
    mentor_id = app["mentorId"]
    assert app["mentor"]["status"] == "APPLIED" and app["missingDocuments"] == KINDS
    assert (app["totalYears"], app["fieldYears"]) == (6, 3)

    # The applicant, with a mentor token, sends their own documents (references, never files).
    own = (await issue_token(Role.MENTOR, mentor_id=mentor_id))[0]
    ids = {}
    for kind in KINDS:
        reference = f"applications/{mentor_id}/{kind.lower()}.pdf"
        body = await _as(
            client, own, SEND, {"input": {"mentorId": mentor_id, "kind": kind, "reference": reference}}
        )
        sent = body["data"]["sendMentorDocument"]
        assert sent["__typename"] == "MentorDocumentPayload" and sent["document"]["status"] == "PENDING", body
        ids[kind] = sent["document"]["id"]

    queue = (await gql(QUEUE, {"awaiting": True}))["mentorApplications"]
    assert queue["totalCount"] == 1 and queue["edges"][0]["node"]["mentorId"] == mentor_id

    # Activation before the documents and the contract: refused, with what is missing.
    early = (await gql(ACTIVATE, {"m": mentor_id}))["activateMentor"]
    assert (early["code"], early["field"]) == ("ONBOARDING_INCOMPLETE", "mentorId")
    assert "identity document not accepted" in early["message"] and "contract not signed" in early["message"]

    # A rejection needs a reason; the applicant sends the document again, and it waits for review.
    no_reason = await gql(REVIEW, {"input": {"documentId": ids["CRIMINAL_RECORD"], "accepted": False}})
    assert (no_reason["reviewMentorDocument"]["code"], no_reason["reviewMentorDocument"]["field"]) == (
        "VALIDATION",
        "reason",
    )
    rejected = (
        await gql(
            REVIEW,
            {
                "input": {
                    "documentId": ids["CRIMINAL_RECORD"],
                    "accepted": False,
                    "reason": "older than 3 months",
                }
            },
        )
    )["reviewMentorDocument"]
    assert rejected["document"] == {
        "id": ids["CRIMINAL_RECORD"],
        "status": "REJECTED",
        "reason": "older than 3 months",
    }
    again = await _as(
        client,
        own,
        SEND,
        {
            "input": {
                "mentorId": mentor_id,
                "kind": "CRIMINAL_RECORD",
                "reference": "https://files.example/cr2.pdf",
            }
        },
    )
    assert again["data"]["sendMentorDocument"]["document"]["status"] == "PENDING"

    for kind in KINDS[:-1]:
        reviewed = (await gql(REVIEW, {"input": {"documentId": ids[kind], "accepted": True}}))[
            "reviewMentorDocument"
        ]
        assert reviewed["application"]["mentor"]["status"] == "APPLIED"
    last = (await gql(REVIEW, {"input": {"documentId": ids[KINDS[-1]], "accepted": True}}))[
        "reviewMentorDocument"
    ]
    assert last["application"] == {"mentor": {"status": "CONTRACT"}, "missingDocuments": []}
    accepted_twice = await gql(REVIEW, {"input": {"documentId": ids["IDENTITY"], "accepted": True}})
    assert accepted_twice["reviewMentorDocument"]["code"] == "CONFLICT"

    still = (await gql(ACTIVATE, {"m": mentor_id}))["activateMentor"]
    assert still["code"] == "ONBOARDING_INCOMPLETE" and "contract not signed" in still["message"]
    future = (await gql(SIGN, {"input": {"mentorId": mentor_id, "signedOn": "2999-01-01"}}))[
        "signMentorContract"
    ]
    assert (future["code"], future["field"]) == ("VALIDATION", "signedOn")
    today = paris_today().isoformat()  # the programme's calendar (R15), not the machine's
    signed = (await gql(SIGN, {"input": {"mentorId": mentor_id, "signedOn": today}}))["signMentorContract"]
    assert signed["application"]["contractSignedOn"] == today
    active = (await gql(ACTIVATE, {"m": mentor_id}))["activateMentor"]
    assert active["__typename"] == "MentorActivatedPayload", active
    assert active["mentor"]["status"] == "ACTIVE"
    assert (await Mentor.get(id=mentor_id)).status is MentorStatus.ACTIVE
    assert (await gql(QUEUE, {"awaiting": False}))["mentorApplications"]["totalCount"] == 0
    # Activated once: a second activation is refused.
    assert (await gql(ACTIVATE, {"m": mentor_id}))["activateMentor"]["code"] == "CONFLICT"


@pytest.mark.parametrize(
    ("changes", "code", "field"),
    [
        ({"totalYears": 3, "fieldYears": 2}, "EXPERIENCE_TOO_SHORT", "totalYears"),
        ({"totalYears": 7, "fieldYears": 1}, "EXPERIENCE_TOO_SHORT", "fieldYears"),
        ({"totalYears": 5, "fieldYears": 6}, "VALIDATION", "fieldYears"),
        ({"totalYears": -1}, "VALIDATION", "totalYears"),
        ({"capacity": 0}, "VALIDATION", "capacity"),
        ({"projectIds": []}, "VALIDATION", "projectIds"),
        ({"projectIds": [999]}, "NOT_FOUND", "projectIds.0"),
        ({"email": "not an email"}, "VALIDATION", "email"),
    ],
)
async def test_bad_applications_store_nothing(
    db: Backend, gql: GraphQLClient, changes: dict[str, Any], code: str, field: str
) -> None:
    _path, projects = await catalogue(1)
    before = await counts()
    result = (await gql(APPLY, {"input": application([projects[0].id], **changes)}))["applyAsMentor"]
    assert (result["code"], result["field"]) == (code, field), result
    assert await counts() == before


async def test_thresholds_come_from_configuration(
    db: Backend, gql: GraphQLClient, monkeypatch: pytest.MonkeyPatch
) -> None:
    _path, projects = await catalogue(1)
    short = application([projects[0].id], totalYears=3, fieldYears=1)
    assert (await gql(APPLY, {"input": short}))["applyAsMentor"]["code"] == "EXPERIENCE_TOO_SHORT"
    monkeypatch.setenv("MENTORMATCH_MIN_EXPERIENCE_YEARS", "3")
    monkeypatch.setenv("MENTORMATCH_MIN_FIELD_YEARS", "1")
    assert (await gql(APPLY, {"input": short}))["applyAsMentor"]["__typename"] == "MentorApplicationPayload"
    monkeypatch.setenv("MENTORMATCH_MIN_EXPERIENCE_YEARS", "8")
    longer = application([projects[0].id], n=2, totalYears=7, fieldYears=7)
    result = (await gql(APPLY, {"input": longer}))["applyAsMentor"]
    assert (result["code"], result["field"]) == ("EXPERIENCE_TOO_SHORT", "totalYears")
    assert "at least 8 years" in result["message"]


@pytest.mark.parametrize(
    "reference",
    [
        "javascript:alert(1)",
        "http://files.example/id.pdf",
        "https://",
        "../etc/passwd",
        "with space.pdf",
        " ",
    ],
)
async def test_document_references_are_urls_or_storage_keys(
    db: Backend, gql: GraphQLClient, reference: str
) -> None:
    _path, projects = await catalogue(1)
    mentor_id = (await gql(APPLY, {"input": application([projects[0].id])}))["applyAsMentor"]["application"][
        "mentorId"
    ]
    sent = (await gql(SEND, {"input": {"mentorId": mentor_id, "kind": "IDENTITY", "reference": reference}}))[
        "sendMentorDocument"
    ]
    assert (sent["code"], sent["field"]) == ("VALIDATION", "reference"), sent
    assert await MentorDocument.all().count() == 0


CREATE_PAIR = """
mutation($s: Int!, $m: Int!) {
  createMentorship(input: {studentId: $s, mentorId: $m, firstSessionAt: "2030-02-05T19:00"}) {
    __typename ... on UserError { code field message }
  }
}"""

ASSIGN = """
mutation($a: Int!, $m: Int!) {
  assignAssessor(input: {assessmentId: $a, mentorId: $m, startsAt: "2030-01-15T18:00"}) {
    __typename ... on UserError { code field message }
  }
}"""

UPDATE = """
mutation($id: Int!, $status: MentorStatus!) {
  updateMentor(input: {id: $id, status: $status}) { __typename ... on UserError { code field message } }
}"""


async def test_only_active_mentors_are_matched_or_assess(db: Backend, gql: GraphQLClient) -> None:
    path, projects = await catalogue(1)
    mentor_id = (await gql(APPLY, {"input": application([projects[0].id])}))["applyAsMentor"]["application"][
        "mentorId"
    ]
    s = await student(path, projects[0])
    refused = (await gql(CREATE_PAIR, {"s": s.id, "m": mentor_id}))["createMentorship"]
    assert (refused["code"], refused["field"]) == ("VALIDATION", "mentorId") and "applied" in refused[
        "message"
    ]

    await verify(s.id, projects[0].id)
    assessment = await Assessment.create(student_id=s.id, project_id=projects[0].id)
    not_assessor = (await gql(ASSIGN, {"a": assessment.id, "m": mentor_id}))["assignAssessor"]
    assert (not_assessor["code"], not_assessor["field"]) == ("VALIDATION", "mentorId")

    # Staff cannot skip onboarding by a profile change, nor create a mentor in an onboarding status.
    skip = (await gql(UPDATE, {"id": mentor_id, "status": "ACTIVE"}))["updateMentor"]
    assert (skip["code"], skip["field"]) == ("VALIDATION", "status")
    active = await mentor(projects, n=9)
    back = (await gql(UPDATE, {"id": active.id, "status": "APPLIED"}))["updateMentor"]
    assert (back["code"], back["field"]) == ("VALIDATION", "status")
    assert (await Mentor.get(id=mentor_id)).status is MentorStatus.APPLIED
    assert (await Mentor.get(id=active.id)).status is MentorStatus.ACTIVE


async def test_the_applicant_reads_and_writes_only_their_own(db: Backend, client: httpx.AsyncClient) -> None:
    _path, projects = await catalogue(1)
    gql = GraphQLClient(client)
    first = (await gql(APPLY, {"input": application([projects[0].id])}))["applyAsMentor"]["application"]
    second = (await gql(APPLY, {"input": application([projects[0].id], n=2)}))["applyAsMentor"]["application"]
    own = (await issue_token(Role.MENTOR, mentor_id=first["mentorId"]))[0]
    read = "query($m: Int!) { mentorApplication(mentorId: $m) { id } }"
    assert (await _as(client, own, read, {"m": first["mentorId"]}))["data"]["mentorApplication"] == {
        "id": first["id"]
    }
    assert (await _as(client, own, read, {"m": second["mentorId"]}))["data"]["mentorApplication"] is None
    foreign = await _as(
        client, own, SEND, {"input": {"mentorId": second["mentorId"], "kind": "IDENTITY", "reference": "k/1"}}
    )
    assert foreign["data"]["sendMentorDocument"]["__typename"] == "NotFoundError"
    queue = await _as(client, own, QUEUE, {"awaiting": False})
    assert queue["data"] is None or queue["data"]["mentorApplications"] is None
    # The applicant cannot review or activate themself (staff only).
    assert (await _as(client, own, ACTIVATE, {"m": first["mentorId"]}))["data"]["activateMentor"][
        "__typename"
    ] == "NotFoundError"
    assert await MentorDocument.all().count() == 0
    assert await MentorApplication.filter(activated_on__isnull=False).count() == 0


async def test_review_queue_is_paginated(db: Backend, gql: GraphQLClient) -> None:
    _path, projects = await catalogue(1)
    for n in range(1, 6):
        m = (await gql(APPLY, {"input": application([projects[0].id], n=n)}))["applyAsMentor"]["application"]
        if n != 3:  # the third sent nothing: not awaiting review
            await gql(SEND, {"input": {"mentorId": m["mentorId"], "kind": "IDENTITY", "reference": f"k/{n}"}})
    seen: list[int] = []
    after = None
    while True:
        page = (await gql(QUEUE, {"awaiting": True, "first": 2, "after": after}))["mentorApplications"]
        assert page["totalCount"] == 4
        seen += [e["node"]["id"] for e in page["edges"]]
        if not page["pageInfo"]["hasNextPage"]:
            break
        after = page["pageInfo"]["endCursor"]
    assert len(seen) == 4 and seen == sorted(seen)
    assert (await gql(QUEUE, {"awaiting": False}))["mentorApplications"]["totalCount"] == 5


async def test_runs_never_propose_an_applicant(db: Backend, gql: GraphQLClient) -> None:
    """The run's snapshot takes its mentors from the eligibility module: active ones only."""
    _path, projects = await catalogue(1)
    applicant = (await gql(APPLY, {"input": application([projects[0].id])}))["applyAsMentor"]["application"]
    active = await mentor(projects, n=9)
    today = date.today()
    candidates = await eligibility.candidate_mentors([projects[0].id], today, today)
    assert [m.id for m in candidates] == [active.id] != [applicant["mentorId"]]
