"""The access matrix, generated from the schema: every role x every query (and mutation) x own and
foreign objects. Reads: no object a role may not see appears in any response, and no private comment
reaches anyone but staff and the session's mentor. Writes: a refused mutation changes nothing."""

from __future__ import annotations

from typing import Any

import httpx

from api.app import create_app
from domain.models import Mentorship, Session
from schema.build import schema as sdl_schema
from tests.auth_world import ROLES, World, build_world, may_read
from tests.conftest import Backend
from tests.schema.access_probe import Unfillable, objects_in, probe

GRAPHQL = sdl_schema._schema


def sides(world: World, role: str) -> dict[str, dict[str, int]]:
    a = {"mentor": world.mentor_a.id, "student": world.student_a.id, "pair": world.pair_a.id}
    b = {"mentor": world.mentor_b.id, "student": world.student_b.id, "pair": world.pair_b.id}
    own, foreign = (b, a) if role.endswith("_b") else (a, b)
    return {"own": own, "foreign": foreign}


def ids_for(target: dict[str, int], return_type: str, sessions: dict[int, int]) -> dict[str, Any]:
    by_type = {
        "Mentor": target["mentor"],
        "Student": target["student"],
        "Mentorship": target["pair"],
        "Session": sessions[target["pair"]],
    }
    ids: dict[str, Any] = {
        "mentorId": target["mentor"],
        "studentId": target["student"],
        "mentorshipId": target["pair"],
        "sessionId": sessions[target["pair"]],
    }
    ids["id"] = by_type.get(return_type, target["mentor"])
    return ids


async def test_no_role_reads_what_is_not_theirs(db: Backend) -> None:
    world = await build_world()
    await Session.all().update(private_comment="private: confidential remark")
    session_of_pair = {s.mentorship_id: s.id for s in await Session.all()}
    pair_of_session = {s.id: s.mentorship_id for s in await Session.all()}
    mentor_of_pair = {p.id: p.mentor_id for p in await Mentorship.all()}
    app = create_app(db.settings, manage_database=False)
    query_type = GRAPHQL.query_type
    assert query_type is not None
    cases = violations = 0
    seen: dict[str, int] = dict.fromkeys(ROLES, 0)
    unfillable: list[str] = []
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://t") as http:
        for name, field in query_type.fields.items():
            return_type = getattr(getattr(field.type, "of_type", field.type), "name", "")
            for role in ROLES:
                token = world.tokens[role]
                headers = {"authorization": f"Bearer {token}"} if token else {}
                for side, target in sides(world, role).items():
                    try:
                        document = probe(
                            GRAPHQL, "Query", name, ids_for(target, return_type, session_of_pair)
                        )
                    except Unfillable as missing:
                        unfillable.append(f"Query.{name}({missing})")
                        continue
                    response = await http.post("/graphql", json={"query": document}, headers=headers)
                    cases += 1
                    assert response.status_code == 200, (name, role, response.text)
                    body = response.json()
                    for typename, obj_id, obj in objects_in(body.get("data")):
                        seen[role] += 1
                        allowed = (
                            may_read(world, role, "Mentorship", pair_of_session[obj_id])
                            if typename == "Session"
                            else may_read(world, role, typename, obj_id)
                        )
                        if not allowed:
                            violations += 1
                            print(f"LEAK {role} {side} Query.{name}: {typename} {obj_id}")
                        comment = obj.get("privateComment")
                        if typename == "Session" and comment:
                            mentor = mentor_of_pair[pair_of_session[obj_id]]
                            if role != "staff" and not (
                                role.startswith("mentor") and getattr(world, role).id == mentor
                            ):
                                violations += 1
                                print(f"PRIVATE COMMENT LEAK {role} Query.{name}: session {obj_id}")
    print(f"access matrix (reads): {cases} cases, {violations} unauthorized reads")
    assert not unfillable, f"add argument values for: {sorted(set(unfillable))}"
    assert cases >= len(query_type.fields) * len(ROLES)
    assert violations == 0
    # The probes do read: staff see much, each signed-in role sees its own objects, anonymous the catalogue.
    assert seen["staff"] >= seen["mentor_a"] > 0 and seen["student_a"] > 0 and seen["anonymous"] > 0
