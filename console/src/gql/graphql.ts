/* eslint-disable */
import type { TypedDocumentNode as DocumentNode } from '@graphql-typed-document-node/core';
export type Maybe<T> = T | null;
export type InputMaybe<T> = Maybe<T>;
export type Exact<T extends { [key: string]: unknown }> = { [K in keyof T]: T[K] };
export type MakeOptional<T, K extends keyof T> = Omit<T, K> & { [SubKey in K]?: Maybe<T[SubKey]> };
export type MakeMaybe<T, K extends keyof T> = Omit<T, K> & { [SubKey in K]: Maybe<T[SubKey]> };
export type MakeEmpty<T extends { [key: string]: unknown }, K extends keyof T> = { [_ in K]?: never };
export type Incremental<T> = T | { [P in keyof T]?: P extends ' $fragmentName' | '__typename' ? T[P] : never };
/** All built-in and custom scalars, mapped to their actual values */
export type Scalars = {
  ID: { input: string; output: string; }
  String: { input: string; output: string; }
  Boolean: { input: boolean; output: boolean; }
  Int: { input: number; output: number; }
  Float: { input: number; output: number; }
  /** Date (isoformat) */
  Date: { input: string; output: string; }
  /** Date with time (isoformat) */
  DateTime: { input: string; output: string; }
  /** Decimal (fixed-point) */
  Decimal: { input: string; output: string; }
  /** The `JSON` scalar type represents JSON values as specified by [ECMA-404](https://ecma-international.org/wp-content/uploads/ECMA-404_2nd_edition_december_2017.pdf). */
  JSON: { input: unknown; output: unknown; }
  UUID: { input: string; output: string; }
};

export type AbsenceCancelledPayload = {
  __typename?: 'AbsenceCancelledPayload';
  absence: MentorAbsence;
};

export type AbsencePayload = {
  __typename?: 'AbsencePayload';
  absence: MentorAbsence;
  /** The mentor's sessions inside the absence, cancelled without penalty. */
  cancelledSessions: Scalars['Int']['output'];
  /** A long absence: the queued run that finds substitutes for the mentor's students (shown to staff only: its proposal names other people). */
  handoverRun?: Maybe<MatchingRun>;
};

export type AbsenceResult = AbsencePayload | ConflictError | NotFoundError | ValidationError;

/** A mentor asks for another path; only staff may override the three months. */
export type AddMentorPathInput = {
  mentorId: Scalars['Int']['input'];
  /** Staff only: add it before three months of mentoring (R3). */
  override?: Scalars['Boolean']['input'];
  /** Required with override. */
  overrideReason?: InputMaybe<Scalars['String']['input']>;
  pathId: Scalars['Int']['input'];
};

/** A run of the same scope is queued or running; nothing was stored. */
export type AlreadyRunningError = UserError & {
  __typename?: 'AlreadyRunningError';
  code: ErrorCode;
  /** The input field at fault, as a dotted path. */
  field?: Maybe<Scalars['String']['output']>;
  message: Scalars['String']['output'];
  /** The active run of that scope. */
  runId?: Maybe<Scalars['UUID']['output']>;
};

/** R20: a finished project presented to an assessor who was never the student's mentor. */
export type Assessment = {
  __typename?: 'Assessment';
  /** Null while waiting for an assessor. */
  assessorId?: Maybe<Scalars['Int']['output']>;
  /** Who assigned the assessor (auto: found by the system). */
  assignedBy: Scalars['String']['output'];
  durationMinutes: Scalars['Int']['output'];
  endsAt?: Maybe<Scalars['DateTime']['output']>;
  id: Scalars['Int']['output'];
  notes: Scalars['String']['output'];
  /** The finished project. */
  projectId: Scalars['Int']['output'];
  /** The presentation's instant, in UTC. */
  startsAt?: Maybe<Scalars['DateTime']['output']>;
  /** Start in Paris wall-clock time, ISO 8601 with its offset. */
  startsAtParis?: Maybe<Scalars['String']['output']>;
  status: AssessmentStatus;
  studentId: Scalars['Int']['output'];
  /** Why no assessor could be found automatically. */
  unassignedReason: Scalars['String']['output'];
};

/** A page of results. Ask for the next one with after: pageInfo.endCursor. */
export type AssessmentConnection = {
  __typename?: 'AssessmentConnection';
  edges: Array<AssessmentEdge>;
  pageInfo: PageInfo;
  /** How many objects match, over all pages (one more SQL query). */
  totalCount: Scalars['Int']['output'];
};

export type AssessmentEdge = {
  __typename?: 'AssessmentEdge';
  cursor: Scalars['String']['output'];
  node: Assessment;
};

export type AssessmentPayload = {
  __typename?: 'AssessmentPayload';
  assessment: Assessment;
};

export type AssessmentResult = AssessmentPayload | ConflictError | NotFoundError | ValidationError;

/** R20: a presentation's state. */
export type AssessmentStatus =
  | 'AWAITING_ASSESSOR'
  | 'CANCELLED'
  | 'FAILED'
  | 'PASSED'
  | 'SCHEDULED';

export type AssignAssessorInput = {
  assessmentId: Scalars['Int']['input'];
  /** Repeated autumn time: 0 first, 1 second. */
  fold?: InputMaybe<Scalars['Int']['input']>;
  mentorId: Scalars['Int']['input'];
  /** Paris wall-clock time, YYYY-MM-DDTHH:MM (no offset). */
  startsAt: Scalars['String']['input'];
};

export type AssignAssessorResult = AssessmentPayload | ConflictError | NotFoundError | SlotTaken | ValidationError;

export type AssignmentChange =
  | 'ABSENCE_CANCELLED'
  | 'ABSENCE_RECORDED'
  | 'ENDED'
  | 'STARTED';

/** A mentorship of the subscriber started or ended, or its mentor recorded an absence (R5). */
export type AssignmentEvent = {
  __typename?: 'AssignmentEvent';
  /** Paris date, included. */
  absenceEndsOn?: Maybe<Scalars['Date']['output']>;
  /** ABSENCE_RECORDED or ABSENCE_CANCELLED: the mentor's absence (R5). */
  absenceId?: Maybe<Scalars['Int']['output']>;
  /** Paris date, included. */
  absenceStartsOn?: Maybe<Scalars['Date']['output']>;
  /** What changed the pairing: a run, staff by hand, a request, an absence, a notice... */
  cause?: Maybe<PairingCause>;
  change: AssignmentChange;
  /** Set on an ended pair. */
  endReason?: Maybe<MentorshipEndReason>;
  endedOn?: Maybe<Scalars['Date']['output']>;
  /** Pass the last one seen as afterEventId to resume. */
  eventId: Scalars['Int']['output'];
  mentorId: Scalars['Int']['output'];
  mentorshipId: Scalars['Int']['output'];
  runId?: Maybe<Scalars['UUID']['output']>;
  slot: WeeklySlot;
  startedOn: Scalars['Date']['output'];
  studentId: Scalars['Int']['output'];
};

/** A weekly window: weekday 0 (Monday) to 6, start and end as HH:MM, end exclusive. */
export type AvailabilityWindow = {
  __typename?: 'AvailabilityWindow';
  end: Scalars['String']['output'];
  start: Scalars['String']['output'];
  weekday: Scalars['Int']['output'];
};

/** A weekly window in the owner's time zone; times as HH:MM, end may be 24:00. */
export type AvailabilityWindowInput = {
  end: Scalars['String']['input'];
  start: Scalars['String']['input'];
  weekday: Scalars['Int']['input'];
};

export type BookSessionInput = {
  /** A catch-up after a mentor's absence of one or two weeks (R5): allowed beyond the one regular session a week; needs catchUpReason. */
  catchUp?: Scalars['Boolean']['input'];
  catchUpReason?: Scalars['String']['input'];
  /** Discovery 30; regular 45-60 (from 30 by profile); presentation 20-40. */
  durationMinutes?: InputMaybe<Scalars['Int']['input']>;
  /** Repeated autumn time: 0 first, 1 second. */
  fold?: InputMaybe<Scalars['Int']['input']>;
  kind?: SessionKind;
  mentorshipId: Scalars['Int']['input'];
  notes?: Scalars['String']['input'];
  /** Paris wall-clock time, YYYY-MM-DDTHH:MM (no offset). */
  startsAt: Scalars['String']['input'];
};

/** Shown once: only a hash of the token is stored. */
export type CalendarFeedPayload = {
  __typename?: 'CalendarFeedPayload';
  token: Scalars['String']['output'];
  /** Subscribe to this URL in a calendar application. */
  url: Scalars['String']['output'];
};

export type CalendarFeedResult = CalendarFeedPayload | ConflictError | NotFoundError | ValidationError;

export type CancelAbsenceResult = AbsenceCancelledPayload | ConflictError | NotFoundError | ValidationError;

export type CancelAssessmentInput = {
  id: Scalars['Int']['input'];
  reason?: Scalars['String']['input'];
};

export type CancelRunResult = ConflictError | NotFoundError | RunPayload;

export type ChangePayload = {
  __typename?: 'ChangePayload';
  /** The pair, now ended. */
  mentorship: Mentorship;
  /** The run proposing another mentor, when asked (shown to staff only). */
  replacementRun?: Maybe<MatchingRun>;
};

/** The side of the pair that asks for the change. */
export type ChangeRequestedBy =
  | 'MENTOR'
  | 'STUDENT';

export type ChangeResult = ChangePayload | ConflictError | NotFoundError | ValidationError;

/** The request clashes with stored data: a duplicate or a concurrent change. */
export type ConflictError = UserError & {
  __typename?: 'ConflictError';
  code: ErrorCode;
  /** The input field at fault, as a dotted path. */
  field?: Maybe<Scalars['String']['output']>;
  message: Scalars['String']['output'];
};

export type CreateMentorInput = {
  availability?: Array<AvailabilityWindowInput>;
  capacity: Scalars['Int']['input'];
  email: Scalars['String']['input'];
  languages?: Array<Scalars['String']['input']>;
  name: Scalars['String']['input'];
  projectIds: Array<Scalars['Int']['input']>;
  startDate: Scalars['Date']['input'];
  status?: MentorStatus;
  timezone?: Scalars['String']['input'];
};

export type CreateMentorshipInput = {
  /** The discovery session in Paris wall-clock time, YYYY-MM-DDTHH:MM (no offset). */
  firstSessionAt: Scalars['String']['input'];
  /** Only for a time repeated by the autumn change: 0 the first (summer), 1 the second. */
  fold?: InputMaybe<Scalars['Int']['input']>;
  mentorId: Scalars['Int']['input'];
  studentId: Scalars['Int']['input'];
};

export type CreatePathInput = {
  description?: Scalars['String']['input'];
  durationMonths?: Scalars['Int']['input'];
  name: Scalars['String']['input'];
};

export type CreateProjectInput = {
  description?: Scalars['String']['input'];
  level?: Scalars['Int']['input'];
  name: Scalars['String']['input'];
  pathId: Scalars['Int']['input'];
  position?: Scalars['Int']['input'];
};

export type CreateStudentInput = {
  address?: Scalars['String']['input'];
  allowedWeekdays?: InputMaybe<Array<Scalars['Int']['input']>>;
  availability?: Array<AvailabilityWindowInput>;
  currentProjectId: Scalars['Int']['input'];
  email: Scalars['String']['input'];
  funding?: Funding;
  languages?: Array<Scalars['String']['input']>;
  latestDiploma?: Scalars['String']['input'];
  name: Scalars['String']['input'];
  pathId: Scalars['Int']['input'];
  phone?: Scalars['String']['input'];
  photoUrl?: Scalars['String']['input'];
  sessionMinutes?: Scalars['Int']['input'];
  status?: StudentStatus;
  timezone?: Scalars['String']['input'];
  trainingObjective?: Scalars['String']['input'];
  weeklyHours?: Scalars['Int']['input'];
};

