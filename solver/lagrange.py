"""A proven upper bound from the time-indexed model, by Lagrangian relaxation of the class sizes.

The time-indexed model of ``solver.reference`` has one variable per (class c, mentor m, start t); its
rows are the class sizes (``sum_{m,t} x_cmt <= n_c``), each mentor's seats and each mentor's
no-overlap cliques. Only the class-size rows link mentors. Price them with multipliers
``lambda_c >= 0`` and the rest falls apart into one problem per mentor::

    L(lambda) = len(fixed) + sum_c lambda_c * n_c + sum_m OPT_m(lambda)

    OPT_m(lambda) = the most weight of at most K_m pairwise disjoint sessions of mentor m, where a
                    session (t, d) weighs max(0, max over classes c of length d that may start at t at m
                    of 1 - lambda_c), and K_m is m's seats left after the fixed sessions.

**Why it is valid.** Take any feasible assignment and let x_cmt be its sessions. For any lambda >= 0,
``placed = sum x = sum_c lambda_c n_c + sum_{c,m,t} (1 - lambda_c) x_cmt - sum_c lambda_c (n_c - sum x_c..)``
and the last sum is >= 0 (class sizes hold), so ``placed <= sum_c lambda_c n_c + sum_m (weight of m's
sessions)``. Each mentor's sessions are pairwise disjoint (H5), avoid fixed sessions, start where the
class may (the candidate starts are the class graph's: H1, H3, H4, H6-H8), number at most K_m (H2), and
weigh at most OPT_m. So ``floor(L(lambda))`` bounds the number placed, for every lambda >= 0; the
search keeps the smallest value it meets. OPT_m is solved exactly by a dynamic programme over the
week's steps (sessions never cross midnight, so the week is a line) and the count of sessions used,
for all mentors at once in numpy. The per-mentor problem has an interval (totally unimodular)
constraint matrix, so the best lambda gives the LP relaxation's value: the bound approaches the ``lp``
bound without solving the LP, in memory linear in the model's size.

lambda is moved by projected subgradient steps (Polyak's rule against a target below the best value
so far, the step halved when the value stalls), for a fixed number of iterations or until ``stop()``:
any iterate gives a valid bound, so stopping early only loosens it.
"""

from __future__ import annotations

import math
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from solver.classes import ClassGraph, StudentClass, week_words
from solver.model import DAYS_PER_WEEK, STEPS_PER_DAY
from solver.prepare import Problem

# Above this many (class, mentor, start) candidates the relaxation is not built (memory: ~13 bytes
# each; mixed L has 18 million, XL several hundred million).
MAX_CANDIDATES = 40_000_000
_ARC_CHUNK = 1 << 18
# Subgradient steps (Polyak's rule): theta * (L - (1 - TARGET_MARGIN) * best) / |g|^2, theta halved
# after STALL_ITERATIONS without a new best; the direction averages subproblem solutions (AVERAGE).
# Measured on mixed M seed 1 (LP value 1,640.7, flow bound 1,711): 1,668 after 100 iterations, 1,655
# after 200, 1,653 after 400.
THETA = 1.0
STALL_ITERATIONS = 5
TARGET_MARGIN = 0.01
AVERAGE = 0.1
TIE_NOISE = 1e-3


@dataclass(frozen=True, slots=True)
class LagrangeBound:
    upper_bound: int | None  # None when no iteration finished
    value: float  # the smallest L(lambda) met
    iterations: int
    seconds: float


@dataclass(slots=True)
class _Candidates:
    """The model's variables grouped by (start, duration index, mentor), as a sorted class list."""

    classes: npt.NDArray[np.int32]  # class of each candidate, sorted by group
    group_first: npt.NDArray[np.int64]  # first candidate of each non-empty group
    group_key: npt.NDArray[np.int64]  # (start * n_durations + duration index) * n_mentors + mentor
    durations: list[int]


def count_candidates(graph: ClassGraph) -> int:
    return int(graph.arc_k.sum(dtype=np.int64))


