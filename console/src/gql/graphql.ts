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

/** A mentor asks for another path; only staff may override the three months. */
export type AddMentorPathInput = {
  mentorId: Scalars['Int']['input'];
  /** Staff only: add it before three months of mentoring (R3). */
  override?: Scalars['Boolean']['input'];
  /** Required with override. */
  overrideReason?: InputMaybe<Scalars['String']['input']>;
  pathId: Scalars['Int']['input'];
};

export type ApplyAsMentorInput = {
  availability?: Array<AvailabilityWindowInput>;
  /** Students wanted, 1-20 (R2). */
  capacity: Scalars['Int']['input'];
  email: Scalars['String']['input'];
  /** Of which in the path's field. */
  fieldYears: Scalars['Int']['input'];
  languages?: Array<Scalars['String']['input']>;
  name: Scalars['String']['input'];
  /** Projects of one path (R1, R3): the path applied for. */
  projectIds: Array<Scalars['Int']['input']>;
  timezone?: Scalars['String']['input'];
  /** Years of professional experience. */
  totalYears: Scalars['Int']['input'];
};

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

export type AssignmentChange =
  | 'ABSENCE_CANCELLED'
  | 'ABSENCE_RECORDED'
  | 'ENDED'
  | 'STARTED';

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

export type CancelAssessmentInput = {
  id: Scalars['Int']['input'];
  reason?: Scalars['String']['input'];
};

/** The side of the pair that asks for the change. */
export type ChangeRequestedBy =
  | 'MENTOR'
  | 'STUDENT';

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

export type DeclineMentorApplicationInput = {
  mentorId: Scalars['Int']['input'];
  reason: Scalars['String']['input'];
};

/** R18 fields of a discovery session's notes. A field left out (or null) keeps its stored value; an empty string clears a text; clearWeeklyHours clears the hours. */
export type DiscoveryNoteInput = {
  background?: InputMaybe<Scalars['String']['input']>;
  clearWeeklyHours?: Scalars['Boolean']['input'];
  goals?: InputMaybe<Scalars['String']['input']>;
  level?: InputMaybe<Scalars['String']['input']>;
  motivation?: InputMaybe<Scalars['String']['input']>;
  nextWeekObjectives?: InputMaybe<Scalars['String']['input']>;
  remarks?: InputMaybe<Scalars['String']['input']>;
  sessionId: Scalars['Int']['input'];
  weeklyHours?: InputMaybe<Scalars['Int']['input']>;
};

/** The documents an applicant sends before the contract. */
export type DocumentKind =
  | 'COMPANY_REGISTRATION'
  | 'CRIMINAL_RECORD'
  | 'IDENTITY'
  | 'LATEST_DIPLOMA';

/** Staff's review. */
export type DocumentStatus =
  | 'ACCEPTED'
  | 'PENDING'
  | 'REJECTED';

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

/** Stable machine-readable codes. */
export type ErrorCode =
  | 'ALREADY_PUBLISHED'
  | 'ALREADY_RUNNING'
  | 'AMBIGUOUS_LOCAL_TIME'
  | 'ASSESSOR_WAS_MENTOR'
  | 'CAPACITY_BELOW_LOAD'
  | 'CONFLICT'
  | 'EXPERIENCE_TOO_SHORT'
  | 'MENTOR_AWAY'
  | 'NONEXISTENT_LOCAL_TIME'
  | 'NOTICE_TOO_SHORT'
  | 'NOT_FOUND'
  | 'NOT_IN_PATH'
  | 'ONBOARDING_INCOMPLETE'
  | 'PATH_NOT_ALLOWED_YET'
  | 'PATH_NOT_ASSESSED'
  | 'PROJECT_NOT_VERIFIED'
  | 'PUBLISH_IN_PROGRESS'
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

/** A long absence (R5): the student waits for a substitute, has one planned (they stay with their mentor until the absence starts), has one, is back, or the hand-over was cancelled (or the student could not go back: see note). */
export type HandoverStatus =
  | 'CANCELLED'
  | 'PLANNED'
  | 'RETURNED'
  | 'SUBSTITUTED'
  | 'WAITING';

export type MentorStatus =
  | 'ACTIVE'
  | 'APPLIED'
  | 'CONTRACT'
  | 'DECLINED'
  | 'LEFT'
  | 'PAUSED';