/** What the mentor learned in the discovery session (R18). */
export type DiscoveryNote = {
  __typename?: 'DiscoveryNote';
  /** What the student did before. */
  background: Scalars['String']['output'];
  goals: Scalars['String']['output'];
  level: Scalars['String']['output'];
  /** Why they enrolled. */
  motivation: Scalars['String']['output'];
  nextWeekObjectives: Scalars['String']['output'];
  remarks: Scalars['String']['output'];
  /** Weekly time available, in hours. */
  weeklyHours?: Maybe<Scalars['Int']['output']>;
};

/** R18 fields of a discovery session's notes. */
export type DiscoveryNoteInput = {
  background?: Scalars['String']['input'];
  goals?: Scalars['String']['input'];
  level?: Scalars['String']['input'];
  motivation?: Scalars['String']['input'];
  nextWeekObjectives?: Scalars['String']['input'];
  remarks?: Scalars['String']['input'];
  sessionId: Scalars['Int']['input'];
  weeklyHours?: InputMaybe<Scalars['Int']['input']>;
};

export type DiscoveryNotePayload = {
  __typename?: 'DiscoveryNotePayload';
  note: DiscoveryNote;
  sessionId: Scalars['Int']['output'];
};

export type DiscoveryNoteResult = ConflictError | DiscoveryNotePayload | NotFoundError | ValidationError;

export type EndSessionInput = {
  id: Scalars['Int']['input'];
  nextFold?: InputMaybe<Scalars['Int']['input']>;
  /** R19: book the next regular session, Paris wall-clock time. */
  nextStartsAt?: InputMaybe<Scalars['String']['input']>;
  notes?: InputMaybe<Scalars['String']['input']>;
  privateComment?: InputMaybe<Scalars['String']['input']>;
  /** Completed or student absent; required unless already set (R16). */
  status?: InputMaybe<SessionStatus>;
};

export type EndSessionPayload = {
  __typename?: 'EndSessionPayload';
  nextSession?: Maybe<Session>;
  session: Session;
};

export type EndSessionResult = ConflictError | EndSessionPayload | NotFoundError | SlotTaken | ValidationError;

/** Stable machine-readable codes. */
export type ErrorCode =
  | 'ALREADY_RUNNING'
  | 'AMBIGUOUS_LOCAL_TIME'
  | 'ASSESSOR_WAS_MENTOR'
  | 'CONFLICT'
  | 'MENTOR_AWAY'
  | 'NONEXISTENT_LOCAL_TIME'
  | 'NOTICE_TOO_SHORT'
  | 'NOT_FOUND'
  | 'NOT_IN_PATH'
  | 'PATH_NOT_ALLOWED_YET'
  | 'RUN_STALE'
  | 'SLOT_TAKEN'
  | 'STATUS_REQUIRED'
  | 'VALIDATION'
  | 'WEEK_TAKEN';

export type FeedOwner =
  | 'MENTOR'
  | 'STUDENT';

export type FinishProjectInput = {
  /** The project the student moves to, on their path (R9); default: the next by position. Null after the last project: the path is completed. */
  nextProjectId?: InputMaybe<Scalars['Int']['input']>;
  /** The project being finished; when given it must be the current one (guards against a double submit finishing two projects). */
  projectId?: InputMaybe<Scalars['Int']['input']>;
  studentId: Scalars['Int']['input'];
};

export type FinishProjectPayload = {
  __typename?: 'FinishProjectPayload';
  /** The finished project's presentation (R20). */
  assessment: Assessment;
  /** The pair that ended (project change or path completed); the student then waits for the next matching run. */
  endedMentorship?: Maybe<Mentorship>;
  /** R8: the current mentor lists the new project and keeps the student. */
  mentorKept: Scalars['Boolean']['output'];
  student: Student;
};

export type FinishProjectResult = ConflictError | FinishProjectPayload | NotFoundError | ValidationError;

/** How the training is paid (R11). */
export type Funding =
  | 'APPRENTICESHIP'
  | 'EMPLOYER'
  | 'PUBLIC_JOB_SEEKER'
  | 'SELF_FUNDED';

export type GiveNoticeInput = {
  /** The mentor's last day (Paris date), 14 days ahead at least. */
  lastDay: Scalars['Date']['input'];
  mentorId: Scalars['Int']['input'];
};

/** R5: one student of an absent mentor, handed to a substitute and back. */
export type Handover = {
  __typename?: 'Handover';
  /** Why the student did not go back, when they did not. */
  note: Scalars['String']['output'];
  /** The pair with the absent mentor. */
  originalMentorshipId: Scalars['Int']['output'];
  /** The pair with the mentor on return. */
  returnedMentorshipId?: Maybe<Scalars['Int']['output']>;
  status: HandoverStatus;
  studentId: Scalars['Int']['output'];
  /** The substitute's pair. */
  substituteMentorshipId?: Maybe<Scalars['Int']['output']>;
};

/** A long absence (R5): the student waits for a substitute, has one, is back, or the hand-over was cancelled (or the student could not go back: see note). */
export type HandoverStatus =
  | 'CANCELLED'
  | 'RETURNED'
  | 'SUBSTITUTED'
  | 'WAITING';

export type MatchingRun = {
  __typename?: 'MatchingRun';
  attempts: Scalars['Int']['output'];
  cancelRequested: Scalars['Boolean']['output'];
  createdAt: Scalars['DateTime']['output'];
  error: Scalars['String']['output'];
  finishedAt?: Maybe<Scalars['DateTime']['output']>;
  id: Scalars['UUID']['output'];
  options: Scalars['JSON']['output'];
  progress?: Maybe<RunProgress>;
  /** The proposal under review (succeeded, stale or published runs). */
  proposal?: Maybe<Proposal>;
  publishedAt?: Maybe<Scalars['DateTime']['output']>;
  scope: Scalars['JSON']['output'];
  /** For a stale run: the mentors, students and pairs that changed during the solve. */
  staleChanges?: Maybe<Scalars['JSON']['output']>;
  startedAt?: Maybe<Scalars['DateTime']['output']>;
  status: RunStatus;
};

export type Mentor = {
  __typename?: 'Mentor';
  /** Weekly windows in the mentor's own time zone. */
  availability: Array<AvailabilityWindow>;
  /** Requested number of students, 1-20 (R2). */
  capacity: Scalars['Int']['output'];
  email: Scalars['String']['output'];
  id: Scalars['Int']['output'];
  languages: Array<Scalars['String']['output']>;
  /** R6: the Paris date after which the mentor leaves (notice given). */
  lastDay?: Maybe<Scalars['Date']['output']>;
  /** Number of current students. */
  load: Scalars['Int']['output'];
  /** Current mentorships (students with their weekly slot). */
  mentorships: Array<Mentorship>;
  name: Scalars['String']['output'];
  /** R6: when notice was given. */
  noticeGivenOn?: Maybe<Scalars['Date']['output']>;
  /** Availability in Paris time for the week containing `week`. */
  parisAvailability: ParisWeek;
  /** The paths this mentor mentors on, oldest first (R3). */
  paths: Array<MentorPathEntry>;
  /** The projects this mentor can mentor (R1). */
  projects: Array<Project>;
  startDate: Scalars['Date']['output'];
  status: MentorStatus;
  /** Current students, in pages. */
  students: StudentConnection;
  timezone: Scalars['String']['output'];
};


export type MentorParisAvailabilityArgs = {
  week: Scalars['Date']['input'];
};


export type MentorStudentsArgs = {
  after?: InputMaybe<Scalars['String']['input']>;
  first?: InputMaybe<Scalars['Int']['input']>;
};

/** R5: a mentor away from startsOn to endsOn (Paris dates, both included). */
export type MentorAbsence = {
  __typename?: 'MentorAbsence';
  cancelledAt?: Maybe<Scalars['DateTime']['output']>;
  endsOn: Scalars['Date']['output'];
  /** A long absence's hand-overs, one per student. */
  handovers: Array<Handover>;
  id: Scalars['Int']['output'];
  /** More than 14 days: the students are handed to substitutes, then come back. */
  long: Scalars['Boolean']['output'];
  mentorId: Scalars['Int']['output'];
  reason: Scalars['String']['output'];
  recordedBy: Scalars['String']['output'];
  /** When the students were given back. */
  returnedAt?: Maybe<Scalars['DateTime']['output']>;
  startsOn: Scalars['Date']['output'];
};

/** A page of results. Ask for the next one with after: pageInfo.endCursor. */
export type MentorConnection = {
  __typename?: 'MentorConnection';
  edges: Array<MentorEdge>;
  pageInfo: PageInfo;
  /** How many objects match, over all pages (one more SQL query). */
  totalCount: Scalars['Int']['output'];
};

export type MentorEdge = {
  __typename?: 'MentorEdge';
  cursor: Scalars['String']['output'];
  node: Mentor;
};

/** A mentor's load if the proposal is published, against their capacity (R2). */
export type MentorLoad = {
  __typename?: 'MentorLoad';
  after: Scalars['Int']['output'];
  capacity: Scalars['Int']['output'];
  current: Scalars['Int']['output'];
  leaving: Scalars['Int']['output'];
  mentorId: Scalars['Int']['output'];
  overCapacity: Scalars['Boolean']['output'];
  proposed: Scalars['Int']['output'];
};

/** A path a mentor mentors on (R3): since when, who added it, and any override. */
export type MentorPathEntry = {
  __typename?: 'MentorPathEntry';
  /** "staff:<token id>", "mentor:<id>", "system", ... */
  addedBy: Scalars['String']['output'];
  addedOn: Scalars['Date']['output'];
  /** Added before three months of mentoring, by staff. */
  override: Scalars['Boolean']['output'];
  overrideReason: Scalars['String']['output'];
  path: Path;
};

export type MentorPathPayload = {
  __typename?: 'MentorPathPayload';
  mentor: Mentor;
  path: MentorPathEntry;
};

export type MentorPathResult = ConflictError | MentorPathPayload | NotFoundError | ValidationError;

export type MentorPayload = {
  __typename?: 'MentorPayload';
  mentor: Mentor;
};

export type MentorResult = ConflictError | MentorPayload | NotFoundError | ValidationError;

/** Ended sessions of a Paris calendar month, by level and status (R17), in EUR. */
export type MentorStatement = {
  __typename?: 'MentorStatement';
  billableSessions: Scalars['Int']['output'];
  /** The same statement as CSV (also at /statements/...csv). */
  csv: Scalars['String']['output'];
  groups: Array<StatementGroup>;
  lines: Array<StatementLine>;
  mentorId: Scalars['Int']['output'];
  mentorName: Scalars['String']['output'];
  month: Scalars['Date']['output'];
  /** Sessions of the month that took place but were not ended yet: not on the statement. */
  notEnded: Scalars['Int']['output'];
  total: Scalars['Decimal']['output'];
};

export type MentorStatus =
  | 'ACTIVE'
  | 'LEFT'
  | 'PAUSED';

export type Mentorship = {
  __typename?: 'Mentorship';
  /** Every start and end of this pair, oldest first (the audit trail). */
  changes: Array<PairingChangeEntry>;
  endReason?: Maybe<MentorshipEndReason>;
  endedOn?: Maybe<Scalars['Date']['output']>;
  id: Scalars['Int']['output'];
  mentor: Mentor;
  slot: WeeklySlot;
  startedOn: Scalars['Date']['output'];
  student: Student;
};

