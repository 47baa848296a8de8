import { useState } from "react";
import { useMutation, useQuery, useSubscription } from "urql";
import { graphql } from "../gql";
import type { MentorAssignmentsSubscription } from "../gql/graphql";
import { OutcomeLine, addDays, inZone, outcome, parisToday, weekdayName, type Outcome } from "../ui";

const MentorQuery = graphql(`
  query MentorHome($id: Int!, $week: Date!) {
    mentor(id: $id) {
      id
      name
      timezone
      capacity
      load
      status
      lastDay
      noticeGivenOn
      availability {
        weekday
        start
        end
      }
      parisAvailability(week: $week) {
        monday
        shiftMinutes
        notice
        windows {
          weekday
          start
          end
        }
      }
      students(first: 50) {
        edges {
          node {
            id
            name
            currentProject {
              name
              level
            }
            mentorship {
              id
              startedOn
              slot {
                weekday
                start
                minutes
              }
            }
          }
        }
      }
    }
    sessions(week: $week, mentorId: $id, first: 100) {
      edges {
        node {
          id
          kind
          status
          startsAt
          startsAtParis
          durationMinutes
          studentId
          notes
        }
      }
    }
    mentorAbsences(mentorId: $id) {
      id
      startsOn
      endsOn
    }
  }
`);

const Assignments = graphql(`
  subscription MentorAssignments($mentorId: Int!) {
    mentorAssignments(mentorId: $mentorId) {
      eventId
      change
      studentId
      mentorshipId
      cause
      startedOn
      endedOn
      slot {
        weekday
        start
        minutes
      }
    }
  }
`);

const Book = graphql(`
  mutation BookSession($input: BookSessionInput!) {
    bookSession(input: $input) {
      __typename
      ... on SessionPayload {
        session {
          id
          startsAtParis
        }
      }
      ... on UserError {
        code
        field
        message
      }
    }
  }
`);

const Reschedule = graphql(`
  mutation RescheduleSession($input: RescheduleSessionInput!) {
    rescheduleSession(input: $input) {
      __typename
      ... on SessionPayload {
        session {
          id
          startsAtParis
        }
      }
      ... on UserError {
        code
        field
        message
      }
    }
  }
`);

const End = graphql(`
  mutation EndSession($input: EndSessionInput!) {
    endSession(input: $input) {
      __typename
      ... on EndSessionPayload {
        session {
          id
          status
        }
      }
      ... on UserError {
        code
        field
        message
      }
    }
  }
`);

const Absence = graphql(`
  mutation RecordAbsence($input: RecordAbsenceInput!) {
    recordAbsence(input: $input) {
      __typename
      ... on UserError {
        code
        field
        message
      }
    }
  }
`);

const Notice = graphql(`
  mutation GiveNotice($input: GiveNoticeInput!) {
    giveNotice(input: $input) {
      __typename
      ... on UserError {
        code
        field
        message
      }
    }
  }
`);

type Assignment = MentorAssignmentsSubscription["mentorAssignments"];