export type MentorshipEndReason =
  | 'ABSENCE_HANDOVER'
  | 'ABSENCE_OVER'
  | 'CHANGE_REQUESTED_BY_MENTOR'
  | 'CHANGE_REQUESTED_BY_STUDENT'
  | 'COMPLETED'
  | 'MENTOR_LEFT'
  | 'PROJECT_CHANGE'
  | 'REMATCHED';

/** What a message is about. */
export type MessageKind =
  | 'ABSENCE'
  | 'ASSESSMENT_RESULT'
  | 'ASSESSMENT_SCHEDULED'
  | 'NOTICE'
  | 'PAIR_ENDED'
  | 'PAIR_STARTED'
  | 'SESSION_BOOKED'
  | 'SESSION_CANCELLED'
  | 'SESSION_MOVED'
  | 'SESSION_REMINDER';

/** Email delivery: pending, sending, sent, failed (gave up), skipped (email off for the kind). */
export type MessageStatus =
  | 'FAILED'
  | 'PENDING'
  | 'SENDING'
  | 'SENT'
  | 'SKIPPED';

/** What a proposed pair changes against the student's current pair. */
export type PairChangeKind =
  | 'MOVED'
  | 'NEW'
  | 'NEW_MENTOR'
  | 'SAME';

/** A pairing started or ended (the audit trail). */
export type PairingAction =
  | 'ENDED'
  | 'MOVED'
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

/** R20: the panel's verdict. */
export type PanelDecision =
  | 'CERTIFIED'
  | 'NOT_CERTIFIED';

export type ProjectSubmissionInput = {
  /** Where the deliverables are (https URL or key). */
  link?: Scalars['String']['input'];
  projectId: Scalars['Int']['input'];
  studentId: Scalars['Int']['input'];
};

/** Publish all pairs, only acceptStudentIds, or all but rejectStudentIds. */
export type PublishRunInput = {
  acceptStudentIds?: InputMaybe<Array<Scalars['Int']['input']>>;
  rejectStudentIds?: InputMaybe<Array<Scalars['Int']['input']>>;
  runId: Scalars['UUID']['input'];
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

export type RecordPanelDecisionInput = {
  decision: PanelDecision;
  reason: Scalars['String']['input'];
  studentId: Scalars['Int']['input'];
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

export type ReviewMentorDocumentInput = {
  accepted: Scalars['Boolean']['input'];
  documentId: Scalars['Int']['input'];
  /** Required when the document is rejected. */
  reason?: Scalars['String']['input'];
};

export type RotateCalendarFeedInput = {
  owner: FeedOwner;
  ownerId: Scalars['Int']['input'];
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
  | 'PUBLISHING'
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

export type SendMentorDocumentInput = {
  kind: DocumentKind;
  mentorId: Scalars['Int']['input'];
  /** An https URL or a storage key (applications/12/identity.pdf); never the file itself. */
  reference: Scalars['String']['input'];
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

export type SessionStatus =
  | 'CANCELLED'
  | 'COMPLETED'
  | 'LATE_CANCELLED'
  | 'SCHEDULED'
  | 'STUDENT_ABSENT';

export type SetPresentationRecordingInput = {
  assessmentId: Scalars['Int']['input'];
  /** An https URL or a storage key of the recording (R14). */
  recording: Scalars['String']['input'];
};

export type SetSessionStatusInput = {
  id: Scalars['Int']['input'];
  status: SessionStatus;
};

export type SetVideoLinkInput = {
  mentorshipId?: InputMaybe<Scalars['Int']['input']>;
  sessionId?: InputMaybe<Scalars['Int']['input']>;
  /** An https URL of an external video tool; blank: the school's. */
  url: Scalars['String']['input'];
};

export type SignMentorContractInput = {
  mentorId: Scalars['Int']['input'];
  /** The Paris date the contract was signed; default today. */
  signedOn?: InputMaybe<Scalars['Date']['input']>;
};

export type StartRunInput = {
  scope?: InputMaybe<RunScopeInput>;
  seed?: Scalars['Int']['input'];
  timeLimitS?: Scalars['Float']['input'];
  /** Monday of the Paris week to plan slots on; default next week. */
  week?: InputMaybe<Scalars['Date']['input']>;
  weights?: InputMaybe<WeightsInput>;
};

export type StudentStatus =
  | 'EMPLOYEE'
  | 'JOB_SEEKER'
  | 'OTHER'
  | 'STUDENT';

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