export type MentorshipEndReason =
  | 'ABSENCE_HANDOVER'
  | 'ABSENCE_OVER'
  | 'CHANGE_REQUESTED_BY_MENTOR'
  | 'CHANGE_REQUESTED_BY_STUDENT'
  | 'COMPLETED'
  | 'MENTOR_LEFT'
  | 'PROJECT_CHANGE'
  | 'REMATCHED';

export type MentorshipPayload = {
  __typename?: 'MentorshipPayload';
  mentorship: Mentorship;
};

export type MentorshipResult = ConflictError | MentorshipPayload | NotFoundError | ValidationError;

export type Mutation = {
  __typename?: 'Mutation';
  /** Put a mentor on another path (R3): after three months of mentoring (PATH_NOT_ALLOWED_YET before, with the date it becomes possible), or earlier by a staff override with a reason, which is recorded. Staff, or the mentor themself (without override). */
  addMentorPath: MentorPathResult;
  /** Choose the assessor and the Paris time by hand (or move a scheduled presentation). Never the student's mentor, current or past (R20). */
  assignAssessor: AssignAssessorResult;
  /** Look again for an assessor for an assessment awaiting one: the least loaded eligible mentor with a common slot in the next horizonDays days, or the reason there is none. */
  autoAssignAssessor: AssessmentResult;
  /** Book one session in Paris wall-clock time (R14, R15). */
  bookSession: SessionResult;
  /** Cancel an absence before it starts; students already handed over come back now. */
  cancelAbsence: CancelAbsenceResult;
  /** Cancel an assessment awaiting an assessor or scheduled. */
  cancelAssessment: AssessmentResult;
  /** Cancel a run: a queued one at once, a running one within seconds. */
  cancelRun: CancelRunResult;
  /** Cancel: CANCELLED more than 24 h before the start, LATE_CANCELLED after (billed). */
  cancelSession: SessionResult;
  /** Create a mentor with projects, capacity (1-20) and availability. */
  createMentor: MentorResult;
  /** Pair a student with a mentor by hand and book the discovery session (Paris time). */
  createMentorship: MentorshipResult;
  createPath: PathResult;
  createProject: ProjectResult;
  /** Enrol a student on a path and project, with profile and availability. */
  createStudent: StudentResult;
  /** End a session (status required, R16): billable at the student's current level (R17); optionally book the next one (R19). */
  endSession: EndSessionResult;
  /** The student finished their current project: move on (R8, R9) and create its assessment, with an assessor found automatically when possible (R20). */
  finishProject: FinishProjectResult;
  /** A mentor gives notice (R6): their last day, 14 days ahead at least. Their students are re-matched by a run staff publish; nothing is assigned to the mentor any more. */
  giveNotice: NoticeResult;
  /** Publish a succeeded run's pairs as mentorships, all or nothing; publishing again changes nothing. Refused when a mentor or student of an accepted pair changed since the solve. */
  publishRun: PublishRunResult;
  /** Record a mentor's absence (R5): the sessions inside it are cancelled without penalty; up to 14 days the mentor books catch-up sessions, longer the students are handed to substitutes (handoverRun) and come back when it ends. */
  recordAbsence: AbsenceResult;
  /** The presentation took place: passed or failed, with notes. */
  recordAssessmentResult: AssessmentResult;
  /** End a pair at the student's or the mentor's request, without reason (R7). Future sessions are cancelled without penalty and the pair is never proposed again. */
  requestMentorChange: ChangeResult;
  /** Move a scheduled session (its calendar SEQUENCE grows). */
  rescheduleSession: SessionResult;
  /** Create or rotate the secret iCalendar feed URL of a mentor or a student. */
  rotateCalendarFeed: CalendarFeedResult;
  /** Book the mentorship's weekly slot for the next weeks (R13). */
  scheduleSeries: SeriesResult;
  /** Write the R18 notes of a discovery session. */
  setDiscoveryNotes: DiscoveryNoteResult;
  /** Replace all of a mentor's weekly windows (in the mentor's zone). */
  setMentorAvailability: MentorResult;
  /** Record how the session went: COMPLETED or STUDENT_ABSENT (R16). */
  setSessionStatus: SessionResult;
  /** Replace all of a student's weekly windows (in the student's zone). */
  setStudentAvailability: StudentResult;
  /** Start a matching run; its job is enqueued once the run is stored. */
  startRun: StartRunResult;
  /** Change a mentor; omitted fields keep their value. */
  updateMentor: MentorResult;
  updatePath: PathResult;
  updateProject: ProjectResult;
  /** Shared notes and the private comment (mentors and staff only). */
  updateSessionNotes: SessionResult;
  /** Change a student; omitted fields keep their value. */
  updateStudent: StudentResult;
  /** Take a notice back, up to the last day (R6). */
  withdrawNotice: NoticeResult;
};


export type MutationAddMentorPathArgs = {
  input: AddMentorPathInput;
};


export type MutationAssignAssessorArgs = {
  input: AssignAssessorInput;
};


export type MutationAutoAssignAssessorArgs = {
  assessmentId: Scalars['Int']['input'];
  horizonDays?: Scalars['Int']['input'];
};


export type MutationBookSessionArgs = {
  input: BookSessionInput;
};


export type MutationCancelAbsenceArgs = {
  id: Scalars['Int']['input'];
};


export type MutationCancelAssessmentArgs = {
  input: CancelAssessmentInput;
};


export type MutationCancelRunArgs = {
  id: Scalars['UUID']['input'];
};


export type MutationCancelSessionArgs = {
  id: Scalars['Int']['input'];
};


export type MutationCreateMentorArgs = {
  input: CreateMentorInput;
};


export type MutationCreateMentorshipArgs = {
  input: CreateMentorshipInput;
};


export type MutationCreatePathArgs = {
  input: CreatePathInput;
};


export type MutationCreateProjectArgs = {
  input: CreateProjectInput;
};


export type MutationCreateStudentArgs = {
  input: CreateStudentInput;
};


export type MutationEndSessionArgs = {
  input: EndSessionInput;
};


export type MutationFinishProjectArgs = {
  input: FinishProjectInput;
};


export type MutationGiveNoticeArgs = {
  input: GiveNoticeInput;
};


export type MutationPublishRunArgs = {
  input: PublishRunInput;
};


export type MutationRecordAbsenceArgs = {
  input: RecordAbsenceInput;
};


export type MutationRecordAssessmentResultArgs = {
  input: RecordAssessmentResultInput;
};


export type MutationRequestMentorChangeArgs = {
  input: RequestMentorChangeInput;
};


export type MutationRescheduleSessionArgs = {
  input: RescheduleSessionInput;
};


export type MutationRotateCalendarFeedArgs = {
  input: RotateCalendarFeedInput;
};


export type MutationScheduleSeriesArgs = {
  input: ScheduleSeriesInput;
};


export type MutationSetDiscoveryNotesArgs = {
  input: DiscoveryNoteInput;
};


export type MutationSetMentorAvailabilityArgs = {
  mentorId: Scalars['Int']['input'];
  windows: Array<AvailabilityWindowInput>;
};


export type MutationSetSessionStatusArgs = {
  input: SetSessionStatusInput;
};


export type MutationSetStudentAvailabilityArgs = {
  studentId: Scalars['Int']['input'];
  windows: Array<AvailabilityWindowInput>;
};


export type MutationStartRunArgs = {
  input: StartRunInput;
};


export type MutationUpdateMentorArgs = {
  input: UpdateMentorInput;
};


export type MutationUpdatePathArgs = {
  input: UpdatePathInput;
};


export type MutationUpdateProjectArgs = {
  input: UpdateProjectInput;
};


export type MutationUpdateSessionNotesArgs = {
  input: SessionNotesInput;
};


export type MutationUpdateStudentArgs = {
  input: UpdateStudentInput;
};


export type MutationWithdrawNoticeArgs = {
  mentorId: Scalars['Int']['input'];
};

/** An object the request names does not exist (or is not yours to see). */
export type NotFoundError = UserError & {
  __typename?: 'NotFoundError';
  code: ErrorCode;
  /** The input field at fault, as a dotted path. */
  field?: Maybe<Scalars['String']['output']>;
  message: Scalars['String']['output'];
};

export type NoticePayload = {
  __typename?: 'NoticePayload';
  mentor: Mentor;
  /** The run re-matching the mentor's current students, for staff to review and publish (shown to staff only; null when the mentor has no current student). */
  rematchRun?: Maybe<MatchingRun>;
};

export type NoticeResult = ConflictError | NotFoundError | NoticePayload | ValidationError;

export type PageInfo = {
  __typename?: 'PageInfo';
  endCursor?: Maybe<Scalars['String']['output']>;
  hasNextPage: Scalars['Boolean']['output'];
};

/** What a proposed pair changes against the student's current pair. */
export type PairChangeKind =
  | 'MOVED'
  | 'NEW'
  | 'NEW_MENTOR'
  | 'SAME';

/** A pairing started or ended (the audit trail). */
export type PairingAction =
  | 'ENDED'
  | 'STARTED';

/** Why a pairing changed (the audit trail). */
export type PairingCause =
  | 'ABSENCE'
  | 'MANUAL'
  | 'NOTICE'
  | 'PATH_COMPLETED'
  | 'PROJECT_CHANGE'
  | 'REQUEST'
  | 'RETURN'
  | 'RUN';

/** One start or end of a mentorship: who did it, when and why (the audit trail). */
export type PairingChangeEntry = {
  __typename?: 'PairingChangeEntry';
  action: PairingAction;
  /** "staff:<token id>", "mentor:<id>", "student:<id>" or "system". */
  actor: Scalars['String']['output'];
  /** The instant, in UTC. */
  at: Scalars['DateTime']['output'];
  /** The same instant in Paris wall-clock time, ISO 8601 with its offset. */
  atParis: Scalars['String']['output'];
  cause: PairingCause;
  /** The run id, absence id, ... behind it (may be empty). */
  causeRef: Scalars['String']['output'];
  id: Scalars['Int']['output'];
  mentorId: Scalars['Int']['output'];
  mentorshipId: Scalars['Int']['output'];
  reason: Scalars['String']['output'];
  studentId: Scalars['Int']['output'];
};

/** A page of results. Ask for the next one with after: pageInfo.endCursor. */
export type PairingChangeEntryConnection = {
  __typename?: 'PairingChangeEntryConnection';
  edges: Array<PairingChangeEntryEdge>;
  pageInfo: PageInfo;
  /** How many objects match, over all pages (one more SQL query). */
  totalCount: Scalars['Int']['output'];
};

export type PairingChangeEntryEdge = {
  __typename?: 'PairingChangeEntryEdge';
  cursor: Scalars['String']['output'];
  node: PairingChangeEntry;
};

/** Availability converted to the Paris week for one concrete week (R4). */
export type ParisWeek = {
  __typename?: 'ParisWeek';
  monday: Scalars['Date']['output'];
  notice?: Maybe<Scalars['String']['output']>;
  /** How far the owner's windows moved in Paris time this week compared with January, because their zone changes clocks on other dates than Paris (0 for most weeks). */
  shiftMinutes: Scalars['Int']['output'];
  windows: Array<AvailabilityWindow>;
};

export type Path = {
  __typename?: 'Path';
  description: Scalars['String']['output'];
  durationMonths: Scalars['Int']['output'];
  id: Scalars['Int']['output'];
  name: Scalars['String']['output'];
  projects: Array<Project>;
};

/** A page of results. Ask for the next one with after: pageInfo.endCursor. */
export type PathConnection = {
  __typename?: 'PathConnection';
  edges: Array<PathEdge>;
  pageInfo: PageInfo;
  /** How many objects match, over all pages (one more SQL query). */
  totalCount: Scalars['Int']['output'];
};

