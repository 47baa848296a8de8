"""The review of a run as pages (both databases): pairs by change kind, mentor or path; mentors' loads
fullest first; unplaced students by reason; figures that need no list; each page counted in the query cost.
The runs list reads no stored result nor snapshot; the old unpaged lists are refused when their real cost
is over the limit."""

from __future__ import annotations

from collections import Counter
from datetime import date, timedelta
from typing import Any

import httpx

from api.app import create_app
from domain.models import MatchingRun, Student
from domain.paris_time import week_monday
from domain.services import run_requests
from infra.settings import Settings
from jobs.tasks import run_matching
from tests.conftest import Backend, GraphQLClient, count_queries
from tests.jobs import programme
from tests.jobs.helpers import fresh_jobs

__all__ = ["fresh_jobs"]

WEEK = week_monday(date.today()) + timedelta(days=7)

FULL = """
query($id: UUID!) { matchingRun(id: $id) { proposal {
  pairs { studentId mentorId change currentMentorId }
  mentorLoads { mentorId capacity after overCapacity }
  unplaced { studentId reason }
} } }"""

PAIRS = """
query($id: UUID!, $change: PairChangeKind, $mentorId: Int, $pathId: Int, $first: Int, $after: String) {
  matchingRun(id: $id) { proposal {
    pairsPage(change: $change, mentorId: $mentorId, pathId: $pathId, first: $first, after: $after) {
      totalCount pageInfo { hasNextPage endCursor }
      edges { node { studentId mentorId change currentMentorId } }
    }
  } }
}"""

LOADS = """
query($id: UUID!, $first: Int, $after: String) { matchingRun(id: $id) { proposal {
  mentorLoadsPage(first: $first, after: $after) {
    totalCount pageInfo { hasNextPage endCursor } edges { node { mentorId capacity after overCapacity } }
  }
} } }"""

UNPLACED = """
query($id: UUID!, $reason: String, $first: Int, $after: String) { matchingRun(id: $id) { proposal {
  unplacedPage(reason: $reason, first: $first, after: $after) {
    totalCount pageInfo { hasNextPage endCursor } edges { node { studentId reason } }
  }
} } }"""

SUMMARY = """
query($id: UUID!) { matchingRun(id: $id) { proposal { summary {
  pairs unplaced mentors overCapacity
  pairsByChange { kind count } unplacedByReason { kind count }
  loadHistogram { fromPercent toPercent mentors }
} } } }"""


async def _run() -> str:
    """A run over a programme with more students than seats (some unplaced), some of them paired already."""
    await programme.build(60, 12, seed=5)
    run = await run_requests.start_run(
        run_requests.RunScope(), run_requests.RunOptions(time_limit_s=10, week=WEEK)
    )
    assert await run_matching({"job_try": 1}, str(run.id)) == "succeeded"
    return str(run.id)


async def _all(gql: GraphQLClient, query: str, field: str, **variables: Any) -> list[dict[str, Any]]:
    nodes: list[dict[str, Any]] = []
    after = None
    while True:
        data = await gql(query, {**variables, "first": 7, "after": after})
        page = data["matchingRun"]["proposal"][field]
        nodes += [e["node"] for e in page["edges"]]
        if not page["pageInfo"]["hasNextPage"]:
            assert page["totalCount"] == len(nodes)
            return nodes
        after = page["pageInfo"]["endCursor"]


