"""A small programme with one viewer per role, for the access tests."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from domain.enums import Role
from domain.models import Mentor, Mentorship, Message, Student
from domain.services.tokens import issue_token
from tests import factories


@dataclass
class World:
    mentor_a: Mentor
    mentor_b: Mentor
    student_a: Student
    student_b: Student
    waiting: Student
    pair_a: Mentorship
    pair_b: Mentorship
    tokens: dict[str, str | None] = field(default_factory=dict)
    # Each message's recipient (the pairs' introductions and first sessions wrote some).
    messages: dict[int, tuple[str, int]] = field(default_factory=dict)


CATALOGUE = frozenset({"Path", "Project"})
ROLES = ("staff", "mentor_a", "mentor_b", "student_a", "student_b", "anonymous")


async def build_world() -> World:
    path, projects = await factories.catalogue(2)
    mentor_a = await factories.mentor(projects, n=1)
    mentor_b = await factories.mentor(projects, n=2)
    student_a = await factories.student(path, projects[0], n=1)
    student_b = await factories.student(path, projects[0], n=2)
    waiting = await factories.student(path, projects[1], n=3)
    pair_a = await factories.pair(student_a, mentor_a, datetime(2026, 11, 24, 19, 0))
    pair_b = await factories.pair(student_b, mentor_b, datetime(2026, 11, 25, 19, 0))
    world = World(mentor_a, mentor_b, student_a, student_b, waiting, pair_a, pair_b)
    world.messages = {m.id: (m.recipient_role, m.recipient_id) for m in await Message.all()}
    world.tokens = {
        "staff": (await issue_token(Role.STAFF))[0],
        "mentor_a": (await issue_token(Role.MENTOR, mentor_id=mentor_a.id))[0],
        "mentor_b": (await issue_token(Role.MENTOR, mentor_id=mentor_b.id))[0],
        "student_a": (await issue_token(Role.STUDENT, student_id=student_a.id))[0],
        "student_b": (await issue_token(Role.STUDENT, student_id=student_b.id))[0],
        "anonymous": None,
    }
    return world


def may_read(world: World, role: str, typename: str, obj_id: int) -> bool:
    """The oracle: the rules of domain.access written out again, independently, per object."""
    if role == "staff" or typename in CATALOGUE:
        return True
    me = {
        "mentor_a": ("mentor", world.mentor_a.id),
        "mentor_b": ("mentor", world.mentor_b.id),
        "student_a": ("student", world.student_a.id),
        "student_b": ("student", world.student_b.id),
    }.get(role)
    if me is None:
        return False
    kind, my_id = me
    if typename == "Notification":  # a person reads only their own messages
        return world.messages.get(obj_id) == (kind, my_id)
    if typename == "FailedMessage":
        return False
    pairs = [world.pair_a, world.pair_b]
    mine = [p for p in pairs if (p.mentor_id if kind == "mentor" else p.student_id) == my_id]
    if typename == "Mentor":
        return (kind == "mentor" and obj_id == my_id) or any(p.mentor_id == obj_id for p in mine)
    if typename == "Student":
        return (kind == "student" and obj_id == my_id) or any(p.student_id == obj_id for p in mine)
    if typename == "Mentorship":
        return any(p.id == obj_id for p in mine)
    return role != "anonymous"