export type PathEdge = {
  __typename?: 'PathEdge';
  cursor: Scalars['String']['output'];
  node: Path;
};

export type PathPayload = {
  __typename?: 'PathPayload';
  path: Path;
};

export type PathResult = ConflictError | NotFoundError | PathPayload | ValidationError;

export type Project = {
  __typename?: 'Project';
  description: Scalars['String']['output'];
  id: Scalars['Int']['output'];
  /** Expertise level 1-3; sets the rate per session (R17). */
  level: Scalars['Int']['output'];
  name: Scalars['String']['output'];
  path: Path;
  position: Scalars['Int']['output'];
};

/** A page of results. Ask for the next one with after: pageInfo.endCursor. */
export type ProjectConnection = {
  __typename?: 'ProjectConnection';
  edges: Array<ProjectEdge>;
  pageInfo: PageInfo;
  /** How many objects match, over all pages (one more SQL query). */
  totalCount: Scalars['Int']['output'];
};

export type ProjectEdge = {
  __typename?: 'ProjectEdge';
  cursor: Scalars['String']['output'];
  node: Project;
};

export type ProjectPayload = {
  __typename?: 'ProjectPayload';
  project: Project;
};

export type ProjectResult = ConflictError | NotFoundError | ProjectPayload | ValidationError;

export type Proposal = {
  __typename?: 'Proposal';
  figures: Scalars['JSON']['output'];
  mentorLoads: Array<MentorLoad>;
  pairs: Array<ProposedPair>;
  placed: Scalars['Int']['output'];
  solverStatus: Scalars['String']['output'];
  unplaced: Array<UnplacedStudent>;
  upperBound: Scalars['Int']['output'];
  /** The Monday of the Paris week the slots were planned on. */
  week: Scalars['Date']['output'];
};

export type ProposedPair = {
  __typename?: 'ProposedPair';
  change: PairChangeKind;
  currentMentorId?: Maybe<Scalars['Int']['output']>;
  currentSlot?: Maybe<WeeklySlot>;
  mentorId: Scalars['Int']['output'];
  /** The weekly slot in Paris time. */
  slot: WeeklySlot;
  studentId: Scalars['Int']['output'];
};

export type PublishPayload = {
  __typename?: 'PublishPayload';
  created: Array<Mentorship>;
  ended: Array<Mentorship>;
  run: MatchingRun;
};

/** Publish all pairs, only acceptStudentIds, or all but rejectStudentIds. */
export type PublishRunInput = {
  acceptStudentIds?: InputMaybe<Array<Scalars['Int']['input']>>;
  rejectStudentIds?: InputMaybe<Array<Scalars['Int']['input']>>;
  runId: Scalars['UUID']['input'];
};

export type PublishRunResult = ConflictError | NotFoundError | PublishPayload | ValidationError;

export type Query = {
  __typename?: 'Query';
  /** Assessments (R20), by student, assessor or status. A mentor reads those they assess (assessorId = self), a student their own (studentId = self). */
  assessments: AssessmentConnection;
  /** A matching run, with its proposal for review. */
  matchingRun?: Maybe<MatchingRun>;
  /** The latest matching runs, newest first. */
  matchingRuns: Array<MatchingRun>;
  mentor?: Maybe<Mentor>;
  /** A mentor's absences, latest first, cancelled ones included (R5). */
  mentorAbsences: Array<MentorAbsence>;
  /** A mentor's statement for a Paris calendar month, `month` as YYYY-MM. */
  mentorStatement: MentorStatement;
  /** Mentors, optionally those who list a project, or any project of a path. */
  mentors: MentorConnection;
  mentorship?: Maybe<Mentorship>;
  /** The pairing audit trail, oldest first (in the order the changes were written). Staff read every row; a mentor the rows of their own pairs, a student those of their own. `since` is included, `until` excluded; both are instants with a UTC offset. */
  pairingChanges: PairingChangeEntryConnection;
  path?: Maybe<Path>;
  paths: PathConnection;
  project?: Maybe<Project>;
  projects: ProjectConnection;
  /** Sessions of the Paris ISO week containing `week`, by mentor or student. */
  sessions: SessionConnection;
  student?: Maybe<Student>;
  /** Students; withoutMentor: true lists those waiting for a mentor. */
  students: StudentConnection;
  /** The signed-in viewer (all null when anonymous). */
  viewer: ViewerInfo;
  /** Staff: students with no current mentor (of one path, if given), longest waiting first (by waitingSince, then student id). */
  waitingStudents: WaitingStudentConnection;
};


export type QueryAssessmentsArgs = {
  after?: InputMaybe<Scalars['String']['input']>;
  assessorId?: InputMaybe<Scalars['Int']['input']>;
  first?: InputMaybe<Scalars['Int']['input']>;
  status?: InputMaybe<AssessmentStatus>;
  studentId?: InputMaybe<Scalars['Int']['input']>;
};


export type QueryMatchingRunArgs = {
  id: Scalars['UUID']['input'];
};


export type QueryMatchingRunsArgs = {
  first?: Scalars['Int']['input'];
  status?: InputMaybe<RunStatus>;
};


export type QueryMentorArgs = {
  id: Scalars['Int']['input'];
};


export type QueryMentorAbsencesArgs = {
  mentorId: Scalars['Int']['input'];
};


export type QueryMentorStatementArgs = {
  mentorId: Scalars['Int']['input'];
  month: Scalars['String']['input'];
};


export type QueryMentorsArgs = {
  after?: InputMaybe<Scalars['String']['input']>;
  first?: InputMaybe<Scalars['Int']['input']>;
  pathId?: InputMaybe<Scalars['Int']['input']>;
  projectId?: InputMaybe<Scalars['Int']['input']>;
  status?: InputMaybe<MentorStatus>;
};


export type QueryMentorshipArgs = {
  id: Scalars['Int']['input'];
};


export type QueryPairingChangesArgs = {
  after?: InputMaybe<Scalars['String']['input']>;
  cause?: InputMaybe<PairingCause>;
  first?: InputMaybe<Scalars['Int']['input']>;
  mentorId?: InputMaybe<Scalars['Int']['input']>;
  since?: InputMaybe<Scalars['DateTime']['input']>;
  studentId?: InputMaybe<Scalars['Int']['input']>;
  until?: InputMaybe<Scalars['DateTime']['input']>;
};


export type QueryPathArgs = {
  id: Scalars['Int']['input'];
};


export type QueryPathsArgs = {
  after?: InputMaybe<Scalars['String']['input']>;
  first?: InputMaybe<Scalars['Int']['input']>;
};


export type QueryProjectArgs = {
  id: Scalars['Int']['input'];
};


export type QueryProjectsArgs = {
  after?: InputMaybe<Scalars['String']['input']>;
  first?: InputMaybe<Scalars['Int']['input']>;
  level?: InputMaybe<Scalars['Int']['input']>;
  pathId?: InputMaybe<Scalars['Int']['input']>;
};


export type QuerySessionsArgs = {
  after?: InputMaybe<Scalars['String']['input']>;
  first?: InputMaybe<Scalars['Int']['input']>;
  mentorId?: InputMaybe<Scalars['Int']['input']>;
  status?: InputMaybe<SessionStatus>;
  studentId?: InputMaybe<Scalars['Int']['input']>;
  week: Scalars['Date']['input'];
};


export type QueryStudentArgs = {
  id: Scalars['Int']['input'];
};


export type QueryStudentsArgs = {
  after?: InputMaybe<Scalars['String']['input']>;
  first?: InputMaybe<Scalars['Int']['input']>;
  pathId?: InputMaybe<Scalars['Int']['input']>;
  projectId?: InputMaybe<Scalars['Int']['input']>;
  withoutMentor?: InputMaybe<Scalars['Boolean']['input']>;
};


export type QueryWaitingStudentsArgs = {
  after?: InputMaybe<Scalars['String']['input']>;
  first?: InputMaybe<Scalars['Int']['input']>;
  pathId?: InputMaybe<Scalars['Int']['input']>;
};

/** Paris dates, both included. More than 14 days: the students are handed over. */
export type RecordAbsenceInput = {
  endsOn: Scalars['Date']['input'];
  mentorId: Scalars['Int']['input'];
  reason?: Scalars['String']['input'];
  startsOn: Scalars['Date']['input'];
};

export type RecordAssessmentResultInput = {
  id: Scalars['Int']['input'];
  notes?: Scalars['String']['input'];
  passed: Scalars['Boolean']['input'];
};

export type RequestMentorChangeInput = {
  mentorshipId: Scalars['Int']['input'];
  /** Queue a run placing the student with another mentor now, for staff to review. */
  proposeReplacement?: Scalars['Boolean']['input'];
  /** Optional, never required; kept in the audit. */
  reason?: Scalars['String']['input'];
  /** Staff say on whose behalf they ask; a mentor or a student asks for themself. */
  requestedBy?: InputMaybe<ChangeRequestedBy>;
};

export type RescheduleSessionInput = {
  durationMinutes?: InputMaybe<Scalars['Int']['input']>;
  fold?: InputMaybe<Scalars['Int']['input']>;
  id: Scalars['Int']['input'];
  startsAt: Scalars['String']['input'];
};

export type RotateCalendarFeedInput = {
  owner: FeedOwner;
  ownerId: Scalars['Int']['input'];
};

export type RunPayload = {
  __typename?: 'RunPayload';
  run: MatchingRun;
};

/** The solver's latest figures for a run. */
export type RunProgress = {
  __typename?: 'RunProgress';
  elapsedS: Scalars['Float']['output'];
  phase: Scalars['String']['output'];
  placed: Scalars['Int']['output'];
  /** A proven ceiling on how many students can be placed. */
  upperBound: Scalars['Int']['output'];
};

/** A run's status or progress changed (matchingRunProgress). */
export type RunProgressEvent = {
  __typename?: 'RunProgressEvent';
  elapsedS: Scalars['Float']['output'];
  error: Scalars['String']['output'];
  /** Pass the last one seen as afterEventId to resume. */
  eventId: Scalars['Int']['output'];
  phase: Scalars['String']['output'];
  placed: Scalars['Int']['output'];
  runId: Scalars['UUID']['output'];
  status: RunStatus;
  upperBound: Scalars['Int']['output'];
};

/** All waiting students (nothing given), those of a path, or a list of students. */
export type RunScopeInput = {
  pathId?: InputMaybe<Scalars['Int']['input']>;
  studentIds?: InputMaybe<Array<Scalars['Int']['input']>>;
};

export type RunStatus =
  | 'CANCELLED'
  | 'FAILED'
  | 'PUBLISHED'
  | 'QUEUED'
  | 'RUNNING'
  | 'STALE'
  | 'SUCCEEDED';

export type ScheduleSeriesInput = {
  /** Any day of each week the mentor is away: skipped and reported. */
  absentWeeks?: Array<Scalars['Date']['input']>;
  /** Any day of the first Paris week. */
  firstWeek: Scalars['Date']['input'];
  mentorshipId: Scalars['Int']['input'];
  weeks: Scalars['Int']['input'];
};

export type SeriesPayload = {
  __typename?: 'SeriesPayload';
  /** Created sessions moved by a DST change. */
  adjusted: Array<SeriesWeek>;
  created: Array<Session>;
  skipped: Array<SeriesWeek>;
};

export type SeriesResult = ConflictError | NotFoundError | SeriesPayload | SlotTaken | ValidationError;

