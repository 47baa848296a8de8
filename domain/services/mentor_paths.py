"""R3: the paths a mentor mentors on. A mentor starts on one path (recorded when the mentor is created);
another path can be added after three months of mentoring, or earlier by a staff override, which is
recorded with its reason. A mentor lists only projects of their paths (checked on every project list).

The rule is enforced by the services: rows inserted directly (the demo seed, test programmes, the
migration's back-fill) record the paths of the projects they list, whatever their number.

"Three months of mentoring" counts from the mentor's earliest mentorship (``started_on``, ended or not)
and adds three calendar months with ``dateutil.relativedelta`` (end-of-month clamping): mentoring since
30 November allows the second path on 28 February (29 in a leap year); since 31 August, on 30 November.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date

from dateutil.relativedelta import relativedelta

from domain.errors import Conflict, NotFound, PathNotAllowedYet, ValidationFailed
from domain.models import Mentor, MentorPath, Mentorship, Path, Project
from domain.outbox import in_transaction
from domain.paris_time import paris_today
from domain.services._common import lock_or_not_found, unique_as_conflict

MONTHS_BEFORE_ANOTHER_PATH = 3


def months_later(day: date, months: int) -> date:
    """``day`` plus whole calendar months, clamped to the end of a shorter month (30 Nov + 3 = 28/29 Feb)."""
    later: date = day + relativedelta(months=months)
    return later


def another_path_from(first_mentoring: date) -> date:
    """The first day a mentor mentoring since ``first_mentoring`` may add another path (R3)."""
    return months_later(first_mentoring, MONTHS_BEFORE_ANOTHER_PATH)


async def first_mentoring_day(mentor_id: int) -> date | None:
    """The start of the mentor's earliest mentorship, ended or not (None when they never mentored)."""
    earliest = (
        await Mentorship.filter(mentor_id=mentor_id).order_by("started_on").only("id", "started_on").first()
    )
    return earliest.started_on if earliest else None


def one_path_for_a_new_mentor(projects: Iterable[Project]) -> int:
    """A new mentor's projects lie on one path (R3): its id, or PATH_NOT_ALLOWED_YET on ``projectIds``."""
    path_ids = sorted({p.path_id for p in projects})
    if len(path_ids) > 1:
        raise PathNotAllowedYet(
            "a new mentor starts on one path (R3); these projects belong to paths "
            + ", ".join(str(p) for p in path_ids)
            + ": list the projects of one path and add the others after three months of mentoring",
            field="projectIds",
        )
    return path_ids[0]


async def record_first_path(mentor: Mentor, path_id: int, *, actor: str) -> MentorPath:
    """Called by ``create_mentor`` inside its transaction: the new mentor's one path, from their start."""
    return await MentorPath.create(
        mentor_id=mentor.id, path_id=path_id, added_on=mentor.start_date, added_by=actor[:80]
    )


async def check_projects_on_paths(mentor_id: int, projects: Iterable[Project]) -> None:
    """A mentor lists only projects of paths they are on (R3); a project elsewhere needs its path first."""
    on = {row.path_id for row in await MentorPath.filter(mentor_id=mentor_id).only("id", "path_id")}
    outside = [p for p in projects if p.path_id not in on]
    if outside:
        names = ", ".join(f"{p.id} (path {p.path_id})" for p in outside)
        raise PathNotAllowedYet(
            f"projects {names} belong to a path the mentor is not on: add the path first (R3)",
            field="projectIds",
        )


async def add_path(
    mentor_id: int,
    path_id: int,
    *,
    actor: str,
    is_staff: bool,
    override: bool = False,
    override_reason: str = "",
    today: date | None = None,
) -> MentorPath:
    """Put a mentor on another path (R3): after three months of mentoring, or earlier by a staff override
    with a reason. Refuses: an override asked by anyone but staff or without a reason (VALIDATION), too
    early (PATH_NOT_ALLOWED_YET, with the date it becomes possible), a path the mentor is on (CONFLICT)."""
    reason = override_reason.strip()
    if override and not is_staff:
        raise ValidationFailed("only staff can override the three months of R3", field="override")
    if override and not reason:
        raise ValidationFailed("an override needs a reason", field="overrideReason")
    if len(reason) > 2000:
        raise ValidationFailed("must be at most 2000 characters", field="overrideReason")
    today = today or paris_today()
    async with in_transaction():
        mentor = await lock_or_not_found(Mentor, mentor_id, field="mentorId")
        if not await Path.exists(id=path_id):
            raise NotFound("Path", path_id, field="pathId")
        if await MentorPath.exists(mentor_id=mentor.id, path_id=path_id):
            raise Conflict(f"the mentor is on path {path_id} already", field="pathId")
        if not override:
            first = await first_mentoring_day(mentor.id)
            if first is None:
                raise PathNotAllowedYet(
                    "no mentoring yet: another path needs three months of mentoring (R3)", field="pathId"
                )
            allowed_from = another_path_from(first)
            if today < allowed_from:
                raise PathNotAllowedYet(
                    f"another path needs three months of mentoring (R3): possible from "
                    f"{allowed_from.isoformat()} (mentoring since {first.isoformat()})",
                    field="pathId",
                )
        async with unique_as_conflict("pathId", f"the mentor is on path {path_id} already"):
            row = await MentorPath.create(
                mentor_id=mentor.id,
                path_id=path_id,
                added_on=today,
                added_by=actor[:80],
                override=override,
                override_reason=reason if override else "",
            )
        mentor.version += 1
        await mentor.save(update_fields=["version", "updated_at"])
        return row
