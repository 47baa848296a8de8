"""GraphQL object types: thin views of the models; links and lists go through the request's loaders."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from decimal import Decimal

import strawberry

from domain import enums, models, video
from domain.paris_time import (
    PARIS,
    WeeklyWindow,
    changes_clocks,
    paris_offset_shift,
    week_monday,
    windows_in_paris_week,
    zone,
)
from schema.context import Info
from schema.pagination import Connection, paginate_list

MentorStatus = strawberry.enum(enums.MentorStatus, name="MentorStatus")
Funding = strawberry.enum(enums.Funding, name="Funding", description="How the training is paid (R11).")
StudentStatus = strawberry.enum(enums.StudentStatus, name="StudentStatus")
SessionKind = strawberry.enum(enums.SessionKind, name="SessionKind")
SessionStatus = strawberry.enum(enums.SessionStatus, name="SessionStatus")
MentorshipEndReason = strawberry.enum(enums.MentorshipEndReason, name="MentorshipEndReason")
PairingCause = strawberry.enum(
    enums.PairingCause, name="PairingCause", description="Why a pairing changed (the audit trail)."
)
PairingAction = strawberry.enum(
    enums.PairingAction, name="PairingAction", description="A pairing started or ended (the audit trail)."
)


CENTS = Decimal("0.01")


def hhmm(minute: int) -> str:
    return f"{minute // 60:02d}:{minute % 60:02d}"


def weekdays_of(mask: int) -> list[int]:
    return [day for day in range(7) if mask & (1 << day)]


@strawberry.type(
    description="A weekly window: weekday 0 (Monday) to 6, start and end as HH:MM, end exclusive."
)
class AvailabilityWindow:
    weekday: int
    start: str
    end: str

    @staticmethod
    def of(weekday: int, start_minute: int, end_minute: int) -> AvailabilityWindow:
        return AvailabilityWindow(weekday=weekday, start=hhmm(start_minute), end=hhmm(end_minute))


@strawberry.type(description="Availability converted to the Paris week for one concrete week (R4).")
class ParisWeek:
    monday: date
    windows: list[AvailabilityWindow]
    shift_minutes: int = strawberry.field(
        description="How far the owner's windows moved in Paris time this week compared with January, "
        "because their zone changes clocks on other dates than Paris (0 for most weeks)."
    )
    notice: str | None


def paris_week(windows: list[WeeklyWindow], tz_name: str, day: date, *, whose: str = "your") -> ParisWeek:
    """``whose``: "your" when the owner reads it, "the mentor's" or "the student's" for anyone else."""
    tz = zone(tz_name)
    monday = week_monday(day)
    intervals = windows_in_paris_week(windows, tz, monday)
    shown: list[AvailabilityWindow] = []
    for start, end in intervals:
        # Split at Paris midnights so that each window lies in one day.
        while start < end:
            day_end = (start // 1440 + 1) * 1440
            stop = min(end, day_end)
            shown.append(AvailabilityWindow.of(start // 1440, start % 1440, stop - (start // 1440) * 1440))
            start = stop
    shift = paris_offset_shift(tz, monday)
    notice = None
    if shift:
        why = (
            f"{tz.key} and Europe/Paris change clocks on different dates."
            if changes_clocks(tz, monday.year)
            else f"Europe/Paris is on summer time and {tz.key} does not change clocks."
        )
        notice = (
            f"This week {whose} windows in {tz.key} fall {abs(shift)} minutes "
            f"{'earlier' if shift < 0 else 'later'} in Paris time than in winter: {why}"
        )
    return ParisWeek(monday=monday, windows=shown, shift_minutes=shift, notice=notice)


@strawberry.type
class Path:
    id: int
    name: str
    description: str
    duration_months: int

    @staticmethod
    def of(row: models.Path) -> Path:
        return Path(
            id=row.id, name=row.name, description=row.description, duration_months=row.duration_months
        )

    @strawberry.field
    async def projects(self, info: Info) -> list[Project]:
        return [Project.of(r) for r in await info.context.loaders.projects_by_path.load(self.id)]


@strawberry.type
class Project:
    id: int
    name: str
    level: int = strawberry.field(description="Expertise level 1-3; sets the rate per session (R17).")
    position: int
    description: str
    path_id: strawberry.Private[int]

    @staticmethod
    def of(row: models.Project) -> Project:
        return Project(
            id=row.id,
            name=row.name,
            level=row.level,
            position=row.position,
            description=row.description,
            path_id=row.path_id,
        )

    @strawberry.field
    async def path(self, info: Info) -> Path:
        row = await info.context.loaders.path.load(self.path_id)
        assert row is not None
        return Path.of(row)


@strawberry.type
class WeeklySlot:
    weekday: int
    start: str = strawberry.field(description="Paris wall-clock time, HH:MM.")
    minutes: int


@strawberry.type
class Session:
    id: int
    kind: SessionKind  # type: ignore[valid-type]
    starts_at: datetime = strawberry.field(description="The instant, in UTC.")
    duration_minutes: int
    status: SessionStatus  # type: ignore[valid-type]
    notes: str = strawberry.field(description="Notes shared with the student (R16).")
    catch_up: bool = strawberry.field(description="A catch-up session after a mentor's absence (R5).")
    catch_up_reason: str
    sequence: int = strawberry.field(description="iCalendar SEQUENCE: grows with every change.")
    ended_at: datetime | None = strawberry.field(description="When the session was ended (billable, R17).")
    billed_level: int | None = strawberry.field(description="Project level frozen at the end (R17).")
    billed_amount: Decimal | None = strawberry.field(description="EUR owed to the mentor, frozen at the end.")
    mentorship_id: strawberry.Private[int]
    mentor_id: int
    student_id: int
    private_comment_text: strawberry.Private[str]
    video_uid: strawberry.Private[str]
    own_video_url: strawberry.Private[str]

    @staticmethod
    def of(row: models.Session) -> Session:
        return Session(
            id=row.id,
            kind=row.kind,
            starts_at=row.starts_at,
            duration_minutes=row.duration_minutes,
            status=row.status,
            notes=row.notes,
            catch_up=row.catch_up,
            catch_up_reason=row.catch_up_reason,
            sequence=row.sequence,
            ended_at=row.ended_at,
            billed_level=row.billed_level,
            billed_amount=None if row.billed_amount is None else Decimal(row.billed_amount).quantize(CENTS),
            mentorship_id=row.mentorship_id,
            mentor_id=row.mentor_id,
            student_id=row.student_id,
            private_comment_text=row.private_comment,
            video_uid=row.video_uid,
            own_video_url=row.video_url,
        )

    @strawberry.field(
        description="Mentors and staff only, never the student (R16); its own resolver so "
        "that the access layer can guard it."
    )
    def private_comment(self) -> str | None:
        return self.private_comment_text

    @strawberry.field(description="R18 notes of a discovery session (shared with the student).")
    async def discovery_note(self, info: Info) -> DiscoveryNote | None:
        row = await info.context.loaders.discovery_note_by_session.load(self.id)
        return DiscoveryNote.of(row) if row else None

    @strawberry.field(description="Start in Paris wall-clock time, ISO 8601 with its offset.")
    def starts_at_paris(self) -> str:
        return self.starts_at.astimezone(PARIS).isoformat(timespec="minutes")

    @strawberry.field(
        description="Where the session is held (R13): the mentor's external https URL for this session "
        "or the pair, else the session's room on the school's video platform."
    )
    async def video_link(self, info: Info) -> str:
        pair = await info.context.loaders.mentorship.load(self.mentorship_id)
        return video.choose(self.own_video_url, pair.video_url if pair else "", self.video_uid)

    @strawberry.field
    def ends_at(self) -> datetime:
        return self.starts_at + timedelta(minutes=self.duration_minutes)


@strawberry.type(description="What the mentor learned in the discovery session (R18).")
class DiscoveryNote:
    background: str = strawberry.field(description="What the student did before.")
    motivation: str = strawberry.field(description="Why they enrolled.")
    goals: str
    level: str
    weekly_hours: int | None = strawberry.field(description="Weekly time available, in hours.")
    remarks: str
    next_week_objectives: str

    @staticmethod
    def of(row: models.DiscoveryNote) -> DiscoveryNote:
        return DiscoveryNote(
            background=row.background,
            motivation=row.motivation,
            goals=row.goals,
            level=row.level,
            weekly_hours=row.weekly_hours,
            remarks=row.remarks,
            next_week_objectives=row.next_week_objectives,
        )


@strawberry.type
class Mentorship:
    id: int
    slot: WeeklySlot
    started_on: date
    ended_on: date | None
    end_reason: MentorshipEndReason | None  # type: ignore[valid-type]
    student_id: strawberry.Private[int]
    mentor_id: strawberry.Private[int]

    @staticmethod
    def of(row: models.Mentorship) -> Mentorship:
        return Mentorship(
            id=row.id,
            slot=WeeklySlot(
                weekday=row.slot_weekday, start=hhmm(row.slot_start_minute), minutes=row.slot_minutes
            ),
            started_on=row.started_on,
            ended_on=row.ended_on,
            end_reason=row.end_reason,
            student_id=row.student_id,
            mentor_id=row.mentor_id,
        )

    @strawberry.field
    async def student(self, info: Info) -> Student:
        row = await info.context.loaders.student.load(self.student_id)
        assert row is not None
        return Student.of(row)

    @strawberry.field
    async def mentor(self, info: Info) -> Mentor:
        row = await info.context.loaders.mentor.load(self.mentor_id)
        assert row is not None
        return Mentor.of(row)

    @strawberry.field(description="Every start and end of this pair, oldest first (the audit trail).")
    async def changes(self, info: Info) -> list[PairingChangeEntry]:
        rows = await info.context.loaders.changes_by_mentorship.load(self.id)
        return [PairingChangeEntry.of(row) for row in rows]


@strawberry.type
class Mentor:
    id: int
    name: str
    email: str
    capacity: int = strawberry.field(description="Requested number of students, 1-20 (R2).")
    timezone: str
    status: MentorStatus  # type: ignore[valid-type]
    start_date: date
    languages: list[str]
    last_day: date | None = strawberry.field(
        default=None, description="R6: the Paris date after which the mentor leaves (notice given)."
    )
    notice_given_on: date | None = strawberry.field(default=None, description="R6: when notice was given.")

    @staticmethod
    def of(row: models.Mentor) -> Mentor:
        return Mentor(
            id=row.id,
            name=row.name,
            email=row.email,
            capacity=row.capacity,
            timezone=row.timezone,
            status=row.status,
            start_date=row.start_date,
            languages=row.languages.split(","),
            last_day=row.last_day,
            notice_given_on=row.notice_given_on,
        )

    @strawberry.field(description="The projects this mentor can mentor (R1).")
    async def projects(self, info: Info) -> list[Project]:
        return [Project.of(p) for p in await info.context.loaders.projects_of_mentor(self.id)]

    @strawberry.field(description="The paths this mentor mentors on, oldest first (R3).")
    async def paths(self, info: Info) -> list[MentorPathEntry]:
        return [MentorPathEntry.of(row) for row in await info.context.loaders.paths_by_mentor.load(self.id)]

    @strawberry.field(description="Weekly windows in the mentor's own time zone.")
    async def availability(self, info: Info) -> list[AvailabilityWindow]:
        rows = await info.context.loaders.mentor_windows.load(self.id)
        return [AvailabilityWindow.of(w.weekday, w.start_minute, w.end_minute) for w in rows]

    @strawberry.field(description="Availability in Paris time for the week containing `week`.")
    async def paris_availability(self, info: Info, week: date) -> ParisWeek:
        rows = await info.context.loaders.mentor_windows.load(self.id)
        windows = [WeeklyWindow(w.weekday, w.start_minute, w.end_minute) for w in rows]
        own = (await info.context.current_viewer()).mentor_id == self.id
        return paris_week(windows, self.timezone, week, whose="your" if own else "the mentor's")

    @strawberry.field(description="Number of current students.")
    async def load(self, info: Info) -> int:
        return len(await info.context.loaders.current_mentorships_by_mentor.load(self.id))

    @strawberry.field(description="Current mentorships (students with their weekly slot).")
    async def mentorships(self, info: Info) -> list[Mentorship]:
        rows = await info.context.loaders.current_mentorships_by_mentor.load(self.id)
        return [Mentorship.of(m) for m in sorted(rows, key=lambda m: m.id)]

    @strawberry.field(
        description="Current students, in pages. Staff and the mentor see them all; a student of this "
        "mentor sees only themself (the page, its count and its cursors name no one else)."
    )
    async def students(
        self, info: Info, first: int | None = None, after: str | None = None
    ) -> Connection[Student]:
        rows = await info.context.loaders.current_mentorships_by_mentor.load(self.id)
        viewer = await info.context.current_viewer()
        if not (viewer.is_staff or viewer.mentor_id == self.id):
            # Scoped before paging, like the root lists: a cursor or a count never speaks of a row the
            # viewer may not read (the guard would only drop the edges, not the end cursor).
            rows = [m for m in rows if m.student_id == viewer.student_id]
        return paginate_list(
            "Student",
            [m.student for m in rows],
            first=first,
            after=after,
            cap=info.context.settings.max_page_size,
            to_node=Student.of,
        )


@strawberry.type
class Student:
    id: int
    name: str
    email: str
    phone: str
    address: str
    photo_url: str
    latest_diploma: str
    training_objective: str
    status: StudentStatus  # type: ignore[valid-type]
    funding: Funding  # type: ignore[valid-type]
    allowed_weekdays: list[int] = strawberry.field(description="Weekdays the funding allows (R11).")
    timezone: str
    session_minutes: int
    weekly_hours: int
    languages: list[str]
    path_id: strawberry.Private[int]
    current_project_id: strawberry.Private[int]

    @staticmethod
    def of(row: models.Student) -> Student:
        return Student(
            id=row.id,
            name=row.name,
            email=row.email,
            phone=row.phone,
            address=row.address,
            photo_url=row.photo_url,
            latest_diploma=row.latest_diploma,
            training_objective=row.training_objective,
            status=row.status,
            funding=row.funding,
            allowed_weekdays=weekdays_of(row.allowed_weekdays),
            timezone=row.timezone,
            session_minutes=row.session_minutes,
            weekly_hours=row.weekly_hours,
            languages=row.languages.split(","),
            path_id=row.path_id,
            current_project_id=row.current_project_id,
        )

    @strawberry.field
    async def path(self, info: Info) -> Path:
        row = await info.context.loaders.path.load(self.path_id)
        assert row is not None
        return Path.of(row)

    @strawberry.field
    async def current_project(self, info: Info) -> Project:
        row = await info.context.loaders.project.load(self.current_project_id)
        assert row is not None
        return Project.of(row)

    @strawberry.field
    async def availability(self, info: Info) -> list[AvailabilityWindow]:
        rows = await info.context.loaders.student_windows.load(self.id)
        return [AvailabilityWindow.of(w.weekday, w.start_minute, w.end_minute) for w in rows]

    @strawberry.field(description="Availability in Paris time for the week containing `week`.")
    async def paris_availability(self, info: Info, week: date) -> ParisWeek:
        rows = await info.context.loaders.student_windows.load(self.id)
        windows = [WeeklyWindow(w.weekday, w.start_minute, w.end_minute) for w in rows]
        own = (await info.context.current_viewer()).student_id == self.id
        return paris_week(windows, self.timezone, week, whose="your" if own else "the student's")

    @strawberry.field(description="The current mentorship, or null while waiting for a mentor.")
    async def mentorship(self, info: Info) -> Mentorship | None:
        row = await info.context.loaders.current_mentorship_by_student.load(self.id)
        return Mentorship.of(row) if row else None

    @strawberry.field(description="The current mentor, or null while waiting for one.")
    async def mentor(self, info: Info) -> Mentor | None:
        current = await info.context.loaders.current_mentorship_by_student.load(self.id)
        if current is None:
            return None
        row = await info.context.loaders.mentor.load(current.mentor_id)
        return Mentor.of(row) if row else None

    @strawberry.field(description="Sessions, all or those of the Paris ISO week containing `week`.")
    async def sessions(self, info: Info, week: date | None = None) -> list[Session]:
        rows = await info.context.loaders.sessions_by_student_week.load((self.id, week))
        return [Session.of(s) for s in rows]

    @strawberry.field(
        description="The final panel's decision on the path (R20), or null before it decided: the student is "
        "certified when its decision is CERTIFIED."
    )
    async def certification(self, info: Info) -> Certification | None:
        row = await info.context.loaders.certification_by_student.load(self.id)
        return Certification.of(row) if row else None


PanelDecision = strawberry.enum(
    enums.PanelDecision, name="PanelDecision", description="R20: the panel's verdict."
)


@strawberry.type(description="R20: the final panel's decision on a student's path, with its reason.")
class Certification:
    decision: PanelDecision  # type: ignore[valid-type]
    reason: str
    path_id: int
    decided_at: datetime
    decided_by: str

    @staticmethod
    def of(row: models.Certification) -> Certification:
        return Certification(
            decision=row.decision,
            reason=row.reason,
            path_id=row.path_id,
            decided_at=row.decided_at,
            decided_by=row.decided_by,
        )

    @strawberry.field(description="The panel validated the path.")
    def certified(self) -> bool:
        return bool(self.decision == enums.PanelDecision.CERTIFIED)


@strawberry.type(description="A path a mentor mentors on (R3): since when, who added it, and any override.")
class MentorPathEntry:
    added_on: date
    added_by: str = strawberry.field(description='"staff:<token id>", "mentor:<id>", "system", ...')
    override: bool = strawberry.field(description="Added before three months of mentoring, by staff.")
    override_reason: str
    path_id: strawberry.Private[int]

    @staticmethod
    def of(row: models.MentorPath) -> MentorPathEntry:
        return MentorPathEntry(
            added_on=row.added_on,
            added_by=row.added_by,
            override=row.override,
            override_reason=row.override_reason,
            path_id=row.path_id,
        )

    @strawberry.field
    async def path(self, info: Info) -> Path:
        row = await info.context.loaders.path.load(self.path_id)
        assert row is not None
        return Path.of(row)


@strawberry.type(description="One start or end of a mentorship: who did it, when and why (the audit trail).")
class PairingChangeEntry:
    id: int
    at: datetime = strawberry.field(description="The instant, in UTC.")
    action: PairingAction  # type: ignore[valid-type]
    cause: PairingCause  # type: ignore[valid-type]
    cause_ref: str = strawberry.field(description="The run id, absence id, ... behind it (may be empty).")
    actor: str = strawberry.field(
        description='"staff:<token id>", "mentor:<id>", "student:<id>" or "system".'
    )
    reason: str
    mentorship_id: int
    mentor_id: int
    student_id: int

    @staticmethod
    def of(row: models.PairingChange) -> PairingChangeEntry:
        return PairingChangeEntry(
            id=row.id,
            at=row.at,
            action=row.action,
            cause=row.cause,
            cause_ref=row.cause_ref,
            actor=row.actor,
            reason=row.reason,
            mentorship_id=row.mentorship_id,
            mentor_id=row.mentor_id,
            student_id=row.student_id,
        )

    @strawberry.field(description="The same instant in Paris wall-clock time, ISO 8601 with its offset.")
    def at_paris(self) -> str:
        return self.at.astimezone(PARIS).isoformat(timespec="seconds")