/** One week of a series: the slot's wall-clock time and what happened to it. */
export type SeriesWeek = {
  __typename?: 'SeriesWeek';
  /** gap_moved: the time did not exist (spring change), moved to the first minute after it; ambiguous_first: the time happened twice (autumn change), the first was taken. */
  adjustment?: Maybe<Scalars['String']['output']>;
  message?: Maybe<Scalars['String']['output']>;
  /** Why the week was skipped. */
  reason?: Maybe<Scalars['String']['output']>;
  /** The start actually used, ISO 8601 with offset. */
  startsAtParis: Scalars['String']['output'];
  /** The slot's wall-clock time that week (Paris). */
  wallTime: Scalars['String']['output'];
  week: Scalars['Date']['output'];
};

export type Session = {
  __typename?: 'Session';
  /** EUR owed to the mentor, frozen at the end. */
  billedAmount?: Maybe<Scalars['Decimal']['output']>;
  /** Project level frozen at the end (R17). */
  billedLevel?: Maybe<Scalars['Int']['output']>;
  /** A catch-up session after a mentor's absence (R5). */
  catchUp: Scalars['Boolean']['output'];
  catchUpReason: Scalars['String']['output'];
  /** R18 notes of a discovery session (shared with the student). */
  discoveryNote?: Maybe<DiscoveryNote>;
  durationMinutes: Scalars['Int']['output'];
  /** When the session was ended (billable, R17). */
  endedAt?: Maybe<Scalars['DateTime']['output']>;
  endsAt: Scalars['DateTime']['output'];
  id: Scalars['Int']['output'];
  kind: SessionKind;
  mentorId: Scalars['Int']['output'];
  /** Notes shared with the student (R16). */
  notes: Scalars['String']['output'];
  /** Mentors and staff only, never the student (R16); its own resolver so that the access layer can guard it. */
  privateComment?: Maybe<Scalars['String']['output']>;
  /** iCalendar SEQUENCE: grows with every change. */
  sequence: Scalars['Int']['output'];
  /** The instant, in UTC. */
  startsAt: Scalars['DateTime']['output'];
  /** Start in Paris wall-clock time, ISO 8601 with its offset. */
  startsAtParis: Scalars['String']['output'];
  status: SessionStatus;
  studentId: Scalars['Int']['output'];
};

/** A page of results. Ask for the next one with after: pageInfo.endCursor. */
export type SessionConnection = {
  __typename?: 'SessionConnection';
  edges: Array<SessionEdge>;
  pageInfo: PageInfo;
  /** How many objects match, over all pages (one more SQL query). */
  totalCount: Scalars['Int']['output'];
};

export type SessionEdge = {
  __typename?: 'SessionEdge';
  cursor: Scalars['String']['output'];
  node: Session;
};

export type SessionKind =
  | 'DISCOVERY'
  | 'PRESENTATION'
  | 'REGULAR';

export type SessionNotesInput = {
  id: Scalars['Int']['input'];
  notes?: InputMaybe<Scalars['String']['input']>;
  /** Never shown to the student. */
  privateComment?: InputMaybe<Scalars['String']['input']>;
};

export type SessionPayload = {
  __typename?: 'SessionPayload';
  session: Session;
};

export type SessionResult = ConflictError | NotFoundError | SessionPayload | SlotTaken | ValidationError;

export type SessionStatus =
  | 'CANCELLED'
  | 'COMPLETED'
  | 'LATE_CANCELLED'
  | 'SCHEDULED'
  | 'STUDENT_ABSENT';

export type SetSessionStatusInput = {
  id: Scalars['Int']['input'];
  status: SessionStatus;
};

/** The mentor or the student already has a session at that time; nothing stored. */
export type SlotTaken = UserError & {
  __typename?: 'SlotTaken';
  code: ErrorCode;
  /** The input field at fault, as a dotted path. */
  field?: Maybe<Scalars['String']['output']>;
  message: Scalars['String']['output'];
};

export type StartRunInput = {
  scope?: InputMaybe<RunScopeInput>;
  seed?: Scalars['Int']['input'];
  timeLimitS?: Scalars['Float']['input'];
  /** Monday of the Paris week to plan slots on; default next week. */
  week?: InputMaybe<Scalars['Date']['input']>;
  weights?: InputMaybe<WeightsInput>;
};

export type StartRunResult = AlreadyRunningError | NotFoundError | RunPayload | ValidationError;

/** Sessions of one project level and one status, with their total. */
export type StatementGroup = {
  __typename?: 'StatementGroup';
  amount: Scalars['Decimal']['output'];
  level: Scalars['Int']['output'];
  sessions: Scalars['Int']['output'];
  status: SessionStatus;
};

export type StatementLine = {
  __typename?: 'StatementLine';
  amount: Scalars['Decimal']['output'];
  kind: SessionKind;
  level: Scalars['Int']['output'];
  sessionId: Scalars['Int']['output'];
  startsAt: Scalars['DateTime']['output'];
  startsAtParis: Scalars['String']['output'];
  status: SessionStatus;
  studentId: Scalars['Int']['output'];
  studentName: Scalars['String']['output'];
};

export type Student = {
  __typename?: 'Student';
  address: Scalars['String']['output'];
  /** Weekdays the funding allows (R11). */
  allowedWeekdays: Array<Scalars['Int']['output']>;
  availability: Array<AvailabilityWindow>;
  currentProject: Project;
  email: Scalars['String']['output'];
  funding: Funding;
  id: Scalars['Int']['output'];
  languages: Array<Scalars['String']['output']>;
  latestDiploma: Scalars['String']['output'];
  /** The current mentor, or null while waiting for one. */
  mentor?: Maybe<Mentor>;
  /** The current mentorship, or null while waiting for a mentor. */
  mentorship?: Maybe<Mentorship>;
  name: Scalars['String']['output'];
  /** Availability in Paris time for the week containing `week`. */
  parisAvailability: ParisWeek;
  path: Path;
  phone: Scalars['String']['output'];
  photoUrl: Scalars['String']['output'];
  sessionMinutes: Scalars['Int']['output'];
  /** Sessions, all or those of the Paris ISO week containing `week`. */
  sessions: Array<Session>;
  status: StudentStatus;
  timezone: Scalars['String']['output'];
  trainingObjective: Scalars['String']['output'];
  weeklyHours: Scalars['Int']['output'];
};


export type StudentParisAvailabilityArgs = {
  week: Scalars['Date']['input'];
};


export type StudentSessionsArgs = {
  week?: InputMaybe<Scalars['Date']['input']>;
};

/** A page of results. Ask for the next one with after: pageInfo.endCursor. */
export type StudentConnection = {
  __typename?: 'StudentConnection';
  edges: Array<StudentEdge>;
  pageInfo: PageInfo;
  /** How many objects match, over all pages (one more SQL query). */
  totalCount: Scalars['Int']['output'];
};

export type StudentEdge = {
  __typename?: 'StudentEdge';
  cursor: Scalars['String']['output'];
  node: Student;
};

export type StudentPayload = {
  __typename?: 'StudentPayload';
  student: Student;
};

export type StudentResult = ConflictError | NotFoundError | StudentPayload | ValidationError;

export type StudentStatus =
  | 'EMPLOYEE'
  | 'JOB_SEEKER'
  | 'OTHER'
  | 'STUDENT';

export type Subscription = {
  __typename?: 'Subscription';
  /** A run's status and progress (elapsed, placed, bound) until it ends. Without afterEventId the run's whole history comes first. */
  matchingRunProgress: RunProgressEvent;
  /** The mentor's mentorships that start or end. Without afterEventId: from now on. */
  mentorAssignments: AssignmentEvent;
  /** The student's mentorships that start or end. Without afterEventId: from now on. */
  studentAssignments: AssignmentEvent;
};


export type SubscriptionMatchingRunProgressArgs = {
  afterEventId?: InputMaybe<Scalars['Int']['input']>;
  runId: Scalars['UUID']['input'];
};


export type SubscriptionMentorAssignmentsArgs = {
  afterEventId?: InputMaybe<Scalars['Int']['input']>;
  mentorId: Scalars['Int']['input'];
};


export type SubscriptionStudentAssignmentsArgs = {
  afterEventId?: InputMaybe<Scalars['Int']['input']>;
  studentId: Scalars['Int']['input'];
};

/** A student the solver could not place, and why. */
export type UnplacedStudent = {
  __typename?: 'UnplacedStudent';
  closestMentorIds: Array<Scalars['Int']['output']>;
  /** The counts behind the reason, camelCase like the rest of the API: mentorsForProject (mentors listing the student's project), allowedMentors (of those, the ones not forbidden: R7 history), mentorsWithRoom (allowed and below capacity), allowedStarts (the student's possible weekly start times), and when they apply seats (capacity of the allowed mentors, with ALL_MENTORS_FULL) and mentorsWithRoomAndSlot (mentors with room sharing a slot with the student). */
  facts: Scalars['JSON']['output'];
  /** NO_MENTOR_FOR_PROJECT, ONLY_FORBIDDEN_MENTORS, ALL_MENTORS_FULL, NO_COMMON_SLOT or LOST_TO_COMPETITION. */
  reason: Scalars['String']['output'];
  studentId: Scalars['Int']['output'];
};

export type UpdateMentorInput = {
  capacity?: InputMaybe<Scalars['Int']['input']>;
  email?: InputMaybe<Scalars['String']['input']>;
  id: Scalars['Int']['input'];
  languages?: InputMaybe<Array<Scalars['String']['input']>>;
  name?: InputMaybe<Scalars['String']['input']>;
  projectIds?: InputMaybe<Array<Scalars['Int']['input']>>;
  startDate?: InputMaybe<Scalars['Date']['input']>;
  status?: InputMaybe<MentorStatus>;
  timezone?: InputMaybe<Scalars['String']['input']>;
};

export type UpdatePathInput = {
  description?: InputMaybe<Scalars['String']['input']>;
  durationMonths?: InputMaybe<Scalars['Int']['input']>;
  id: Scalars['Int']['input'];
  name?: InputMaybe<Scalars['String']['input']>;
};

export type UpdateProjectInput = {
  description?: InputMaybe<Scalars['String']['input']>;
  id: Scalars['Int']['input'];
  level?: InputMaybe<Scalars['Int']['input']>;
  name?: InputMaybe<Scalars['String']['input']>;
  position?: InputMaybe<Scalars['Int']['input']>;
};

export type UpdateStudentInput = {
  address?: InputMaybe<Scalars['String']['input']>;
  allowedWeekdays?: InputMaybe<Array<Scalars['Int']['input']>>;
  currentProjectId?: InputMaybe<Scalars['Int']['input']>;
  email?: InputMaybe<Scalars['String']['input']>;
  funding?: InputMaybe<Funding>;
  id: Scalars['Int']['input'];
  languages?: InputMaybe<Array<Scalars['String']['input']>>;
  latestDiploma?: InputMaybe<Scalars['String']['input']>;
  name?: InputMaybe<Scalars['String']['input']>;
  phone?: InputMaybe<Scalars['String']['input']>;
  photoUrl?: InputMaybe<Scalars['String']['input']>;
  sessionMinutes?: InputMaybe<Scalars['Int']['input']>;
  status?: InputMaybe<StudentStatus>;
  timezone?: InputMaybe<Scalars['String']['input']>;
  trainingObjective?: InputMaybe<Scalars['String']['input']>;
  weeklyHours?: InputMaybe<Scalars['Int']['input']>;
};

/** A problem with the request that the client can show or fix. */
export type UserError = {
  code: ErrorCode;
  /** The input field at fault, as a dotted path. */
  field?: Maybe<Scalars['String']['output']>;
  message: Scalars['String']['output'];
};

/** The input breaks a rule; nothing was stored. */
export type ValidationError = UserError & {
  __typename?: 'ValidationError';
  code: ErrorCode;
  /** The input field at fault, as a dotted path. */
  field?: Maybe<Scalars['String']['output']>;
  message: Scalars['String']['output'];
};

