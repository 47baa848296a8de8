"""Hypothesis strategies for small, often degenerate, solver instances."""

from __future__ import annotations

from hypothesis import strategies as st

from solver.model import STEPS_PER_DAY, Interval, MentorIn, StudentIn

DAYS = (0, 1, 2, 5)


@st.composite
def windows(draw: st.DrawFn) -> tuple[Interval, ...]:
    out = []
    for _ in range(draw(st.integers(0, 3))):
        day = draw(st.sampled_from(DAYS))
        start = draw(st.sampled_from((32, 48, 72, 76, 92)))
        length = draw(st.sampled_from((1, 2, 3, 4, 6, 8, 12)))  # 1 step: shorter than any session
        shift = draw(st.sampled_from((0, 0, 4, -4)))  # DST-shifted windows
        lo = day * STEPS_PER_DAY + start + shift
        out.append(Interval(lo, lo + length))
    return tuple(out)


@st.composite
def instances(draw: st.DrawFn) -> tuple[list[MentorIn], list[StudentIn]]:
    n_mentors = draw(st.integers(0, 4))
    mentors = [
        MentorIn(
            id=100 + i,
            projects=frozenset(draw(st.sets(st.integers(1, 3), max_size=2))),
            capacity=draw(st.integers(0, 3)),
            availability=draw(windows()),
            absences=draw(st.sampled_from(((), (Interval(48, 80),)))),
            languages=frozenset(draw(st.sets(st.sampled_from(("fr", "en")), max_size=1))),
            region=draw(st.sampled_from(("Europe", "Americas"))),
        )
        for i in range(n_mentors)
    ]
    students = []
    for i in range(draw(st.integers(0, 8))):
        current_mentor = draw(st.none() | st.sampled_from([m.id for m in mentors] or [999]))
        current_start = None if current_mentor is None else draw(st.sampled_from((32, 48, 72, 128, 176)))
        students.append(
            StudentIn(
                id=i + 1,
                project=draw(st.integers(1, 3)),
                level=draw(st.integers(1, 3)),
                duration_steps=draw(st.integers(2, 4)),
                availability=draw(windows()),
                allowed_weekdays=frozenset(draw(st.sets(st.integers(0, 6), min_size=1))),
                current_mentor_id=current_mentor,
                current_start_step=current_start,
                forbidden_mentor_ids=frozenset(draw(st.sets(st.sampled_from((100, 101)), max_size=1))),
                pinned=current_mentor is not None and draw(st.integers(0, 9)) == 0,
                languages=frozenset(draw(st.sets(st.sampled_from(("fr", "en")), max_size=1))),
                region=draw(st.sampled_from(("Europe", "Americas"))),
            )
        )
    return mentors, students