async def test_the_review_pages_cover_the_lists_and_filter_them(gql: GraphQLClient) -> None:
    run_id = await _run()
    full = (await gql(FULL, {"id": run_id}))["matchingRun"]["proposal"]
    assert full["pairs"] and full["unplaced"]
    pairs = await _all(gql, PAIRS, "pairsPage", id=run_id)
    assert pairs == sorted(full["pairs"], key=lambda p: p["studentId"])
    assert await _all(gql, PAIRS, "pairsPage", id=run_id, change="NEW") == [
        p for p in pairs if p["change"] == "NEW"
    ]
    assert await _all(gql, PAIRS, "pairsPage", id=run_id, change="SAME") == []
    mentor_id = pairs[0]["mentorId"]
    assert await _all(gql, PAIRS, "pairsPage", id=run_id, mentorId=mentor_id) == [
        p for p in pairs if mentor_id in (p["mentorId"], p["currentMentorId"])
    ]
    path_id = (await Student.get(id=pairs[0]["studentId"])).path_id
    on_path = set(await Student.filter(path_id=path_id).values_list("id", flat=True))
    assert await _all(gql, PAIRS, "pairsPage", id=run_id, pathId=path_id) == [
        p for p in pairs if p["studentId"] in on_path
    ]

    loads = await _all(gql, LOADS, "mentorLoadsPage", id=run_id)
    assert sorted(loads, key=lambda m: m["mentorId"]) == sorted(
        full["mentorLoads"], key=lambda m: m["mentorId"]
    )
    fills = [m["after"] / m["capacity"] for m in loads]
    assert fills == sorted(fills, reverse=True)  # fullest first

    reason = full["unplaced"][0]["reason"]
    assert await _all(gql, UNPLACED, "unplacedPage", id=run_id, reason=reason) == sorted(
        (u for u in full["unplaced"] if u["reason"] == reason), key=lambda u: u["studentId"]
    )

    summary = (await gql(SUMMARY, {"id": run_id}))["matchingRun"]["proposal"]["summary"]
    assert summary["pairs"] == len(full["pairs"]) and summary["unplaced"] == len(full["unplaced"])
    assert {c["kind"]: c["count"] for c in summary["pairsByChange"]} == Counter(p["change"] for p in pairs)
    assert {c["kind"]: c["count"] for c in summary["unplacedByReason"]} == Counter(
        u["reason"] for u in full["unplaced"]
    )
    histogram = summary["loadHistogram"]
    assert sum(b["mentors"] for b in histogram) == summary["mentors"] == len(loads)
    assert histogram[-1] == {"fromPercent": 100, "toPercent": None, "mentors": sum(f >= 1 for f in fills)}


async def test_a_page_is_counted_in_the_query_cost(gql: GraphQLClient) -> None:
    run_id = await _run()
    small = await gql.raw(PAIRS, {"id": run_id, "first": 2})
    large = await gql.raw(PAIRS, {"id": run_id, "first": 40})
    small_cost, large_cost = (
        small["extensions"]["cost"]["requested"],
        large["extensions"]["cost"]["requested"],
    )
    assert large_cost > small_cost * 10


async def test_the_runs_list_reads_no_stored_result_nor_snapshot(gql: GraphQLClient) -> None:
    run_id = await _run()
    assert (await MatchingRun.get(id=run_id)).result is not None
    with count_queries() as counter:
        data = await gql("{ matchingRuns { id status } }")
    assert data["matchingRuns"] == [{"id": run_id, "status": "SUCCEEDED"}]
    reads = [q for q in counter.statements if "matching_run" in q]
    assert len(reads) == 1
    assert '"result"' not in reads[0] and '"snapshot"' not in reads[0] and '"status"' in reads[0]
    # A proposal asked for from the list loads its run in full.
    listed = await gql("{ matchingRuns { id proposal { summary { pairs } } staleChanges } }")
    assert listed["matchingRuns"][0]["proposal"]["summary"]["pairs"] > 0
    assert listed["matchingRuns"][0]["staleChanges"] is None


async def test_an_unpaged_list_over_the_cost_limit_is_refused(db: Backend, staff_token: str) -> None:
    run_id = await _run()
    pairs = len((await MatchingRun.get(id=run_id)).result["pairs"])  # type: ignore[index]
    # Counted before execution at an estimate of 20 items (cost 103 in all); each pair here costs 5.
    limit = 110
    assert pairs * 5 > limit
    settings = Settings(database_url=db.url, max_page_size=50, max_query_cost=limit)
    app = create_app(settings, manage_database=False)
    async with httpx.AsyncClient(
        transport=httpx.ASGITransport(app=app),
        base_url="http://testserver",
        headers={"authorization": f"Bearer {staff_token}"},
    ) as http:
        query = "query($id: UUID!) { matchingRun(id: $id) { proposal { pairs { studentId mentorId change slot { weekday } } } } }"
        body = (await http.post("/graphql", json={"query": query, "variables": {"id": run_id}})).json()
        assert body["data"]["matchingRun"]["proposal"] is None
        (error,) = body["errors"]
        assert "over the query cost limit" in error["message"] and "pairsPage" in error["message"]
        assert error["extensions"]["code"] == "COST_LIMIT"
        page = "query($id: UUID!) { matchingRun(id: $id) { proposal { pairsPage(first: 5) { edges { node { studentId } } } } } }"
        body = (await http.post("/graphql", json={"query": page, "variables": {"id": run_id}})).json()
        assert (
            "errors" not in body and len(body["data"]["matchingRun"]["proposal"]["pairsPage"]["edges"]) == 5
        )