/** Who the request's bearer token speaks for. */
export type ViewerInfo = {
  __typename?: 'ViewerInfo';
  mentorId?: Maybe<Scalars['Int']['output']>;
  role?: Maybe<Scalars['String']['output']>;
  studentId?: Maybe<Scalars['Int']['output']>;
};

/** A student waiting for a mentor, with what a re-match must know. */
export type WaitingStudent = {
  __typename?: 'WaitingStudent';
  /** Mentors whose pair with this student ended at either side's request (R7): never proposed again. */
  forbiddenMentorIds: Array<Scalars['Int']['output']>;
  lastEndReason?: Maybe<MentorshipEndReason>;
  lastMentorId?: Maybe<Scalars['Int']['output']>;
  previousMentorIds: Array<Scalars['Int']['output']>;
  student: Student;
  studentId: Scalars['Int']['output'];
  /** The Paris date their last pair ended, or the day they were created when never paired. */
  waitingSince: Scalars['Date']['output'];
};

/** A page of results. Ask for the next one with after: pageInfo.endCursor. */
export type WaitingStudentConnection = {
  __typename?: 'WaitingStudentConnection';
  edges: Array<WaitingStudentEdge>;
  pageInfo: PageInfo;
  /** How many objects match, over all pages (one more SQL query). */
  totalCount: Scalars['Int']['output'];
};

export type WaitingStudentEdge = {
  __typename?: 'WaitingStudentEdge';
  cursor: Scalars['String']['output'];
  node: WaitingStudent;
};

export type WeeklySlot = {
  __typename?: 'WeeklySlot';
  minutes: Scalars['Int']['output'];
  /** Paris wall-clock time, HH:MM. */
  start: Scalars['String']['output'];
  weekday: Scalars['Int']['output'];
};

/** Objective weights; omitted ones keep the solver's defaults. */
export type WeightsInput = {
  fill?: InputMaybe<Scalars['Int']['input']>;
  kept?: InputMaybe<Scalars['Int']['input']>;
  language?: InputMaybe<Scalars['Int']['input']>;
  levelCost?: InputMaybe<Scalars['Int']['input']>;
  placed?: InputMaybe<Scalars['Int']['input']>;
  region?: InputMaybe<Scalars['Int']['input']>;
};

export type ViewerQueryVariables = Exact<{ [key: string]: never; }>;


export type ViewerQuery = { __typename?: 'Query', viewer: { __typename?: 'ViewerInfo', role?: string | null, mentorId?: number | null, studentId?: number | null } };

export type MentorHomeQueryVariables = Exact<{
  id: Scalars['Int']['input'];
  week: Scalars['Date']['input'];
}>;


export type MentorHomeQuery = { __typename?: 'Query', mentor?: { __typename?: 'Mentor', id: number, name: string, timezone: string, capacity: number, load: number, status: MentorStatus, lastDay?: string | null, noticeGivenOn?: string | null, availability: Array<{ __typename?: 'AvailabilityWindow', weekday: number, start: string, end: string }>, parisAvailability: { __typename?: 'ParisWeek', monday: string, shiftMinutes: number, notice?: string | null, windows: Array<{ __typename?: 'AvailabilityWindow', weekday: number, start: string, end: string }> }, students: { __typename?: 'StudentConnection', edges: Array<{ __typename?: 'StudentEdge', node: { __typename?: 'Student', id: number, name: string, currentProject: { __typename?: 'Project', name: string, level: number }, mentorship?: { __typename?: 'Mentorship', id: number, startedOn: string, slot: { __typename?: 'WeeklySlot', weekday: number, start: string, minutes: number } } | null } }> } } | null, sessions: { __typename?: 'SessionConnection', edges: Array<{ __typename?: 'SessionEdge', node: { __typename?: 'Session', id: number, kind: SessionKind, status: SessionStatus, startsAt: string, startsAtParis: string, durationMinutes: number, studentId: number, notes: string } }> }, mentorAbsences: Array<{ __typename?: 'MentorAbsence', id: number, startsOn: string, endsOn: string }> };

export type MentorAssignmentsSubscriptionVariables = Exact<{
  mentorId: Scalars['Int']['input'];
}>;


export type MentorAssignmentsSubscription = { __typename?: 'Subscription', mentorAssignments: { __typename?: 'AssignmentEvent', eventId: number, change: AssignmentChange, studentId: number, mentorshipId: number, cause?: PairingCause | null, startedOn: string, endedOn?: string | null, slot: { __typename?: 'WeeklySlot', weekday: number, start: string, minutes: number } } };

export type BookSessionMutationVariables = Exact<{
  input: BookSessionInput;
}>;


export type BookSessionMutation = { __typename?: 'Mutation', bookSession: { __typename: 'ConflictError', code: ErrorCode, field?: string | null, message: string } | { __typename: 'NotFoundError', code: ErrorCode, field?: string | null, message: string } | { __typename: 'SessionPayload', session: { __typename?: 'Session', id: number, startsAtParis: string } } | { __typename: 'SlotTaken', code: ErrorCode, field?: string | null, message: string } | { __typename: 'ValidationError', code: ErrorCode, field?: string | null, message: string } };

export type RescheduleSessionMutationVariables = Exact<{
  input: RescheduleSessionInput;
}>;


export type RescheduleSessionMutation = { __typename?: 'Mutation', rescheduleSession: { __typename: 'ConflictError', code: ErrorCode, field?: string | null, message: string } | { __typename: 'NotFoundError', code: ErrorCode, field?: string | null, message: string } | { __typename: 'SessionPayload', session: { __typename?: 'Session', id: number, startsAtParis: string } } | { __typename: 'SlotTaken', code: ErrorCode, field?: string | null, message: string } | { __typename: 'ValidationError', code: ErrorCode, field?: string | null, message: string } };

export type EndSessionMutationVariables = Exact<{
  input: EndSessionInput;
}>;


export type EndSessionMutation = { __typename?: 'Mutation', endSession: { __typename: 'ConflictError', code: ErrorCode, field?: string | null, message: string } | { __typename: 'EndSessionPayload', session: { __typename?: 'Session', id: number, status: SessionStatus } } | { __typename: 'NotFoundError', code: ErrorCode, field?: string | null, message: string } | { __typename: 'SlotTaken', code: ErrorCode, field?: string | null, message: string } | { __typename: 'ValidationError', code: ErrorCode, field?: string | null, message: string } };

export type RecordAbsenceMutationVariables = Exact<{
  input: RecordAbsenceInput;
}>;


export type RecordAbsenceMutation = { __typename?: 'Mutation', recordAbsence: { __typename: 'AbsencePayload' } | { __typename: 'ConflictError', code: ErrorCode, field?: string | null, message: string } | { __typename: 'NotFoundError', code: ErrorCode, field?: string | null, message: string } | { __typename: 'ValidationError', code: ErrorCode, field?: string | null, message: string } };

export type GiveNoticeMutationVariables = Exact<{
  input: GiveNoticeInput;
}>;


export type GiveNoticeMutation = { __typename?: 'Mutation', giveNotice: { __typename: 'ConflictError', code: ErrorCode, field?: string | null, message: string } | { __typename: 'NotFoundError', code: ErrorCode, field?: string | null, message: string } | { __typename: 'NoticePayload' } | { __typename: 'ValidationError', code: ErrorCode, field?: string | null, message: string } };

export type StaffPathsQueryVariables = Exact<{ [key: string]: never; }>;


export type StaffPathsQuery = { __typename?: 'Query', paths: { __typename?: 'PathConnection', edges: Array<{ __typename?: 'PathEdge', node: { __typename?: 'Path', id: number, name: string } }> }, waitingStudents: { __typename?: 'WaitingStudentConnection', totalCount: number }, matchingRuns: Array<{ __typename?: 'MatchingRun', id: string, status: RunStatus, createdAt: string, scope: unknown }> };

export type PathWaitingQueryVariables = Exact<{
  pathId: Scalars['Int']['input'];
}>;


export type PathWaitingQuery = { __typename?: 'Query', waitingStudents: { __typename?: 'WaitingStudentConnection', totalCount: number } };

export type StaffMentorsQueryVariables = Exact<{
  after?: InputMaybe<Scalars['String']['input']>;
}>;


export type StaffMentorsQuery = { __typename?: 'Query', mentors: { __typename?: 'MentorConnection', totalCount: number, pageInfo: { __typename?: 'PageInfo', hasNextPage: boolean, endCursor?: string | null }, edges: Array<{ __typename?: 'MentorEdge', node: { __typename?: 'Mentor', id: number, name: string, capacity: number, load: number, status: MentorStatus } }> } };

export type StartRunMutationVariables = Exact<{
  input: StartRunInput;
}>;


export type StartRunMutation = { __typename?: 'Mutation', startRun: { __typename: 'AlreadyRunningError', runId?: string | null, code: ErrorCode, field?: string | null, message: string } | { __typename: 'NotFoundError', code: ErrorCode, field?: string | null, message: string } | { __typename: 'RunPayload', run: { __typename?: 'MatchingRun', id: string, status: RunStatus } } | { __typename: 'ValidationError', code: ErrorCode, field?: string | null, message: string } };

export type CancelRunMutationVariables = Exact<{
  id: Scalars['UUID']['input'];
}>;


export type CancelRunMutation = { __typename?: 'Mutation', cancelRun: { __typename: 'ConflictError', code: ErrorCode, field?: string | null, message: string } | { __typename: 'NotFoundError', code: ErrorCode, field?: string | null, message: string } | { __typename: 'RunPayload', run: { __typename?: 'MatchingRun', id: string, status: RunStatus } } };

export type PublishRunMutationVariables = Exact<{
  input: PublishRunInput;
}>;


export type PublishRunMutation = { __typename?: 'Mutation', publishRun: { __typename: 'ConflictError', code: ErrorCode, field?: string | null, message: string } | { __typename: 'NotFoundError', code: ErrorCode, field?: string | null, message: string } | { __typename: 'PublishPayload', run: { __typename?: 'MatchingRun', id: string, status: RunStatus, publishedAt?: string | null }, created: Array<{ __typename?: 'Mentorship', id: number }>, ended: Array<{ __typename?: 'Mentorship', id: number }> } | { __typename: 'ValidationError', code: ErrorCode, field?: string | null, message: string } };

export type RunProgressSubscriptionVariables = Exact<{
  runId: Scalars['UUID']['input'];
}>;


export type RunProgressSubscription = { __typename?: 'Subscription', matchingRunProgress: { __typename?: 'RunProgressEvent', eventId: number, status: RunStatus, elapsedS: number, placed: number, upperBound: number, phase: string, error: string } };

export type StaffRunQueryVariables = Exact<{
  id: Scalars['UUID']['input'];
}>;


export type StaffRunQuery = { __typename?: 'Query', matchingRun?: { __typename?: 'MatchingRun', id: string, status: RunStatus, error: string, staleChanges?: unknown | null, publishedAt?: string | null, proposal?: { __typename?: 'Proposal', week: string, placed: number, upperBound: number, solverStatus: string, pairs: Array<{ __typename?: 'ProposedPair', studentId: number, mentorId: number, change: PairChangeKind, currentMentorId?: number | null, slot: { __typename?: 'WeeklySlot', weekday: number, start: string, minutes: number }, currentSlot?: { __typename?: 'WeeklySlot', weekday: number, start: string, minutes: number } | null }>, mentorLoads: Array<{ __typename?: 'MentorLoad', mentorId: number, capacity: number, current: number, proposed: number, leaving: number, after: number, overCapacity: boolean }>, unplaced: Array<{ __typename?: 'UnplacedStudent', studentId: number, reason: string, facts: unknown, closestMentorIds: Array<number> }> } | null } | null };

