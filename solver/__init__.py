"""Mentormatch's matching optimizer: plain data in, plain data out (see ``solver.model``)."""

from solver.check import check
from solver.model import (
    STEP_MINUTES,
    STEPS_PER_DAY,
    STEPS_PER_WEEK,
    Assignment,
    ClosestMentor,
    Interval,
    MentorIn,
    Move,
    MoveReason,
    Progress,
    ReasonCode,
    Slot,
    SolveOptions,
    SolveResult,
    StudentIn,
    Unplaced,
    Weights,
)
from solver.solve import solve

__all__ = [
    "STEPS_PER_DAY",
    "STEPS_PER_WEEK",
    "STEP_MINUTES",
    "Assignment",
    "ClosestMentor",
    "Interval",
    "MentorIn",
    "Move",
    "MoveReason",
    "Progress",
    "ReasonCode",
    "Slot",
    "SolveOptions",
    "SolveResult",
    "StudentIn",
    "Unplaced",
    "Weights",
    "check",
    "solve",
]
