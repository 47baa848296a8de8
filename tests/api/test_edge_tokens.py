"""Revoking tokens: staff revoke any, a user their own (mutation and CLI); a revoked or expired token
is told UNAUTHENTICATED (HTTP 401), never served as anonymous."""

from __future__ import annotations

import os
import subprocess
import sys
from datetime import UTC, datetime, timedelta

import pytest

from domain.enums import Role
from domain.models import ApiToken
from domain.services.tokens import TOKEN_CACHE, hash_token, identify, issue_token, revoke_token
from tests.api.test_limits import client_for
from tests.auth_world import build_world
from tests.conftest import Backend

REVOKE = "mutation($id: Int!) { revokeToken(id: $id) { __typename ... on RevokeTokenPayload { token { id revokedAt } } ... on UserError { code } } }"
WHO = "{ viewer { role mentorId tokenId } }"


async def token_id(token: str) -> int:
    return (await ApiToken.get(token_hash=hash_token(token))).id


async def post(
    db: Backend, token: str | None, query: str, variables: dict[str, object] | None = None
) -> tuple[int, dict[str, object]]:
    async with client_for(db, token) as http:
        response = await http.post("/graphql", json={"query": query, "variables": variables or {}})
    return response.status_code, response.json()


async def test_viewer_names_its_token_and_a_user_revokes_their_own(db: Backend) -> None:
    world = await build_world()
    token = world.tokens["mentor_a"]
    assert token is not None
    status, who = await post(db, token, WHO)
    own = await token_id(token)
    assert status == 200 and who["data"] == {
        "viewer": {"role": "mentor", "mentorId": world.mentor_a.id, "tokenId": own}
    }
    status, revoked = await post(db, token, REVOKE, {"id": own})
    assert revoked["data"]["revokeToken"]["__typename"] == "RevokeTokenPayload"  # type: ignore[index]
    status, after = await post(db, token, WHO)
    assert status == 401
    assert after["errors"][0]["extensions"]["code"] == "UNAUTHENTICATED"  # type: ignore[index]


async def test_a_user_cannot_revoke_someone_elses_token_but_staff_can(db: Backend) -> None:
    world = await build_world()
    other = world.tokens["mentor_b"]
    assert other is not None and world.tokens["student_a"] is not None
    target = await token_id(other)
    _, refused = await post(db, world.tokens["student_a"], REVOKE, {"id": target})
    assert refused["data"]["revokeToken"] == {"__typename": "NotFoundError", "code": "NOT_FOUND"}  # type: ignore[index]
    assert (await post(db, other, WHO))[0] == 200
    _, done = await post(db, world.tokens["staff"], REVOKE, {"id": target})
    assert done["data"]["revokeToken"]["__typename"] == "RevokeTokenPayload"  # type: ignore[index]
    assert (await post(db, other, WHO))[0] == 401
    # A second revocation changes nothing and still answers the token.
    _, again = await post(db, world.tokens["staff"], REVOKE, {"id": target})
    assert again["data"]["revokeToken"]["__typename"] == "RevokeTokenPayload"  # type: ignore[index]


async def test_anonymous_callers_cannot_revoke(db: Backend) -> None:
    staff, row = await issue_token(Role.STAFF)
    _, body = await post(db, None, REVOKE, {"id": row.id})
    assert body["data"]["revokeToken"] == {"__typename": "NotFoundError", "code": "NOT_FOUND"}  # type: ignore[index]
    assert (await post(db, staff, WHO))[0] == 200


async def test_an_expired_token_gets_401(db: Backend) -> None:
    token, row = await issue_token(Role.STAFF)
    await ApiToken.filter(id=row.id).update(expires_at=datetime.now(UTC) - timedelta(seconds=1))
    status, body = await post(db, token, "{ matchingRuns { id } }")
    assert status == 401 and body["data"] is None
    assert body["errors"][0]["extensions"]["code"] == "UNAUTHENTICATED"  # type: ignore[index]


async def test_a_cached_token_still_expires_on_time_and_stops_at_once_when_revoked_here(db: Backend) -> None:
    token, row = await issue_token(Role.MENTOR, mentor_id=(await build_world()).mentor_a.id)
    first = await identify(token, max_age_s=60)
    assert first is not None and first.token_id == row.id
    # Expiry is checked on every use, cached or not.
    assert await identify(token, max_age_s=60, now=row.expires_at) is None
    assert await identify(token, max_age_s=60) == first
    # Revoked by this process: refused at once, whatever the cache's age.
    await revoke_token(row.id)
    assert await identify(token, max_age_s=60) is None
    assert (await post(db, token, WHO))[0] == 401


async def test_a_token_revoked_elsewhere_is_refused_once_the_cache_age_has_passed(
    db: Backend, monkeypatch: pytest.MonkeyPatch
) -> None:
    token, row = await issue_token(Role.STAFF)
    assert await identify(token, max_age_s=60) is not None
    # Another process revokes it (a plain UPDATE, as `mentormatch token revoke` elsewhere would).
    await ApiToken.filter(id=row.id).update(revoked_at=datetime.now(UTC))
    assert await identify(token, max_age_s=0) is None  # no cache: seen at once
    assert await identify(token, max_age_s=60) is not None  # within the stated bound: still trusted
    later = TOKEN_CACHE.clock() + 60.001
    monkeypatch.setattr(TOKEN_CACHE, "clock", lambda: later)
    assert await identify(token, max_age_s=60) is None


def cli(db: Backend, *args: str) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "DATABASE_URL": db.url}
    env.pop("REDIS_URL", None)
    return subprocess.run(
        [sys.executable, "-m", "api.cli", "token", *args],
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )


async def test_the_cli_prints_the_id_it_issued_and_revokes_by_id(
    db: Backend, monkeypatch: pytest.MonkeyPatch
) -> None:
    issued = cli(db, "--role", "staff")
    assert issued.returncode == 0, issued.stderr
    token = issued.stdout.strip()
    row = await ApiToken.get(token_hash=hash_token(token))
    assert f"token id {row.id}" in issued.stderr
    assert (await post(db, token, WHO))[0] == 200
    revoked = cli(db, "revoke", str(row.id))
    assert revoked.returncode == 0, revoked.stderr
    assert f"token {row.id} revoked" in revoked.stdout
    # Revoked by another process: this one trusted the token for at most token_cache_s seconds
    # (TokenCache); once that age has passed (the cache's clock moved past it) the token is refused.
    bound = db.settings.token_cache_s
    later = TOKEN_CACHE.clock() + bound + 0.001
    monkeypatch.setattr(TOKEN_CACHE, "clock", lambda: later)
    assert (await post(db, token, WHO))[0] == 401


@pytest.mark.parametrize(
    ("args", "says"),
    [(["revoke"], "needs the token's id"), ([], "--role"), (["revoke", "999999"], "does not exist")],
)
async def test_the_cli_says_what_is_missing(db: Backend, args: list[str], says: str) -> None:
    result = cli(db, *args)
    assert result.returncode == 2 and says in result.stderr