export type StudentNamesQueryVariables = Exact<{
  after?: InputMaybe<Scalars['String']['input']>;
}>;


export type StudentNamesQuery = { __typename?: 'Query', students: { __typename?: 'StudentConnection', pageInfo: { __typename?: 'PageInfo', hasNextPage: boolean, endCursor?: string | null }, edges: Array<{ __typename?: 'StudentEdge', node: { __typename?: 'Student', id: number, name: string } }> } };

export type StudentHomeQueryVariables = Exact<{
  id: Scalars['Int']['input'];
}>;


export type StudentHomeQuery = { __typename?: 'Query', student?: { __typename?: 'Student', id: number, name: string, timezone: string, path: { __typename?: 'Path', name: string }, currentProject: { __typename?: 'Project', name: string, level: number }, mentor?: { __typename?: 'Mentor', id: number, name: string, timezone: string } | null, mentorship?: { __typename?: 'Mentorship', id: number, startedOn: string, slot: { __typename?: 'WeeklySlot', weekday: number, start: string, minutes: number } } | null, sessions: Array<{ __typename?: 'Session', id: number, kind: SessionKind, status: SessionStatus, startsAt: string, durationMinutes: number, notes: string }> } | null, assessments: { __typename?: 'AssessmentConnection', edges: Array<{ __typename?: 'AssessmentEdge', node: { __typename?: 'Assessment', id: number, projectId: number, status: AssessmentStatus, startsAt?: string | null, startsAtParis?: string | null, durationMinutes: number, notes: string } }> } };

export type StudentAssignmentsSubscriptionVariables = Exact<{
  studentId: Scalars['Int']['input'];
}>;


export type StudentAssignmentsSubscription = { __typename?: 'Subscription', studentAssignments: { __typename?: 'AssignmentEvent', eventId: number, change: AssignmentChange } };


