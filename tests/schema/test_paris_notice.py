"""The DST notice of ``parisAvailability``: who it speaks to, and why the windows moved."""

from __future__ import annotations

from typing import Any

import httpx

from domain.enums import Role
from domain.services.tokens import issue_token
from tests import factories
from tests.conftest import Backend, GraphQLClient

QUERY = """query($id: Int!, $week: Date!) {
  mentor(id: $id) { parisAvailability(week: $week) { shiftMinutes notice } }
}"""


async def notice(client: httpx.AsyncClient, token: str, mentor_id: int, week: str) -> dict[str, Any]:
    gql = GraphQLClient(client)
    client.headers["authorization"] = f"Bearer {token}"
    data = await gql(QUERY, {"id": mentor_id, "week": week})
    week_data: dict[str, Any] = data["mentor"]["parisAvailability"]
    return week_data


async def test_staff_read_of_the_mentor_the_mentor_reads_your(
    db: Backend, client: httpx.AsyncClient, staff_token: str
) -> None:
    _path, projects = await factories.catalogue()
    montreal = await factories.mentor(projects, tz="America/Montreal")
    own, _ = await issue_token(Role.MENTOR, mentor_id=montreal.id)
    # 2026-03-09: Montreal changed clocks on 8 March, Paris changes on 29 March.
    staff_view = await notice(client, staff_token, montreal.id, "2026-03-10")
    assert staff_view["shiftMinutes"] == -60
    assert staff_view["notice"].startswith(
        "This week the mentor's windows in America/Montreal fall 60 minutes"
    )
    assert "your" not in staff_view["notice"]
    assert "change clocks on different dates" in staff_view["notice"]
    mentor_view = await notice(client, own, montreal.id, "2026-03-10")
    assert mentor_view["notice"].startswith("This week your windows in America/Montreal")


async def test_a_zone_without_dst_is_not_said_to_change_clocks(
    db: Backend, client: httpx.AsyncClient, staff_token: str
) -> None:
    _path, projects = await factories.catalogue()
    tokyo = await factories.mentor(projects, tz="Asia/Tokyo")
    summer = await notice(client, staff_token, tokyo.id, "2026-06-15")
    assert summer["shiftMinutes"] == 60
    assert "change clocks on different dates" not in summer["notice"]
    assert "Europe/Paris is on summer time and Asia/Tokyo does not change clocks" in summer["notice"]
    winter = await notice(client, staff_token, tokyo.id, "2026-01-12")
    assert winter == {"shiftMinutes": 0, "notice": None}