export function MentorPage({ mentorId }: { mentorId: number }) {
  const [week, setWeek] = useState(parisToday());
  // What the last session action did: on the page, not in the row (a session moved to another week
  // leaves this week's table when it reloads, and its row with it).
  const [sessionOutcome, setSessionOutcome] = useState<Outcome | null>(null);
  const [{ data, error }, refetch] = useQuery({ query: MentorQuery, variables: { id: mentorId, week } });
  const [{ data: live }] = useSubscription(
    { query: Assignments, variables: { mentorId } },
    (previous: Assignment[] = [], event) => {
      refetch({ requestPolicy: "network-only" }); // the students list follows the change without a reload
      return [...previous, event.mentorAssignments];
    },
  );
  const mentor = data?.mentor;
  const reload = () => refetch({ requestPolicy: "network-only" });
  if (error && !data) return <p role="alert">{error.message}</p>;
  if (!mentor) return <p>Loading…</p>;
  const students = mentor.students.edges.map((e) => e.node);
  const names = new Map(students.map((s) => [s.id, s.name]));
  const sessions = data.sessions.edges.map((e) => e.node);
  return (
    <>
      <h1>
        {mentor.name} <span className="muted">({mentor.status.toLowerCase()})</span>
      </h1>
      <p>
        {mentor.load} of {mentor.capacity} students · zone {mentor.timezone}
        {mentor.lastDay && ` · last day ${mentor.lastDay}`}
      </p>
      <section aria-labelledby="live-h">
        <h2 id="live-h">Assignment changes</h2>
        <ul aria-live="polite" data-testid="assignments">
          {(live ?? []).map((a) => (
            <li key={a.eventId}>
              {a.change} · {names.get(a.studentId) ?? `student #${a.studentId}`} · {weekdayName(a.slot.weekday)}{" "}
              {a.slot.start} Paris{a.cause ? ` · ${a.cause}` : ""}
            </li>
          ))}
          {!live?.length && <li className="muted">Listening: new assignments appear here without reloading.</li>}
        </ul>
      </section>
      <section aria-labelledby="students-h">
        <h2 id="students-h">My students ({students.length})</h2>
        <table data-testid="students">
          <thead>
            <tr>
              <th scope="col">Student</th>
              <th scope="col">Project</th>
              <th scope="col">Weekly slot (Paris)</th>
              <th scope="col">Since</th>
            </tr>
          </thead>
          <tbody>
            {students.map((s) => (
              <tr key={s.id}>
                <td>{s.name}</td>
                <td>
                  {s.currentProject.name} (level {s.currentProject.level})
                </td>
                <td>
                  {s.mentorship ? `${weekdayName(s.mentorship.slot.weekday)} ${s.mentorship.slot.start}, ${s.mentorship.slot.minutes} min` : "–"}
                </td>
                <td>{s.mentorship?.startedOn ?? "–"}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </section>
      <section aria-labelledby="week-h">
        <h2 id="week-h">Week of {mentor.parisAvailability.monday}</h2>
        <div className="actions">
          <button type="button" onClick={() => setWeek(addDays(week, -7))}>
            Previous week
          </button>
          <button type="button" onClick={() => setWeek(parisToday())}>
            This week
          </button>
          <button type="button" onClick={() => setWeek(addDays(week, 7))}>
            Next week
          </button>
          <label htmlFor="week-of">Go to the week of</label>
          <input id="week-of" type="date" value={week} onChange={(e) => e.target.value && setWeek(e.target.value)} />
        </div>
        {mentor.parisAvailability.notice && (
          <p className="notice" role="note" data-testid="dst-notice">
            {mentor.parisAvailability.notice} (shift {mentor.parisAvailability.shiftMinutes} min)
          </p>
        )}
        <h3>Availability</h3>
        <div className="columns">
          <div>
            <h4>In Paris time</h4>
            <ul data-testid="paris-windows">
              {mentor.parisAvailability.windows.map((w, i) => (
                <li key={i}>
                  {weekdayName(w.weekday)} {w.start}–{w.end}
                </li>
              ))}
            </ul>
          </div>
          <div>
            <h4>In {mentor.timezone}</h4>
            <ul>
              {mentor.availability.map((w, i) => (
                <li key={i}>
                  {weekdayName(w.weekday)} {w.start}–{w.end}
                </li>
              ))}
            </ul>
          </div>
        </div>
        <h3>Sessions</h3>
        <OutcomeLine value={sessionOutcome} />
        <table data-testid="sessions">
          <thead>
            <tr>
              <th scope="col">Paris time</th>
              <th scope="col">{mentor.timezone}</th>
              <th scope="col">Student</th>
              <th scope="col">Kind</th>
              <th scope="col">Status</th>
              <th scope="col">Actions</th>
            </tr>
          </thead>
          <tbody>
            {sessions.map((s) => (
              <tr key={s.id}>
                <td>{inZone(s.startsAt, "Europe/Paris")}</td>
                <td>{inZone(s.startsAt, mentor.timezone)}</td>
                <td>{names.get(s.studentId) ?? `#${s.studentId}`}</td>
                <td>{s.kind}</td>
                <td>{s.status}</td>
                <td>{s.status === "SCHEDULED" && <SessionActions id={s.id} onDone={reload} onOutcome={setSessionOutcome} />}</td>
              </tr>
            ))}
            {!sessions.length && (
              <tr>
                <td colSpan={6}>No session this week.</td>
              </tr>
            )}
          </tbody>
        </table>
      </section>
      <BookForm students={students} onDone={reload} />
      <AbsenceForm mentorId={mentorId} absences={data.mentorAbsences} onDone={reload} />
      <NoticeForm mentorId={mentorId} lastDay={mentor.lastDay ?? null} onDone={reload} />
    </>
  );
}

function SessionActions({
  id,
  onDone,
  onOutcome,
}: {
  id: number;
  onDone: () => void;
  onOutcome: (value: Outcome) => void;
}) {
  const [open, setOpen] = useState<"" | "move" | "end">("");
  const [when, setWhen] = useState("");
  const [status, setStatus] = useState("COMPLETED");
  const [notes, setNotes] = useState("");
  const [comment, setComment] = useState("");
  const [, reschedule] = useMutation(Reschedule);
  const [, end] = useMutation(End);
  return (
    <div>
      <button type="button" aria-expanded={open === "move"} onClick={() => setOpen(open === "move" ? "" : "move")}>
        Reschedule
      </button>{" "}
      <button type="button" aria-expanded={open === "end"} onClick={() => setOpen(open === "end" ? "" : "end")}>
        End
      </button>
      {open === "move" && (
        <form
          onSubmit={async (e) => {
            e.preventDefault();
            const r = await reschedule({ input: { id, startsAt: when } });
            const value = r.data?.rescheduleSession;
            const moved = value?.__typename === "SessionPayload" ? ` to ${value.session.startsAtParis} (Paris)` : "";
            onOutcome(outcome(value, r.error, `Rescheduled${moved}.`));
            onDone();
          }}
        >
          <label htmlFor={`move-${id}`}>New start (Paris)</label>
          <input id={`move-${id}`} type="datetime-local" required value={when} onChange={(e) => setWhen(e.target.value)} />
          <button type="submit">Move</button>
        </form>
      )}
      {open === "end" && (
        <form
          onSubmit={async (e) => {
            e.preventDefault();
            const r = await end({ input: { id, status: status as "COMPLETED", notes, privateComment: comment } });
            onOutcome(outcome(r.data?.endSession, r.error, "Session ended."));
            onDone();
          }}
        >
          <label htmlFor={`status-${id}`}>Status</label>
          <select id={`status-${id}`} value={status} onChange={(e) => setStatus(e.target.value)}>
            <option value="COMPLETED">Completed</option>
            <option value="STUDENT_ABSENT">Student absent</option>
            <option value="LATE_CANCELLED">Late cancelled</option>
          </select>
          <label htmlFor={`notes-${id}`}>Notes shared with the student</label>
          <textarea id={`notes-${id}`} value={notes} onChange={(e) => setNotes(e.target.value)} />
          <label htmlFor={`comment-${id}`}>Private comment (mentors and staff)</label>
          <textarea id={`comment-${id}`} value={comment} onChange={(e) => setComment(e.target.value)} />
          <button type="submit">End session</button>
        </form>
      )}
    </div>
  );
}

function BookForm({
  students,
  onDone,
}: {
  students: { id: number; name: string; mentorship?: { id: number } | null }[];
  onDone: () => void;
}) {
  const [pair, setPair] = useState("");
  const [when, setWhen] = useState("");
  const [notes, setNotes] = useState("");
  const [kind, setKind] = useState("REGULAR");
  const [result, setResult] = useState<Outcome | null>(null);
  const [, book] = useMutation(Book);
  return (
    <section aria-labelledby="book-h">
      <h2 id="book-h">Book a session</h2>
      <form
        className="grid"
        onSubmit={async (e) => {
          e.preventDefault();
          const r = await book({ input: { mentorshipId: Number(pair), startsAt: when, notes, kind: kind as "REGULAR" } });
          const value = r.data?.bookSession;
          setResult(
            outcome(value, r.error, value?.__typename === "SessionPayload" ? `Booked ${value.session.startsAtParis} (Paris).` : ""),
          );
          onDone();
        }}
      >
        <label htmlFor="book-student">Student</label>
        <select id="book-student" required value={pair} onChange={(e) => setPair(e.target.value)}>
          <option value="">Choose…</option>
          {students
            .filter((s) => s.mentorship)
            .map((s) => (
              <option key={s.id} value={s.mentorship!.id}>
                {s.name}
              </option>
            ))}
        </select>
        <label htmlFor="book-kind">Kind</label>
        <select id="book-kind" value={kind} onChange={(e) => setKind(e.target.value)}>
          <option value="REGULAR">Regular</option>
          <option value="DISCOVERY">Discovery (a pair's first session)</option>
        </select>
        <label htmlFor="book-when">Start (Paris time)</label>
        <input id="book-when" type="datetime-local" required value={when} onChange={(e) => setWhen(e.target.value)} />
        <label htmlFor="book-notes">Notes</label>
        <input id="book-notes" value={notes} onChange={(e) => setNotes(e.target.value)} />
        <button type="submit">Book</button>
        <OutcomeLine value={result} />
      </form>
    </section>
  );
}

function AbsenceForm({
  mentorId,
  absences,
  onDone,
}: {
  mentorId: number;
  absences: { id: number; startsOn: string; endsOn: string }[];
  onDone: () => void;
}) {
  const [from, setFrom] = useState("");
  const [to, setTo] = useState("");
  const [reason, setReason] = useState("");
  const [result, setResult] = useState<Outcome | null>(null);
  const [, record] = useMutation(Absence);
  return (
    <section aria-labelledby="absence-h">
      <h2 id="absence-h">Absences</h2>
      <ul>
        {absences.map((a) => (
          <li key={a.id}>
            {a.startsOn} to {a.endsOn}
          </li>
        ))}
        {!absences.length && <li className="muted">None recorded.</li>}
      </ul>
      <form
        className="grid"
        onSubmit={async (e) => {
          e.preventDefault();
          const r = await record({ input: { mentorId, startsOn: from, endsOn: to, reason } });
          setResult(outcome(r.data?.recordAbsence, r.error, "Absence recorded."));
          onDone();
        }}
      >
        <label htmlFor="absence-from">First day</label>
        <input id="absence-from" type="date" required value={from} onChange={(e) => setFrom(e.target.value)} />
        <label htmlFor="absence-to">Last day</label>
        <input id="absence-to" type="date" required value={to} onChange={(e) => setTo(e.target.value)} />
        <label htmlFor="absence-reason">Reason</label>
        <input id="absence-reason" value={reason} onChange={(e) => setReason(e.target.value)} />
        <button type="submit">Record absence</button>
        <OutcomeLine value={result} />
      </form>
    </section>
  );
}

function NoticeForm({ mentorId, lastDay, onDone }: { mentorId: number; lastDay: string | null; onDone: () => void }) {
  const [day, setDay] = useState("");
  const [result, setResult] = useState<Outcome | null>(null);
  const [, give] = useMutation(Notice);
  return (
    <section aria-labelledby="notice-h">
      <h2 id="notice-h">Notice</h2>
      {lastDay ? (
        <p>Notice given: last day {lastDay}.</p>
      ) : (
        <form
          className="grid"
          onSubmit={async (e) => {
            e.preventDefault();
            const r = await give({ input: { mentorId, lastDay: day } });
            setResult(outcome(r.data?.giveNotice, r.error, "Notice given."));
            onDone();
          }}
        >
          <label htmlFor="notice-day">Last day (14 days ahead at least)</label>
          <input id="notice-day" type="date" required value={day} onChange={(e) => setDay(e.target.value)} />
          <button type="submit">Give notice</button>
        </form>
      )}
      <OutcomeLine value={result} />
    </section>
  );
}