export const ViewerDocument = {"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"query","name":{"kind":"Name","value":"Viewer"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"viewer"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"role"}},{"kind":"Field","name":{"kind":"Name","value":"mentorId"}},{"kind":"Field","name":{"kind":"Name","value":"studentId"}}]}}]}}]} as unknown as DocumentNode<ViewerQuery, ViewerQueryVariables>;
export const MentorHomeDocument = {"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"query","name":{"kind":"Name","value":"MentorHome"},"variableDefinitions":[{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"id"}},"type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"Int"}}}},{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"week"}},"type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"Date"}}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"mentor"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"id"},"value":{"kind":"Variable","name":{"kind":"Name","value":"id"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"name"}},{"kind":"Field","name":{"kind":"Name","value":"timezone"}},{"kind":"Field","name":{"kind":"Name","value":"capacity"}},{"kind":"Field","name":{"kind":"Name","value":"load"}},{"kind":"Field","name":{"kind":"Name","value":"status"}},{"kind":"Field","name":{"kind":"Name","value":"lastDay"}},{"kind":"Field","name":{"kind":"Name","value":"noticeGivenOn"}},{"kind":"Field","name":{"kind":"Name","value":"availability"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"weekday"}},{"kind":"Field","name":{"kind":"Name","value":"start"}},{"kind":"Field","name":{"kind":"Name","value":"end"}}]}},{"kind":"Field","name":{"kind":"Name","value":"parisAvailability"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"week"},"value":{"kind":"Variable","name":{"kind":"Name","value":"week"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"monday"}},{"kind":"Field","name":{"kind":"Name","value":"shiftMinutes"}},{"kind":"Field","name":{"kind":"Name","value":"notice"}},{"kind":"Field","name":{"kind":"Name","value":"windows"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"weekday"}},{"kind":"Field","name":{"kind":"Name","value":"start"}},{"kind":"Field","name":{"kind":"Name","value":"end"}}]}}]}},{"kind":"Field","name":{"kind":"Name","value":"students"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"first"},"value":{"kind":"IntValue","value":"50"}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"edges"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"node"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"name"}},{"kind":"Field","name":{"kind":"Name","value":"currentProject"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"name"}},{"kind":"Field","name":{"kind":"Name","value":"level"}}]}},{"kind":"Field","name":{"kind":"Name","value":"mentorship"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"startedOn"}},{"kind":"Field","name":{"kind":"Name","value":"slot"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"weekday"}},{"kind":"Field","name":{"kind":"Name","value":"start"}},{"kind":"Field","name":{"kind":"Name","value":"minutes"}}]}}]}}]}}]}}]}}]}},{"kind":"Field","name":{"kind":"Name","value":"sessions"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"week"},"value":{"kind":"Variable","name":{"kind":"Name","value":"week"}}},{"kind":"Argument","name":{"kind":"Name","value":"mentorId"},"value":{"kind":"Variable","name":{"kind":"Name","value":"id"}}},{"kind":"Argument","name":{"kind":"Name","value":"first"},"value":{"kind":"IntValue","value":"100"}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"edges"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"node"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"kind"}},{"kind":"Field","name":{"kind":"Name","value":"status"}},{"kind":"Field","name":{"kind":"Name","value":"startsAt"}},{"kind":"Field","name":{"kind":"Name","value":"startsAtParis"}},{"kind":"Field","name":{"kind":"Name","value":"durationMinutes"}},{"kind":"Field","name":{"kind":"Name","value":"studentId"}},{"kind":"Field","name":{"kind":"Name","value":"notes"}}]}}]}}]}},{"kind":"Field","name":{"kind":"Name","value":"mentorAbsences"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"mentorId"},"value":{"kind":"Variable","name":{"kind":"Name","value":"id"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"startsOn"}},{"kind":"Field","name":{"kind":"Name","value":"endsOn"}}]}}]}}]} as unknown as DocumentNode<MentorHomeQuery, MentorHomeQueryVariables>;
export const MentorAssignmentsDocument = {"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"subscription","name":{"kind":"Name","value":"MentorAssignments"},"variableDefinitions":[{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"mentorId"}},"type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"Int"}}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"mentorAssignments"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"mentorId"},"value":{"kind":"Variable","name":{"kind":"Name","value":"mentorId"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"eventId"}},{"kind":"Field","name":{"kind":"Name","value":"change"}},{"kind":"Field","name":{"kind":"Name","value":"studentId"}},{"kind":"Field","name":{"kind":"Name","value":"mentorshipId"}},{"kind":"Field","name":{"kind":"Name","value":"cause"}},{"kind":"Field","name":{"kind":"Name","value":"startedOn"}},{"kind":"Field","name":{"kind":"Name","value":"endedOn"}},{"kind":"Field","name":{"kind":"Name","value":"slot"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"weekday"}},{"kind":"Field","name":{"kind":"Name","value":"start"}},{"kind":"Field","name":{"kind":"Name","value":"minutes"}}]}}]}}]}}]} as unknown as DocumentNode<MentorAssignmentsSubscription, MentorAssignmentsSubscriptionVariables>;
export const BookSessionDocument = {"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"mutation","name":{"kind":"Name","value":"BookSession"},"variableDefinitions":[{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"input"}},"type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"BookSessionInput"}}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"bookSession"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"input"},"value":{"kind":"Variable","name":{"kind":"Name","value":"input"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"__typename"}},{"kind":"InlineFragment","typeCondition":{"kind":"NamedType","name":{"kind":"Name","value":"SessionPayload"}},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"session"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"startsAtParis"}}]}}]}},{"kind":"InlineFragment","typeCondition":{"kind":"NamedType","name":{"kind":"Name","value":"UserError"}},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"code"}},{"kind":"Field","name":{"kind":"Name","value":"field"}},{"kind":"Field","name":{"kind":"Name","value":"message"}}]}}]}}]}}]} as unknown as DocumentNode<BookSessionMutation, BookSessionMutationVariables>;
export const RescheduleSessionDocument = {"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"mutation","name":{"kind":"Name","value":"RescheduleSession"},"variableDefinitions":[{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"input"}},"type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"RescheduleSessionInput"}}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"rescheduleSession"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"input"},"value":{"kind":"Variable","name":{"kind":"Name","value":"input"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"__typename"}},{"kind":"InlineFragment","typeCondition":{"kind":"NamedType","name":{"kind":"Name","value":"SessionPayload"}},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"session"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"startsAtParis"}}]}}]}},{"kind":"InlineFragment","typeCondition":{"kind":"NamedType","name":{"kind":"Name","value":"UserError"}},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"code"}},{"kind":"Field","name":{"kind":"Name","value":"field"}},{"kind":"Field","name":{"kind":"Name","value":"message"}}]}}]}}]}}]} as unknown as DocumentNode<RescheduleSessionMutation, RescheduleSessionMutationVariables>;
export const EndSessionDocument = {"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"mutation","name":{"kind":"Name","value":"EndSession"},"variableDefinitions":[{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"input"}},"type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"EndSessionInput"}}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"endSession"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"input"},"value":{"kind":"Variable","name":{"kind":"Name","value":"input"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"__typename"}},{"kind":"InlineFragment","typeCondition":{"kind":"NamedType","name":{"kind":"Name","value":"EndSessionPayload"}},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"session"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"status"}}]}}]}},{"kind":"InlineFragment","typeCondition":{"kind":"NamedType","name":{"kind":"Name","value":"UserError"}},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"code"}},{"kind":"Field","name":{"kind":"Name","value":"field"}},{"kind":"Field","name":{"kind":"Name","value":"message"}}]}}]}}]}}]} as unknown as DocumentNode<EndSessionMutation, EndSessionMutationVariables>;
export const RecordAbsenceDocument = {"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"mutation","name":{"kind":"Name","value":"RecordAbsence"},"variableDefinitions":[{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"input"}},"type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"RecordAbsenceInput"}}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"recordAbsence"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"input"},"value":{"kind":"Variable","name":{"kind":"Name","value":"input"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"__typename"}},{"kind":"InlineFragment","typeCondition":{"kind":"NamedType","name":{"kind":"Name","value":"UserError"}},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"code"}},{"kind":"Field","name":{"kind":"Name","value":"field"}},{"kind":"Field","name":{"kind":"Name","value":"message"}}]}}]}}]}}]} as unknown as DocumentNode<RecordAbsenceMutation, RecordAbsenceMutationVariables>;
export const GiveNoticeDocument = {"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"mutation","name":{"kind":"Name","value":"GiveNotice"},"variableDefinitions":[{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"input"}},"type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"GiveNoticeInput"}}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"giveNotice"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"input"},"value":{"kind":"Variable","name":{"kind":"Name","value":"input"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"__typename"}},{"kind":"InlineFragment","typeCondition":{"kind":"NamedType","name":{"kind":"Name","value":"UserError"}},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"code"}},{"kind":"Field","name":{"kind":"Name","value":"field"}},{"kind":"Field","name":{"kind":"Name","value":"message"}}]}}]}}]}}]} as unknown as DocumentNode<GiveNoticeMutation, GiveNoticeMutationVariables>;
export const StaffPathsDocument = {"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"query","name":{"kind":"Name","value":"StaffPaths"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"paths"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"first"},"value":{"kind":"IntValue","value":"100"}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"edges"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"node"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"name"}}]}}]}}]}},{"kind":"Field","name":{"kind":"Name","value":"waitingStudents"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"first"},"value":{"kind":"IntValue","value":"1"}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"totalCount"}}]}},{"kind":"Field","name":{"kind":"Name","value":"matchingRuns"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"first"},"value":{"kind":"IntValue","value":"8"}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"status"}},{"kind":"Field","name":{"kind":"Name","value":"createdAt"}},{"kind":"Field","name":{"kind":"Name","value":"scope"}}]}}]}}]} as unknown as DocumentNode<StaffPathsQuery, StaffPathsQueryVariables>;
export const PathWaitingDocument = {"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"query","name":{"kind":"Name","value":"PathWaiting"},"variableDefinitions":[{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"pathId"}},"type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"Int"}}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"waitingStudents"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"pathId"},"value":{"kind":"Variable","name":{"kind":"Name","value":"pathId"}}},{"kind":"Argument","name":{"kind":"Name","value":"first"},"value":{"kind":"IntValue","value":"1"}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"totalCount"}}]}}]}}]} as unknown as DocumentNode<PathWaitingQuery, PathWaitingQueryVariables>;
export const StaffMentorsDocument = {"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"query","name":{"kind":"Name","value":"StaffMentors"},"variableDefinitions":[{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"after"}},"type":{"kind":"NamedType","name":{"kind":"Name","value":"String"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"mentors"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"first"},"value":{"kind":"IntValue","value":"100"}},{"kind":"Argument","name":{"kind":"Name","value":"after"},"value":{"kind":"Variable","name":{"kind":"Name","value":"after"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"totalCount"}},{"kind":"Field","name":{"kind":"Name","value":"pageInfo"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"hasNextPage"}},{"kind":"Field","name":{"kind":"Name","value":"endCursor"}}]}},{"kind":"Field","name":{"kind":"Name","value":"edges"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"node"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"name"}},{"kind":"Field","name":{"kind":"Name","value":"capacity"}},{"kind":"Field","name":{"kind":"Name","value":"load"}},{"kind":"Field","name":{"kind":"Name","value":"status"}}]}}]}}]}}]}}]} as unknown as DocumentNode<StaffMentorsQuery, StaffMentorsQueryVariables>;
export const StartRunDocument = {"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"mutation","name":{"kind":"Name","value":"StartRun"},"variableDefinitions":[{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"input"}},"type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"StartRunInput"}}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"startRun"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"input"},"value":{"kind":"Variable","name":{"kind":"Name","value":"input"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"__typename"}},{"kind":"InlineFragment","typeCondition":{"kind":"NamedType","name":{"kind":"Name","value":"RunPayload"}},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"run"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"status"}}]}}]}},{"kind":"InlineFragment","typeCondition":{"kind":"NamedType","name":{"kind":"Name","value":"AlreadyRunningError"}},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"runId"}}]}},{"kind":"InlineFragment","typeCondition":{"kind":"NamedType","name":{"kind":"Name","value":"UserError"}},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"code"}},{"kind":"Field","name":{"kind":"Name","value":"field"}},{"kind":"Field","name":{"kind":"Name","value":"message"}}]}}]}}]}}]} as unknown as DocumentNode<StartRunMutation, StartRunMutationVariables>;
export const CancelRunDocument = {"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"mutation","name":{"kind":"Name","value":"CancelRun"},"variableDefinitions":[{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"id"}},"type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"UUID"}}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"cancelRun"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"id"},"value":{"kind":"Variable","name":{"kind":"Name","value":"id"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"__typename"}},{"kind":"InlineFragment","typeCondition":{"kind":"NamedType","name":{"kind":"Name","value":"RunPayload"}},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"run"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"status"}}]}}]}},{"kind":"InlineFragment","typeCondition":{"kind":"NamedType","name":{"kind":"Name","value":"UserError"}},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"code"}},{"kind":"Field","name":{"kind":"Name","value":"field"}},{"kind":"Field","name":{"kind":"Name","value":"message"}}]}}]}}]}}]} as unknown as DocumentNode<CancelRunMutation, CancelRunMutationVariables>;
export const PublishRunDocument = {"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"mutation","name":{"kind":"Name","value":"PublishRun"},"variableDefinitions":[{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"input"}},"type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"PublishRunInput"}}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"publishRun"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"input"},"value":{"kind":"Variable","name":{"kind":"Name","value":"input"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"__typename"}},{"kind":"InlineFragment","typeCondition":{"kind":"NamedType","name":{"kind":"Name","value":"PublishPayload"}},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"run"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"status"}},{"kind":"Field","name":{"kind":"Name","value":"publishedAt"}}]}},{"kind":"Field","name":{"kind":"Name","value":"created"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}}]}},{"kind":"Field","name":{"kind":"Name","value":"ended"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}}]}}]}},{"kind":"InlineFragment","typeCondition":{"kind":"NamedType","name":{"kind":"Name","value":"UserError"}},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"code"}},{"kind":"Field","name":{"kind":"Name","value":"field"}},{"kind":"Field","name":{"kind":"Name","value":"message"}}]}}]}}]}}]} as unknown as DocumentNode<PublishRunMutation, PublishRunMutationVariables>;
export const RunProgressDocument = {"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"subscription","name":{"kind":"Name","value":"RunProgress"},"variableDefinitions":[{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"runId"}},"type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"UUID"}}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"matchingRunProgress"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"runId"},"value":{"kind":"Variable","name":{"kind":"Name","value":"runId"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"eventId"}},{"kind":"Field","name":{"kind":"Name","value":"status"}},{"kind":"Field","name":{"kind":"Name","value":"elapsedS"}},{"kind":"Field","name":{"kind":"Name","value":"placed"}},{"kind":"Field","name":{"kind":"Name","value":"upperBound"}},{"kind":"Field","name":{"kind":"Name","value":"phase"}},{"kind":"Field","name":{"kind":"Name","value":"error"}}]}}]}}]} as unknown as DocumentNode<RunProgressSubscription, RunProgressSubscriptionVariables>;
export const StaffRunDocument = {"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"query","name":{"kind":"Name","value":"StaffRun"},"variableDefinitions":[{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"id"}},"type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"UUID"}}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"matchingRun"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"id"},"value":{"kind":"Variable","name":{"kind":"Name","value":"id"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"status"}},{"kind":"Field","name":{"kind":"Name","value":"error"}},{"kind":"Field","name":{"kind":"Name","value":"staleChanges"}},{"kind":"Field","name":{"kind":"Name","value":"publishedAt"}},{"kind":"Field","name":{"kind":"Name","value":"proposal"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"week"}},{"kind":"Field","name":{"kind":"Name","value":"placed"}},{"kind":"Field","name":{"kind":"Name","value":"upperBound"}},{"kind":"Field","name":{"kind":"Name","value":"solverStatus"}},{"kind":"Field","name":{"kind":"Name","value":"pairs"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"studentId"}},{"kind":"Field","name":{"kind":"Name","value":"mentorId"}},{"kind":"Field","name":{"kind":"Name","value":"change"}},{"kind":"Field","name":{"kind":"Name","value":"currentMentorId"}},{"kind":"Field","name":{"kind":"Name","value":"slot"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"weekday"}},{"kind":"Field","name":{"kind":"Name","value":"start"}},{"kind":"Field","name":{"kind":"Name","value":"minutes"}}]}},{"kind":"Field","name":{"kind":"Name","value":"currentSlot"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"weekday"}},{"kind":"Field","name":{"kind":"Name","value":"start"}},{"kind":"Field","name":{"kind":"Name","value":"minutes"}}]}}]}},{"kind":"Field","name":{"kind":"Name","value":"mentorLoads"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"mentorId"}},{"kind":"Field","name":{"kind":"Name","value":"capacity"}},{"kind":"Field","name":{"kind":"Name","value":"current"}},{"kind":"Field","name":{"kind":"Name","value":"proposed"}},{"kind":"Field","name":{"kind":"Name","value":"leaving"}},{"kind":"Field","name":{"kind":"Name","value":"after"}},{"kind":"Field","name":{"kind":"Name","value":"overCapacity"}}]}},{"kind":"Field","name":{"kind":"Name","value":"unplaced"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"studentId"}},{"kind":"Field","name":{"kind":"Name","value":"reason"}},{"kind":"Field","name":{"kind":"Name","value":"facts"}},{"kind":"Field","name":{"kind":"Name","value":"closestMentorIds"}}]}}]}}]}}]}}]} as unknown as DocumentNode<StaffRunQuery, StaffRunQueryVariables>;
export const StudentNamesDocument = {"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"query","name":{"kind":"Name","value":"StudentNames"},"variableDefinitions":[{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"after"}},"type":{"kind":"NamedType","name":{"kind":"Name","value":"String"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"students"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"first"},"value":{"kind":"IntValue","value":"100"}},{"kind":"Argument","name":{"kind":"Name","value":"after"},"value":{"kind":"Variable","name":{"kind":"Name","value":"after"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"pageInfo"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"hasNextPage"}},{"kind":"Field","name":{"kind":"Name","value":"endCursor"}}]}},{"kind":"Field","name":{"kind":"Name","value":"edges"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"node"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"name"}}]}}]}}]}}]}}]} as unknown as DocumentNode<StudentNamesQuery, StudentNamesQueryVariables>;
export const StudentHomeDocument = {"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"query","name":{"kind":"Name","value":"StudentHome"},"variableDefinitions":[{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"id"}},"type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"Int"}}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"student"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"id"},"value":{"kind":"Variable","name":{"kind":"Name","value":"id"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"name"}},{"kind":"Field","name":{"kind":"Name","value":"timezone"}},{"kind":"Field","name":{"kind":"Name","value":"path"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"name"}}]}},{"kind":"Field","name":{"kind":"Name","value":"currentProject"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"name"}},{"kind":"Field","name":{"kind":"Name","value":"level"}}]}},{"kind":"Field","name":{"kind":"Name","value":"mentor"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"name"}},{"kind":"Field","name":{"kind":"Name","value":"timezone"}}]}},{"kind":"Field","name":{"kind":"Name","value":"mentorship"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"startedOn"}},{"kind":"Field","name":{"kind":"Name","value":"slot"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"weekday"}},{"kind":"Field","name":{"kind":"Name","value":"start"}},{"kind":"Field","name":{"kind":"Name","value":"minutes"}}]}}]}},{"kind":"Field","name":{"kind":"Name","value":"sessions"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"kind"}},{"kind":"Field","name":{"kind":"Name","value":"status"}},{"kind":"Field","name":{"kind":"Name","value":"startsAt"}},{"kind":"Field","name":{"kind":"Name","value":"durationMinutes"}},{"kind":"Field","name":{"kind":"Name","value":"notes"}}]}}]}},{"kind":"Field","name":{"kind":"Name","value":"assessments"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"studentId"},"value":{"kind":"Variable","name":{"kind":"Name","value":"id"}}},{"kind":"Argument","name":{"kind":"Name","value":"first"},"value":{"kind":"IntValue","value":"50"}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"edges"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"node"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"projectId"}},{"kind":"Field","name":{"kind":"Name","value":"status"}},{"kind":"Field","name":{"kind":"Name","value":"startsAt"}},{"kind":"Field","name":{"kind":"Name","value":"startsAtParis"}},{"kind":"Field","name":{"kind":"Name","value":"durationMinutes"}},{"kind":"Field","name":{"kind":"Name","value":"notes"}}]}}]}}]}}]}}]} as unknown as DocumentNode<StudentHomeQuery, StudentHomeQueryVariables>;
export const StudentAssignmentsDocument = {"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"subscription","name":{"kind":"Name","value":"StudentAssignments"},"variableDefinitions":[{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"studentId"}},"type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"Int"}}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"studentAssignments"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"studentId"},"value":{"kind":"Variable","name":{"kind":"Name","value":"studentId"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"eventId"}},{"kind":"Field","name":{"kind":"Name","value":"change"}}]}}]}}]} as unknown as DocumentNode<StudentAssignmentsSubscription, StudentAssignmentsSubscriptionVariables>;