"""Bearer tokens over HTTP: who is who, expiry and revocation, and a refused object looks missing."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

import httpx
import pytest

from api.app import create_app
from domain.enums import Role
from domain.errors import ValidationFailed
from domain.models import ApiToken, Mentor
from domain.services.tokens import authenticate, hash_token, issue_token, revoke_token
from tests.auth_world import build_world
from tests.conftest import Backend


async def post(
    db: Backend, query: str, token: str | None, variables: dict[str, object] | None = None
) -> dict:
    app = create_app(db.settings, manage_database=False)
    headers = {"authorization": f"Bearer {token}"} if token else {}
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://t") as http:
        response = await http.post(
            "/graphql", json={"query": query, "variables": variables or {}}, headers=headers
        )
    assert response.status_code == 200, response.text
    body: dict = response.json()
    return body


async def test_tokens_are_stored_hashed_and_expire_and_revoke(db: Backend) -> None:
    world = await build_world()
    token = world.tokens["mentor_a"]
    assert token is not None
    row = await ApiToken.get(token_hash=hash_token(token))
    assert token not in {row.token_hash, row.label}
    viewer = await authenticate(token)
    assert (viewer.role, viewer.mentor_id) == (Role.MENTOR, world.mentor_a.id)
    assert not (await authenticate(token, now=datetime.now(UTC) + timedelta(days=31))).is_authenticated
    await revoke_token(row.id)
    assert not (await authenticate(token)).is_authenticated
    assert not (await authenticate("mm_forged")).is_authenticated
    with pytest.raises(ValidationFailed):
        await issue_token(Role.MENTOR)


async def test_viewer_query_says_who_the_token_is(db: Backend) -> None:
    world = await build_world()
    body = await post(db, "{ viewer { role mentorId studentId } }", world.tokens["student_b"])
    assert body["data"]["viewer"] == {"role": "student", "mentorId": None, "studentId": world.student_b.id}
    anon = await post(db, "{ viewer { role } }", None)
    assert anon["data"]["viewer"] == {"role": None}


async def test_anonymous_reads_only_the_catalogue(db: Backend) -> None:
    await build_world()
    catalogue = await post(db, "{ paths { totalCount } projects { totalCount } }", None)
    assert catalogue["data"] == {"paths": {"totalCount": 1}, "projects": {"totalCount": 2}}
    refused = await post(db, "{ mentors { totalCount } }", None)
    assert refused["data"] is None
    assert refused["errors"][0]["extensions"]["code"] == "UNAUTHENTICATED"


async def test_foreign_object_looks_exactly_like_a_missing_one(db: Backend) -> None:
    world = await build_world()
    query = "query($id: Int!) { mentor(id: $id) { id email } student(id: $id) { id phone } }"
    foreign = await post(db, query, world.tokens["mentor_a"], {"id": world.mentor_b.id})
    missing = await post(db, query, world.tokens["mentor_a"], {"id": 999_999})
    assert foreign == missing
    assert foreign["data"] == {"mentor": None, "student": None}


async def test_refused_write_looks_like_not_found_and_changes_nothing(db: Backend) -> None:
    world = await build_world()
    mutation = """mutation($id: Int!) { updateMentor(input: {id: $id, capacity: 2}) {
        __typename ... on UserError { code } } }"""
    foreign = await post(db, mutation, world.tokens["mentor_a"], {"id": world.mentor_b.id})
    missing = await post(db, mutation, world.tokens["staff"], {"id": 999_999})
    assert (
        foreign["data"]["updateMentor"]
        == missing["data"]["updateMentor"]
        == {"__typename": "NotFoundError", "code": "NOT_FOUND"}
    )
    assert (await Mentor.get(id=world.mentor_b.id)).capacity == 5
    own = await post(db, mutation, world.tokens["mentor_a"], {"id": world.mentor_a.id})
    assert own["data"]["updateMentor"]["__typename"] == "MentorPayload"
    assert (await Mentor.get(id=world.mentor_a.id)).capacity == 2


@pytest.mark.usefixtures("programme_clock")  # books a session on a hard-coded day of December 2026
async def test_mentor_books_for_own_mentorship_only_and_reads_own_statement(db: Backend) -> None:
    world = await build_world()
    book = """mutation($p: Int!) { bookSession(input: {mentorshipId: $p, startsAt: "2026-12-08T19:00"}) {
        __typename } }"""
    own = await post(db, book, world.tokens["mentor_a"], {"p": world.pair_a.id})
    foreign = await post(db, book, world.tokens["mentor_a"], {"p": world.pair_b.id})
    assert own["data"]["bookSession"]["__typename"] == "SessionPayload"
    assert foreign["data"]["bookSession"]["__typename"] == "NotFoundError"
    app = create_app(db.settings, manage_database=False)
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://t") as http:

        def get(token: str | None, mentor_id: int) -> Any:
            headers = {"authorization": f"Bearer {token}"} if token else {}
            return http.get(f"/statements/{mentor_id}/2026-11.csv", headers=headers)

        assert (await get(world.tokens["mentor_a"], world.mentor_a.id)).status_code == 200
        assert (await get(world.tokens["mentor_a"], world.mentor_b.id)).status_code == 404
        assert (await get(world.tokens["student_a"], world.mentor_a.id)).status_code == 404
        assert (await get(None, world.mentor_a.id)).status_code == 401


async def test_concurrent_root_fields_all_see_the_signed_in_viewer(db: Backend) -> None:
    """Root fields of a query resolve concurrently; each must see the token's viewer, never anonymous."""
    world = await build_world()
    query = '{ viewer { role } mentors { totalCount } students { totalCount } sessions(week: "2026-11-25") { totalCount } }'
    body = await post(db, query, world.tokens["mentor_a"])
    assert "errors" not in body, body
    assert body["data"]["viewer"] == {"role": "mentor"}
    assert body["data"]["mentors"]["totalCount"] == 1 and body["data"]["students"]["totalCount"] == 1