def _candidates(
    problem: Problem, classes: Sequence[StudentClass], graph: ClassGraph, stop: Callable[[], bool]
) -> _Candidates | None:
    n_mentors = len(problem.mentors)
    durations = sorted({classes[c].duration for c in np.unique(graph.arc_class).tolist()})
    d_index = {d: i for i, d in enumerate(durations)}
    class_words = week_words([c.starts for c in classes])  # (classes, 7, 2)
    class_d = np.asarray([d_index.get(c.duration, 0) for c in classes], np.int64)
    mentor_words = np.stack(
        [week_words([problem.base_starts(m, d) for m in range(n_mentors)]) for d in durations]
    )  # (durations, mentors, 7, 2)
    keys: list[npt.NDArray[np.int32]] = []  # < 672 * 3 * mentors: int32 up to 1 million mentors
    owners: list[npt.NDArray[np.int32]] = []
    n_d = len(durations)
    for lo in range(0, len(graph.arc_class), _ARC_CHUNK):
        if stop():
            return None
        ac = graph.arc_class[lo : lo + _ARC_CHUNK]
        am = graph.arc_mentor[lo : lo + _ARC_CHUNK]
        ad = graph.arc_day[lo : lo + _ARC_CHUNK].astype(np.int64)
        di = class_d[ac]
        words = class_words[ac, ad] & mentor_words[di, am, ad]  # (arcs, 2)
        bits = np.unpackbits(words.view(np.uint8), axis=1, bitorder="little")  # (arcs, 128)
        arc, step = np.nonzero(bits[:, :STEPS_PER_DAY])
        del bits, words
        start = ad[arc] * STEPS_PER_DAY + step
        keys.append(((start * n_d + di[arc]) * n_mentors + am[arc]).astype(np.int32))
        owners.append(ac[arc])
    key = np.concatenate(keys) if keys else np.zeros(0, np.int32)
    owner = np.concatenate(owners) if owners else np.zeros(0, np.int32)
    del keys, owners
    order = np.argsort(key, kind="stable")
    key = key[order]
    owner = owner[order]
    del order
    first = (
        np.flatnonzero(np.concatenate(([True], key[1:] != key[:-1]))) if len(key) else np.zeros(0, np.int64)
    )
    return _Candidates(owner, first.astype(np.int64), key[first].astype(np.int64), durations)


