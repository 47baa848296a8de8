"""The matching problem the solver solves, stated once: the decision, the hard rules, the objectives.

Other modules cite this statement by id (``H2``, ``O1``) instead of restating it; ``solver.check`` has
one function per hard rule and per result rule; the school's rules (``R1``...) are in ``DESIGN.md``.

**Decision.** For every student given to the solver (``StudentIn``): either a pair and a weekly slot,
that is a mentor (``MentorIn``) and a start step on the Paris week grid of ``solver.model`` (15-minute
steps, Monday 00:00 = 0), the session lasting the student's ``duration_steps``; or no pair, with the
reason why (``Unplaced``). Pairs already in place (``current_mentor_id``/``current_start_step``) may be
kept, moved or dropped, except pinned ones.

**Hard rules** (``HARD_RULES``) hold for every pair the solver returns; **result rules**
(``RESULT_RULES``) for the result as a whole. **Objectives** (``OBJECTIVES``) are lexicographic, in
order: a lower one never trades against a higher one (``solver.model.Weights`` sets the weights so that
it holds on realistic sizes; the search compares placements by O1 first, and ``status == "optimal"``
proves O1 only).
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class Rule:
    id: str  # stable: cite it
    name: str  # the ``solver.check`` function is ``check_<name>``
    design: str  # the school's rule(s) in DESIGN.md it comes from
    text: str


@dataclass(frozen=True, slots=True)
class Objective:
    id: str
    name: str  # the ``Weights`` field that prices it
    text: str


HARD_RULES: tuple[Rule, ...] = (
    Rule("H1", "project", "R1", "the mentor lists the student's current project"),
    Rule("H2", "capacity", "R2", "a mentor has at most the students they asked for (current ones count)"),
    Rule("H3", "forbidden", "R7", "the pair is not one that a mentor or the student asked to end"),
    Rule(
        "H4",
        "availability",
        "R5, R13",
        "the session lies inside the student's availability and inside the mentor's availability "
        "minus their absences",
    ),
    Rule("H5", "overlap", "R13", "a mentor holds at most one session at a time"),
    Rule("H6", "weekday", "R11", "the session is on a weekday the student's funding allows"),
    Rule("H7", "one_day", "R13", "the session starts and ends on the same day (it never crosses midnight)"),
    Rule("H8", "length", "R14", "the session lasts the student's session length (30 to 60 minutes)"),
    Rule("H9", "pinned", "R8", "a pinned student keeps their current mentor and slot"),
    Rule("H10", "once", "R13", "a student has at most one weekly session"),
    Rule(
        "H11",
        "kept",
        "R8",
        "with ``move_existing=False``: every current pair that satisfies H1-H8 is kept as it is "
        "(the incremental re-run); with ``move_existing=True`` this is objective O2 instead",
    ),
)

RESULT_RULES: tuple[Rule, ...] = (
    Rule("C1", "partition", "", "every student given is either placed or explained as unplaced, never both"),
    Rule("C2", "counts", "", "``placed`` counts the assignments and ``upper_bound`` is at least ``placed``"),
    Rule("C3", "moves", "R8", "``moves`` lists exactly the students whose current pair or slot changed"),
)

OBJECTIVES: tuple[Objective, ...] = (
    Objective("O1", "placed", "place as many students as possible"),
    Objective("O2", "kept", "keep as many students as possible on their current pair and slot (R8)"),
    Objective("O3", "fill", "fill mentors in proportion to what they asked for (R2's target)"),
    Objective(
        "O4",
        "language, region, level_cost",
        "soft preferences: a shared language, the same region, then the lower cost of the project level",
    ),
)

RULES: dict[str, Rule] = {r.id: r for r in (*HARD_RULES, *RESULT_RULES)}
