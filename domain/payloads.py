"""The JSON the database keeps, typed: a matching run's JSON columns and the payloads of the events that
subscribers read. The keys are the stored ones (camelCase, as the API spells them); each shape has one
writer, and its readers read it through these types.

A run (``domain.models.MatchingRun``):

- ``scope``, ``options``: :class:`RunScope`, :class:`RunOptions`, written by ``run_requests.start_run``;
  read by the job (``jobs.tasks``, ``jobs.snapshot``) and at publish (the week).
- ``progress``: :class:`RunProgress`, made by :func:`progress` (the claim, the job's ticks, the end).
- ``snapshot``: :class:`SnapshotVersions`, written by ``jobs.snapshot``; read by
  ``run_worker.snapshot_changes`` and ``run_publish``.
- ``result``: :class:`RunResult`, the :class:`Proposal` written by ``jobs.tasks.proposal_of``, plus the
  :class:`StaleChanges` (``run_worker.store_proposal``), the :class:`PublishRequest` of a publish under
  way as a job, or what was :class:`Published` (``run_publish``);
  read by ``run_review``, ``run_publish`` and ``schema.run_types``.

Events (``domain.models.Event``; ``schema.run_types`` reads them with :func:`run_status_of` and
:func:`pair_event_of`):

- ``status`` and ``progress`` on a run's topic: :class:`RunStatusPayload` (``runs.status_payload``);
- ``mentorship_*`` on the assignment topics: :class:`PairPayload` (``pairing.payload``), with the absence
  (:class:`AbsencePairPayload`, ``absences``) for ``absence_recorded`` and ``absence_cancelled``.
- ``assessment_*`` on the same topics: :class:`AssessmentPayload` (``assessments.payload``), and
  :class:`AssessmentUnassignedPayload` (``absences``) when an absence takes the assessor away.

The types are evaluated at import (no ``from __future__ import annotations``): their required and optional
keys are known at run time too (``__required_keys__``), for the tests that check stored rows against them.
"""

from typing import TYPE_CHECKING, Literal, NotRequired, TypedDict, cast

if TYPE_CHECKING:
    from domain.models import Event


# --- A run ---------------------------------------------------------------------------------------------


class RunScope(TypedDict):
    kind: Literal["all", "path", "students"]
    pathId: NotRequired[int]
    studentIds: NotRequired[list[int]]


class RunOptions(TypedDict):
    timeLimitS: float
    week: str  # the Monday of the Paris week planned for, ISO
    seed: int
    weights: dict[str, int]


class RunProgress(TypedDict):
    elapsedS: float
    placed: int
    upperBound: int
    phase: str
    partsDone: NotRequired[int]  # a run split into parts (jobs.parts): parts solved so far
    partsTotal: NotRequired[int]
    pairsDone: NotRequired[int]  # a publish run as a job (run_publish): pairs checked, then written
    pairsTotal: NotRequired[int]


def progress(*, elapsed_s: float, placed: int, upper_bound: int, phase: str) -> RunProgress:
    return {"elapsedS": elapsed_s, "placed": placed, "upperBound": upper_bound, "phase": phase}


class SnapshotVersions(TypedDict):
    """The versions of every mentor and student the solver saw (keys: ids as strings), and the ids of the
    current pairs of its mentors and students."""

    mentors: dict[str, int]
    students: dict[str, int]
    mentorships: list[int]


def empty_snapshot() -> SnapshotVersions:
    return {"mentors": {}, "students": {}, "mentorships": []}


class ProposedPair(TypedDict):
    studentId: int
    mentorId: int
    startStep: int
    weekday: int  # Paris weekday, 0 = Monday
    startMinute: int  # minutes after Paris midnight
    minutes: int
    kept: bool


class Unplaced(TypedDict):
    studentId: int
    reason: str  # solver.ReasonCode
    facts: dict[str, int]  # snake_case, as solver.reasons names them
    closestMentorIds: list[int]


class Proposal(TypedDict):
    week: str
    pairs: list[ProposedPair]
    unplaced: list[Unplaced]
    placed: int
    upperBound: int
    boundKind: str
    solverStatus: str
    solverErrors: list[str]
    stats: dict[str, float]
    capacity: dict[str, int]  # requested capacity of each mentor considered (keys: ids as strings)
    fixedLoad: dict[str, int]  # current pairs that stay as they are, per mentor
    students: int
    mentors: int