def lagrangian_bound(
    problem: Problem,
    classes: Sequence[StudentClass],
    graph: ClassGraph,
    iterations: int,
    stop: Callable[[], bool] = lambda: False,
    first: npt.NDArray[np.float64] | None = None,
    progress: Callable[[LagrangeBound], None] | None = None,
) -> LagrangeBound:
    """The smallest ``L(lambda)`` over at most ``iterations`` prices: ``first`` (if given: the flow
    bound's cut prices, where ``L`` is at most the flow bound), then the subgradient walk from 0.
    ``progress`` gets the bound so far after every step (a caller at its deadline need not wait for
    the step under way)."""
    t0 = time.monotonic()
    cand = _candidates(problem, classes, graph, stop)
    if cand is None:
        return LagrangeBound(None, math.inf, 0, time.monotonic() - t0)
    n_mentors = len(problem.mentors)
    n_d = len(cand.durations)
    sizes = np.asarray([len(c.members) for c in classes], np.float64)
    seats = np.asarray(
        [max(0, m.capacity - problem.base_count[i]) for i, m in enumerate(problem.mentors)], np.int64
    )
    if len(cand.classes) == 0:
        return LagrangeBound(len(problem.fixed), float(len(problem.fixed)), 0, time.monotonic() - t0)
    k_max = int(seats.max())
    linked = np.zeros(len(classes), bool)
    linked[cand.classes] = True
    # Ties between classes of a group are broken by a fixed small noise, so that the subgradient
    # spreads over the tied classes instead of piling on the first.
    noise = np.random.default_rng(0).uniform(0, TIE_NOISE, len(classes))
    # Where each group's weight goes in the per-day layout of ``_schedule``.
    group_start = cand.group_key // (n_mentors * n_d)
    group_row = (group_start % STEPS_PER_DAY) * n_d + (cand.group_key // n_mentors) % n_d
    group_col = (group_start // STEPS_PER_DAY) * n_mentors + cand.group_key % n_mentors
    del group_start
    group_last = np.append(cand.group_first[1:], len(cand.classes))
    best = walk_best = math.inf
    theta, stall, done = THETA, 0, 0
    avg: npt.NDArray[np.float64] | None = None
    lam = np.zeros(len(classes), np.float64) if first is None else np.clip(first, 0.0, None)
    walk = first is None
    while done < iterations and not stop():
        gain = 1.0 - lam[cand.classes]
        weight = np.maximum.reduceat(gain, cand.group_first)
        w = np.zeros((STEPS_PER_DAY * n_d, DAYS_PER_WEEK * n_mentors), np.float64)
        w[group_row, group_col] = np.maximum(weight, 0.0)
        values, chosen = _schedule(
            w.reshape(STEPS_PER_DAY, n_d, DAYS_PER_WEEK * n_mentors), cand.durations, seats, k_max, stop
        )
        del w
        if values is None:
            break
        done += 1
        value = len(problem.fixed) + float(lam @ sizes) + float(values.sum())
        best = min(best, value)
        if progress is not None:
            progress(LagrangeBound(math.floor(best + 1e-6), best, done, time.monotonic() - t0))
        if not walk:  # the cut prices were a first point only: the walk starts from 0
            lam, walk = np.zeros(len(classes), np.float64), True
            continue
        if value < walk_best:
            walk_best, stall = value, 0
        else:
            stall += 1
            if stall >= STALL_ITERATIONS:
                theta, stall = theta / 2, 0
        # Which class each chosen session was priced by (the best-priced class of its group).
        used = np.zeros(len(classes), np.float64)
        keys = (chosen[:, 0] * n_d + chosen[:, 1]) * n_mentors + chosen[:, 2]
        for g in np.searchsorted(cand.group_key, keys).tolist():
            lo, hi = int(cand.group_first[g]), int(group_last[g])
            members = cand.classes[lo:hi]
            used[members[int(np.argmax(gain[lo:hi] - noise[members]))]] += 1
        # Volume-style direction: an average of the recent subproblem solutions.
        avg = used if avg is None else AVERAGE * used + (1 - AVERAGE) * avg
        sub = sizes - avg
        sub[~linked] = 0.0
        sub[(lam <= 0) & (sub > 0)] = 0.0  # projected: lambda stays >= 0
        norm = float(sub @ sub)
        if norm == 0:
            break
        step = theta * (value - (1 - TARGET_MARGIN) * walk_best) / norm
        lam = np.maximum(0.0, lam - step * sub)
    # Float sums of at most a few thousand terms each: a margin far above their rounding.
    bound = None if done == 0 else math.floor(best + 1e-6)
    return LagrangeBound(bound, best, done, time.monotonic() - t0)


def _schedule(
    w: npt.NDArray[np.float64],
    durations: list[int],
    seats: npt.NDArray[np.int64],
    k_max: int,
    stop: Callable[[], bool],
) -> tuple[npt.NDArray[np.float64] | None, npt.NDArray[np.int64]]:
    """Per mentor, the heaviest set of at most ``seats[m]`` disjoint sessions.

    ``w[step, d, day * mentors + m]`` weighs the session of ``durations[d]`` starting at ``step`` of
    ``day``. Sessions never cross midnight, so each (mentor, day) is a line of 96 steps: a dynamic
    programme over its steps and the number of sessions used gives f(k), the heaviest at most k
    sessions that day, for all (mentor, day) rows at once. A mentor's week then takes its ``seats[m]``
    largest positive increments f(k) - f(k - 1) over its days: that sum is at least the best split of
    the seats between days (any split is a choice of increments, the first ones of each day), and equal
    to it because f is concave (interval constraints: the LP of one day is integral). Returns each
    mentor's value and the chosen sessions as (week start, duration index, mentor)."""
    n_steps, _, n_rows = w.shape
    n_mentors = len(seats)
    longest = max(durations)
    size = longest + 1
    ring = np.zeros((size, n_rows, k_max + 1), np.float64)  # value at boundary t, by t % size
    choice = np.zeros((n_steps + 1, n_rows, k_max + 1), np.int8)  # 0 idle, i + 1 a session of durations[i]
    useful = w.max(axis=2) > 0  # (step, d): some row gains from it
    ends_useful = np.zeros(n_steps + 1, bool)
    for i, d in enumerate(durations):
        ends = np.flatnonzero(useful[:, i]) + d
        ends_useful[ends[ends <= n_steps]] = True
    if stop():
        return None, np.zeros((0, 3), np.int64)
    for t in range(1, n_steps + 1):
        cur = ring[t % size]
        cur[...] = ring[(t - 1) % size]
        if not ends_useful[t]:
            continue
        if t % 8 == 0 and stop():  # a step is ~0.5 s at L: a caller at its deadline waits for none
            return None, np.zeros((0, 3), np.int64)
        for i, d in enumerate(durations):
            s = t - d
            if s < 0 or not useful[s, i]:
                continue
            cand = ring[s % size][:, :-1] + w[s, i][:, None]
            better = cand > cur[:, 1:] + 1e-12
            if better.any():
                np.copyto(cur[:, 1:], cand, where=better)
                choice[t, :, 1:][better] = i + 1
    f = ring[n_steps % size].reshape(DAYS_PER_WEEK, n_mentors, k_max + 1)
    gains = np.diff(f, axis=2).transpose(1, 0, 2).reshape(n_mentors, DAYS_PER_WEEK * k_max)
    order = np.argsort(-gains, axis=1, kind="stable")
    ranked = np.take_along_axis(gains, order, axis=1)
    taken = (np.arange(DAYS_PER_WEEK * k_max)[None, :] < seats[:, None]) & (ranked > 0)
    values = np.where(taken, ranked, 0.0).sum(axis=1)
    per_day = np.zeros((DAYS_PER_WEEK, n_mentors), np.int64)
    mentor_of, rank = np.nonzero(taken)
    np.add.at(per_day, (order[mentor_of, rank] // k_max, mentor_of), 1)
    # Walk back from each day's end for every (mentor, day) row at once, with that day's count.
    k = per_day.reshape(-1)
    pos = np.where(k > 0, n_steps, 0)
    length = np.asarray(durations, np.int64)
    picked: list[npt.NDArray[np.int64]] = []
    while True:
        live = np.flatnonzero(pos > 0)
        if len(live) == 0:
            break
        ch = choice[pos[live], live, k[live]].astype(np.int64)
        idle = ch == 0
        pos[live[idle]] -= 1
        took = live[~idle]
        if len(took):
            di = ch[~idle] - 1
            start = pos[took] - length[di]
            day, mentor = np.divmod(took, n_mentors)
            picked.append(np.stack([day * n_steps + start, di, mentor], axis=1))
            pos[took] = start
            k[took] -= 1
            pos[took[k[took] == 0]] = 0
    chosen = np.concatenate(picked) if picked else np.zeros((0, 3), np.int64)
    return values, chosen
