"""The write half of the access matrix: every mutation in the schema x every role x own and foreign
targets. A refused write answers like a missing object and changes nothing in the database."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import httpx
import pytest
from tortoise import Tortoise

from api.app import create_app
from domain.models import ApiToken, Session
from domain.services.tokens import hash_token
from schema.build import schema as sdl_schema
from tests.auth_world import ROLES, World, build_world
from tests.conftest import Backend

# Hard-coded programme dates (December 2026, 2027): run at the instant they were written for.
pytestmark = pytest.mark.usefixtures("programme_clock")

TABLES = [
    "path",
    "project",
    "mentor",
    "student",
    "mentor_availability",
    "student_availability",
    "mentorship",
    "session",
    "matching_run",
    "mentor_project",
    "mentor_path",
    "mentor_absence",
    "handover",
    "assessment",
    "api_token",
    "mentor_application",
    "mentor_document",
    "project_submission",
    "certification",
    "notification_preference",
]

Target = dict[str, int]
Probe = Callable[[Target], tuple[str, dict[str, Any]]]

# One probe per mutation: the document and its variables for a target (own or foreign objects).
PROBES: dict[str, Probe] = {
    "createPath": lambda t: ('mutation { createPath(input: {name: "New path"}) { __typename } }', {}),
    "updatePath": lambda t: ('mutation { updatePath(input: {id: 1, name: "Renamed"}) { __typename } }', {}),
    "createProject": lambda t: (
        'mutation { createProject(input: {pathId: 1, name: "New"}) { __typename } }',
        {},
    ),
    "updateProject": lambda t: ("mutation { updateProject(input: {id: 1, level: 3}) { __typename } }", {}),
    "createMentor": lambda t: (
        'mutation { createMentor(input: {name: "N", email: "n@example.org", capacity: 3, '
        'projectIds: [1], startDate: "2026-01-05"}) { __typename } }',
        {},
    ),
    "updateMentor": lambda t: (
        "mutation($id: Int!) { updateMentor(input: {id: $id, capacity: 7}) { __typename } }",
        {"id": t["mentor"]},
    ),
    "createStudent": lambda t: (
        'mutation { createStudent(input: {name: "S", email: "s@example.org", pathId: 1, '
        "currentProjectId: 1}) { __typename } }",
        {},
    ),
    "updateStudent": lambda t: (
        'mutation($id: Int!) { updateStudent(input: {id: $id, phone: "+33 1"}) { __typename } }',
        {"id": t["student"]},
    ),
    "setMentorAvailability": lambda t: (
        "mutation($id: Int!) { setMentorAvailability(mentorId: $id, windows: "
        '[{weekday: 5, start: "09:00", end: "12:00"}]) { __typename } }',
        {"id": t["mentor"]},
    ),
    "setStudentAvailability": lambda t: (
        "mutation($id: Int!) { setStudentAvailability(studentId: $id, windows: "
        '[{weekday: 5, start: "09:00", end: "12:00"}]) { __typename } }',
        {"id": t["student"]},
    ),
    "createMentorship": lambda t: (
        "mutation($s: Int!, $m: Int!) { createMentorship(input: {studentId: $s, "
        'mentorId: $m, firstSessionAt: "2026-12-01T10:00"}) { __typename } }',
        {"s": 3, "m": t["mentor"]},
    ),
    "startRun": lambda t: ("mutation { startRun(input: {timeLimitS: 1}) { __typename } }", {}),
    "cancelRun": lambda t: (
        'mutation { cancelRun(id: "00000000-0000-0000-0000-000000000001") { __typename } }',
        {},
    ),
    "publishRun": lambda t: (
        'mutation { publishRun(input: {runId: "00000000-0000-0000-0000-000000000001"}) { __typename } }',
        {},
    ),
    "bookSession": lambda t: (
        "mutation($p: Int!) { bookSession(input: {mentorshipId: $p, startsAt: "
        '"2026-12-08T19:00"}) { __typename } }',
        {"p": t["pair"]},
    ),
    "scheduleSeries": lambda t: (
        "mutation($p: Int!) { scheduleSeries(input: {mentorshipId: $p, firstWeek: "
        '"2026-12-07", weeks: 2}) { __typename } }',
        {"p": t["pair"]},
    ),
    "rescheduleSession": lambda t: (
        "mutation($id: Int!) { rescheduleSession(input: {id: $id, startsAt: "
        '"2026-12-02T11:00"}) { __typename } }',
        {"id": t["session"]},
    ),
    "cancelSession": lambda t: (
        "mutation($id: Int!) { cancelSession(id: $id) { __typename } }",
        {"id": t["session"]},
    ),
    "setSessionStatus": lambda t: (
        "mutation($id: Int!) { setSessionStatus(input: {id: $id, status: CANCELLED}) { __typename } }",
        {"id": t["session"]},
    ),
    "endSession": lambda t: (
        "mutation($id: Int!) { endSession(input: {id: $id, status: COMPLETED}) { __typename } }",
        {"id": t["session"]},
    ),
    "updateSessionNotes": lambda t: (
        'mutation($id: Int!) { updateSessionNotes(input: {id: $id, notes: "n", '
        'privateComment: "p"}) { __typename } }',
        {"id": t["session"]},
    ),
    "setDiscoveryNotes": lambda t: (
        'mutation($id: Int!) { setDiscoveryNotes(input: {sessionId: $id, goals: "g"}) { __typename } }',
        {"id": t["session"]},
    ),
    "rotateCalendarFeed": lambda t: (
        "mutation($id: Int!) { rotateCalendarFeed(input: {owner: MENTOR, ownerId: $id}) { __typename } }",
        {"id": t["mentor"]},
    ),
    "giveNotice": lambda t: (
        'mutation($id: Int!) { giveNotice(input: {mentorId: $id, lastDay: "2027-06-30"}) { __typename } }',
        {"id": t["mentor"]},
    ),
    "withdrawNotice": lambda t: (
        "mutation($id: Int!) { withdrawNotice(mentorId: $id) { __typename } }",
        {"id": t["mentor"]},
    ),
    "requestMentorChange": lambda t: (
        "mutation($p: Int!) { requestMentorChange(input: {mentorshipId: $p, proposeReplacement: true}) "
        "{ __typename } }",
        {"p": t["pair"]},
    ),
    "addMentorPath": lambda t: (
        "mutation($id: Int!) { addMentorPath(input: {mentorId: $id, pathId: 1, override: true, "
        'overrideReason: "r"}) { __typename } }',
        {"id": t["mentor"]},
    ),
    "recordAbsence": lambda t: (
        'mutation($m: Int!) { recordAbsence(input: {mentorId: $m, startsOn: "2027-03-01", '
        'endsOn: "2027-03-31"}) { __typename } }',
        {"m": t["mentor"]},
    ),
    # No absence in the world: tests/schema/test_absences.py probes cancelAbsence on real ones.
    "cancelAbsence": lambda t: ("mutation { cancelAbsence(id: 1) { __typename } }", {}),
    "finishProject": lambda t: (
        "mutation($s: Int!) { finishProject(input: {studentId: $s}) { __typename } }",
        {"s": t["student"]},
    ),
    "assignAssessor": lambda t: (
        "mutation($m: Int!) { assignAssessor(input: {assessmentId: 1, mentorId: $m, "
        'startsAt: "2026-12-03T10:00"}) { __typename } }',
        {"m": t["mentor"]},
    ),
    "autoAssignAssessor": lambda t: ("mutation { autoAssignAssessor(assessmentId: 1) { __typename } }", {}),
    "recordAssessmentResult": lambda t: (
        "mutation { recordAssessmentResult(input: {id: 1, passed: true}) { __typename } }",
        {},
    ),
    "cancelAssessment": lambda t: ("mutation { cancelAssessment(input: {id: 1}) { __typename } }", {}),
    # Someone else's token (staff's); revoking one's own is in tests/api/test_edge_tokens.py.
    "revokeToken": lambda t: (
        "mutation($id: Int!) { revokeToken(id: $id) { __typename } }",
        {"id": t["token"]},
    ),
    "applyAsMentor": lambda t: (
        'mutation { applyAsMentor(input: {name: "A", email: "a@example.org", capacity: 3, projectIds: [1], '
        "totalYears: 6, fieldYears: 3}) { __typename } }",
        {},
    ),
    "sendMentorDocument": lambda t: (
        "mutation($m: Int!) { sendMentorDocument(input: {mentorId: $m, kind: IDENTITY, "
        'reference: "k/1"}) { __typename } }',
        {"m": t["mentor"]},
    ),
    "reviewMentorDocument": lambda t: (
        "mutation { reviewMentorDocument(input: {documentId: 1, accepted: true}) { __typename } }",
        {},
    ),
    "signMentorContract": lambda t: (
        'mutation($m: Int!) { signMentorContract(input: {mentorId: $m, signedOn: "2026-01-05"}) '
        "{ __typename } }",
        {"m": t["mentor"]},
    ),
    "activateMentor": lambda t: (
        "mutation($m: Int!) { activateMentor(mentorId: $m) { __typename } }",
        {"m": t["mentor"]},
    ),
    "declineMentorApplication": lambda t: (
        'mutation($m: Int!) { declineMentorApplication(input: {mentorId: $m, reason: "r"}) { __typename } }',
        {"m": t["mentor"]},
    ),
    "markProjectSubmitted": lambda t: (
        "mutation($s: Int!) { markProjectSubmitted(input: {studentId: $s, projectId: 1}) { __typename } }",
        {"s": t["student"]},
    ),
    "verifyProject": lambda t: (
        "mutation($s: Int!) { verifyProject(studentId: $s, projectId: 1) { __typename } }",
        {"s": t["student"]},
    ),
    "setPresentationRecording": lambda t: (
        'mutation { setPresentationRecording(input: {assessmentId: 1, recording: "k/r"}) { __typename } }',
        {},
    ),
    "recordPanelDecision": lambda t: (
        'mutation($s: Int!) { recordPanelDecision(input: {studentId: $s, decision: CERTIFIED, reason: "r"}) '
        "{ __typename } }",
        {"s": t["student"]},
    ),
    "setVideoLink": lambda t: (
        'mutation($p: Int!) { setVideoLink(input: {mentorshipId: $p, url: "https://x.example/"}) '
        "{ __typename } }",
        {"p": t["pair"]},
    ),
    # No target: the viewer's own preference (a mentor's or a student's on both sides; anonymous is refused).
    "setNotificationEmail": lambda t: (
        "mutation { setNotificationEmail(kind: SESSION_REMINDER, email: false) { __typename } }",
        {},
    ),
}

# The write rules, written out independently of schema.policies: (role kind, mutation) -> own only.
OWN_WRITES = {
    "mentor": {
        "updateMentor",
        "setMentorAvailability",
        "bookSession",
        "scheduleSeries",
        "rescheduleSession",
        "cancelSession",
        "setSessionStatus",
        "endSession",
        "updateSessionNotes",
        "setDiscoveryNotes",
        "rotateCalendarFeed",
        "giveNotice",
        "withdrawNotice",
        "requestMentorChange",
        "addMentorPath",
        "recordAbsence",
        "cancelAbsence",
        "updateStudent",  # R10: their current student's profile
        # The applicant's own documents; the mentor of the student verifies projects; the mentor's video tool.
        "sendMentorDocument",
        "markProjectSubmitted",
        "verifyProject",
        "setVideoLink",
    },
    "student": {"updateStudent", "setStudentAvailability", "requestMentorChange"},
}
# Writes without a target, on the viewer's own rows whatever the side.
SELF_WRITES = {"mentor": {"setNotificationEmail"}, "student": {"setNotificationEmail"}}


def allowed(role: str, mutation: str, side: str) -> bool:
    if role == "staff":
        return True
    kind = role.split("_")[0]
    if mutation in SELF_WRITES.get(kind, set()):
        return True
    return side == "own" and mutation in OWN_WRITES.get(kind, set())


async def snapshot() -> list[Any]:
    conn = Tortoise.get_connection("default")
    return [await conn.execute_query_dict(f'SELECT * FROM "{table}" ORDER BY 1') for table in TABLES]


async def test_refused_writes_change_nothing(db: Backend) -> None:
    world: World = await build_world()
    sessions = {s.mentorship_id: s.id for s in await Session.all()}
    staff_token = world.tokens["staff"]
    assert staff_token is not None
    staff_token_id = (await ApiToken.get(token_hash=hash_token(staff_token))).id
    a = {
        "mentor": world.mentor_a.id,
        "student": world.student_a.id,
        "pair": world.pair_a.id,
        "session": sessions[world.pair_a.id],
        "token": staff_token_id,
    }
    b = {
        "mentor": world.mentor_b.id,
        "student": world.student_b.id,
        "pair": world.pair_b.id,
        "session": sessions[world.pair_b.id],
        "token": staff_token_id,
    }
    mutation_type = sdl_schema._schema.mutation_type
    assert mutation_type is not None
    missing = sorted(set(mutation_type.fields) - set(PROBES))
    assert not missing, f"add a write probe for: {missing}"
    app = create_app(db.settings, manage_database=False)
    cases = unauthorized = 0
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://t") as http:
        for name in mutation_type.fields:
            for role in ROLES:
                if role == "staff":
                    continue  # staff may do everything; their writes would change the world for the others
                own, foreign = (b, a) if role.endswith("_b") else (a, b)
                for side, target in (("own", own), ("foreign", foreign)):
                    if allowed(role, name, side):
                        continue
                    token = world.tokens[role]
                    headers = {"authorization": f"Bearer {token}"} if token else {}
                    document, variables = PROBES[name](target)
                    before = await snapshot()
                    body = (
                        await http.post(
                            "/graphql", json={"query": document, "variables": variables}, headers=headers
                        )
                    ).json()
                    cases += 1
                    after = await snapshot()
                    result = (body.get("data") or {}).get(name)
                    refused = (result == {"__typename": "NotFoundError"}) or (
                        result is None
                        and body.get("errors", [{}])[0].get("extensions", {}).get("code")
                        in {"NOT_FOUND", "UNAUTHENTICATED"}
                    )
                    if before != after or not refused:
                        unauthorized += 1
                        print(f"WRITE {role} {side} {name}: {body}")
    print(f"access matrix (writes): {cases} refused cases, {unauthorized} unauthorized writes")
    assert cases > len(mutation_type.fields) * 4
    assert unauthorized == 0


# Field-level writes on one's own profile (schema.policies): (role, mutation, input fields, allowed).
# Students do not set the school's records of them (funding and its weekdays, R11; status); a mentor pauses
# and comes back, but leaves only through the notice (R6) and is brought back only by staff.
FIELD_CASES: list[tuple[str, str, str, bool]] = [
    ("student_a", "updateStudent", "funding: EMPLOYER", False),
    ("student_a", "updateStudent", "allowedWeekdays: [0, 1]", False),
    ("student_a", "updateStudent", "status: JOB_SEEKER", False),
    ("student_a", "updateStudent", 'phone: "+33 6", funding: APPRENTICESHIP', False),
    ("student_a", "updateStudent", 'phone: "+33 6 00"', True),
    ("mentor_a", "updateMentor", "status: LEFT", False),
    ("mentor_a", "updateMentor", "status: PAUSED", True),
    ("mentor_a", "updateMentor", "status: ACTIVE", True),
    ("staff", "updateMentor", "status: LEFT", True),
    ("mentor_a", "updateMentor", "status: ACTIVE", False),
    ("mentor_a", "updateMentor", "status: PAUSED", False),
    ("mentor_a", "updateMentor", "capacity: 4", True),
    ("staff", "updateMentor", "status: ACTIVE", True),
    ("staff", "updateStudent", "funding: EMPLOYER, allowedWeekdays: [0, 1], status: JOB_SEEKER", True),
]


async def test_fields_only_staff_may_set(db: Backend) -> None:
    world: World = await build_world()
    ids = {"updateStudent": world.student_a.id, "updateMentor": world.mentor_a.id}
    app = create_app(db.settings, manage_database=False)
    wrong = []
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://t") as http:
        for role, mutation, fields, allowed_write in FIELD_CASES:
            document = f"mutation($id: Int!) {{ {mutation}(input: {{id: $id, {fields}}}) {{ __typename }} }}"
            before = await snapshot()
            body = (
                await http.post(
                    "/graphql",
                    json={"query": document, "variables": {"id": ids[mutation]}},
                    headers={"authorization": f"Bearer {world.tokens[role]}"},
                )
            ).json()
            changed = before != await snapshot()
            kind = body["data"][mutation]["__typename"]
            ok = (
                kind.endswith("Payload") and changed
                if allowed_write
                else kind == "NotFoundError" and not changed
            )
            if not ok:
                wrong.append((role, mutation, fields, body))
    assert not wrong, wrong
