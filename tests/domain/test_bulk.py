"""The set-based helpers a published run writes and reads with (``domain.bulk``), on both databases:
columns of one value throughout (sent once on PostgreSQL), a batch of one row, and reads by id lists that
give the same objects as the ORM's querysets."""

from __future__ import annotations

from datetime import UTC, date, datetime

from domain.bulk import insert_rows, literals, models_in, select_in
from domain.enums import MentorStatus
from domain.models import Event, Mentor, Mentorship
from tests.conftest import Backend
from tests.factories import catalogue, mentor, student


async def test_constant_columns_one_row_and_nulls_are_written_as_given(db: Backend) -> None:
    at = datetime(2026, 12, 1, 8, 30, 15, 123456, tzinfo=UTC)
    shared = {"a": 1, "b": [1, 2], "c": "x'y"}
    ids = await insert_rows(
        "event",
        ("topic", "kind", "payload", "created_at"),
        [(f"mentor:{i}", "k", shared, at) for i in range(3)] + [("student:9", "other", {"z": None}, at)],
        returning=("id", "topic"),
    )
    assert sorted(topic for _, topic in ids) == ["mentor:0", "mentor:1", "mentor:2", "student:9"]
    rows = {e.topic: e for e in await Event.all()}
    assert {t: (e.kind, e.payload, e.created_at) for t, e in rows.items()} == {
        **{f"mentor:{i}": ("k", shared, at) for i in range(3)},
        "student:9": ("other", {"z": None}, at),
    }
    # One row: every column is "constant".
    [(one, topic)] = await insert_rows(
        "event",
        ("topic", "kind", "payload", "created_at"),
        [("run:1", "k", {}, at)],
        returning=("id", "topic"),
    )
    assert topic == "run:1" and (await Event.get(id=one)).payload == {}

    path, projects = await catalogue(1)
    m = await mentor(projects)
    students = [await student(path, projects[0], n=i) for i in range(2)]
    await insert_rows(
        "mentorship",
        ("student_id", "mentor_id", "slot_weekday", "slot_start_minute", "slot_minutes", "started_on",
         "run_id", "video_url", "created_at", "updated_at"),
        [(s.id, m.id, 1, 1140, 45, date(2026, 12, 8), None, "", at, at) for s in students],
    )  # fmt: skip
    pairs = await Mentorship.filter(mentor_id=m.id).order_by("student_id")
    assert [(p.student_id, p.run_id, p.ended_on, p.started_on) for p in pairs] == [
        (s.id, None, None, date(2026, 12, 8)) for s in students
    ]


async def test_reads_by_id_lists_give_what_the_querysets_give(db: Backend) -> None:
    _, projects = await catalogue(2)
    mentors = [await mentor(projects[: 1 + i % 2], n=i) for i in range(4)]
    await Mentor.filter(id=mentors[1].id).update(status=MentorStatus.PAUSED, last_day=date(2027, 1, 31))
    ids = [m.id for m in mentors] + [10**6]  # a missing id is left out

    def fields(m: Mentor) -> dict[str, object]:
        return {name: getattr(m, name) for name in Mentor._meta.db_fields}

    expected = [fields(m) for m in await Mentor.filter(id__in=ids).order_by("id")]
    read = await models_in(Mentor, '"id" {ids}', ids, order_by='"id"')
    assert [fields(m) for m in read] == expected
    assert read[1].status is MentorStatus.PAUSED and read[1].last_day == date(2027, 1, 31)
    assert await models_in(Mentor, '"id" {ids}', []) == []

    paused = await select_in(
        f'SELECT "id" FROM "mentor" WHERE "id" {{ids}} AND "status" IN ({literals([MentorStatus.PAUSED])})',
        ids,
    )
    assert [int(r["id"]) for r in paused] == [mentors[1].id]
    links = await select_in(
        'SELECT "mentor_id", "project_id" FROM "mentor_project" WHERE "mentor_id" {ids}', ids
    )
    assert sorted((int(r["mentor_id"]), int(r["project_id"])) for r in links) == sorted(
        (m.id, p.id) for i, m in enumerate(mentors) for p in projects[: 1 + i % 2]
    )
    assert literals(["it's"]) == "'it''s'"