class VersionChange(TypedDict):
    id: int
    snapshotVersion: int
    currentVersion: int | None  # None: deleted since


class PairsChanged(TypedDict):
    started: list[int]
    ended: list[int]


class StaleChanges(TypedDict, total=False):
    """What changed since the snapshot; only the kinds that did are present."""

    mentors: list[VersionChange]
    students: list[VersionChange]
    mentorships: PairsChanged


class Published(TypedDict):
    studentIds: list[int]
    mentorshipIds: list[int]
    movedMentorshipIds: list[int]
    plannedHandoverIds: list[int]  # R5: substitutes planned, switched by the daily step at the start


class PublishRequest(TypedDict):
    """A publish under way as a job (``run_publish``): what was asked, kept on the run for the job (and
    its retries) until the run is published or the publish fails."""

    studentIds: list[int]  # the accepted pairs' students, in the proposal's order
    actor: str


class RunResult(Proposal, total=False):
    staleChanges: StaleChanges  # a stale run
    publishing: PublishRequest  # a publish under way (status publishing)
    published: Published  # a published run


def result(proposal: Proposal, *, stale_changes: StaleChanges | None = None) -> RunResult:
    """A run's stored result: its proposal, with what changed during the solve when something did."""
    stored = cast(RunResult, {**proposal})  # a proposal is a result, neither stale nor published yet
    if stale_changes:
        stored["staleChanges"] = stale_changes
    return stored


# --- Events --------------------------------------------------------------------------------------------


class RunStatusPayload(TypedDict):
    """A run's status event: its status and latest progress, and what the transition adds."""

    runId: str
    status: str  # RunStatus
    elapsedS: NotRequired[float]
    placed: NotRequired[int]
    upperBound: NotRequired[int]
    phase: NotRequired[str]
    partsDone: NotRequired[int]
    partsTotal: NotRequired[int]
    pairsDone: NotRequired[int]
    pairsTotal: NotRequired[int]
    error: NotRequired[str]
    attempt: NotRequired[int]  # running: the attempt that claimed it
    cancelRequested: NotRequired[bool]
    changes: NotRequired[StaleChanges]  # stale: what changed


class TransitionExtra(TypedDict, total=False):
    """What a transition adds to its status event (``runs.set_status``), besides its error."""

    attempt: int
    cancelRequested: bool
    changes: StaleChanges


class StatusExtra(TransitionExtra, total=False):
    """What a transition adds to its status event (``runs.status_payload``)."""

    error: str


class PairPayload(TypedDict):
    mentorshipId: int
    mentorId: int
    studentId: int
    weekday: int
    startMinute: int
    minutes: int
    startedOn: str
    endedOn: str | None
    endReason: str | None  # MentorshipEndReason
    runId: str | None
    cause: str  # PairingCause
    causeRef: str


class AbsencePairPayload(PairPayload):
    """R5: a pair whose mentor will be away, or no longer will."""

    absenceId: int
    absenceStartsOn: str
    absenceEndsOn: str
    long: bool


class PairEventPayload(PairPayload, total=False):
    """What an assignment subscriber reads of a pair's event (the absence, on the absence kinds)."""

    absenceId: int
    absenceStartsOn: str
    absenceEndsOn: str


class AssessmentPayload(TypedDict):
    """R20: a presentation on its student's (and assessor's) topic (``assessments.payload``)."""

    assessmentId: int
    studentId: int
    projectId: int
    assessorId: int | None
    status: str  # AssessmentStatus
    startsAt: str | None
    durationMinutes: int
    assignedBy: str


class AssessmentUnassignedPayload(TypedDict):
    """R5, R6, R20: a presentation that lost its assessor to an absence (with its id) or a departure."""

    assessmentId: int
    absenceId: NotRequired[int]
    previousStartsAt: str | None
    actor: str


def run_status_of(event: "Event") -> RunStatusPayload:
    """The payload of a run's ``status`` or ``progress`` event."""
    return cast(RunStatusPayload, event.payload)


def pair_event_of(event: "Event") -> PairEventPayload:
    """The payload of a ``mentorship_*`` or ``absence_*`` event on an assignment topic."""
    return cast(PairEventPayload, event.payload)
