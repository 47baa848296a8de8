import { useQuery, useSubscription } from "urql";
import { graphql } from "../gql";
import { inZone, weekdayName } from "../ui";

const StudentQuery = graphql(`
  query StudentHome($id: Int!) {
    student(id: $id) {
      id
      name
      timezone
      path {
        name
      }
      currentProject {
        name
        level
      }
      mentor {
        id
        name
        timezone
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
      sessions {
        id
        kind
        status
        startsAt
        durationMinutes
        notes
      }
    }
    assessments(studentId: $id, first: 50) {
      edges {
        node {
          id
          projectId
          status
          startsAt
          startsAtParis
          durationMinutes
          notes
        }
      }
    }
  }
`);

const StudentAssignments = graphql(`
  subscription StudentAssignments($studentId: Int!) {
    studentAssignments(studentId: $studentId) {
      eventId
      change
    }
  }
`);

export function StudentPage({ studentId }: { studentId: number }) {
  const [{ data, error }, refetch] = useQuery({ query: StudentQuery, variables: { id: studentId } });
  useSubscription({ query: StudentAssignments, variables: { studentId } }, (_previous: unknown, event) => {
    refetch({ requestPolicy: "network-only" });
    return event;
  });
  const student = data?.student;
  if (error && !data) return <p role="alert">{error.message}</p>;
  if (!student) return <p>Loading…</p>;
  const sessions = [...student.sessions].sort((a, b) => b.startsAt.localeCompare(a.startsAt));
  const presentations = data.assessments.edges.map((e) => e.node);
  return (
    <>
      <h1>{student.name}</h1>
      <p>
        {student.path.name} · current project {student.currentProject.name} (level {student.currentProject.level})
      </p>
      <section aria-labelledby="mentor-h">
        <h2 id="mentor-h">My mentor</h2>
        {student.mentor && student.mentorship ? (
          <p data-testid="my-mentor">
            {student.mentor.name} ({student.mentor.timezone}) since {student.mentorship.startedOn}, every{" "}
            {weekdayName(student.mentorship.slot.weekday)} at {student.mentorship.slot.start} Paris time (
            {student.mentorship.slot.minutes} min).
          </p>
        ) : (
          <p data-testid="my-mentor">No mentor yet: the next matching run looks for one.</p>
        )}
      </section>
      <section aria-labelledby="sessions-h">
        <h2 id="sessions-h">My sessions</h2>
        <table data-testid="student-sessions">
          <thead>
            <tr>
              <th scope="col">Paris time</th>
              <th scope="col">My time ({student.timezone})</th>
              <th scope="col">Kind</th>
              <th scope="col">Status</th>
              <th scope="col">Shared notes</th>
            </tr>
          </thead>
          <tbody>
            {sessions.map((s) => (
              <tr key={s.id}>
                <td>{inZone(s.startsAt, "Europe/Paris")}</td>
                <td>{inZone(s.startsAt, student.timezone)}</td>
                <td>{s.kind}</td>
                <td>{s.status}</td>
                <td>{s.notes || "–"}</td>
              </tr>
            ))}
            {!sessions.length && (
              <tr>
                <td colSpan={5}>No session yet.</td>
              </tr>
            )}
          </tbody>
        </table>
      </section>
      <section aria-labelledby="presentations-h">
        <h2 id="presentations-h">My presentations</h2>
        <table>
          <thead>
            <tr>
              <th scope="col">Project</th>
              <th scope="col">When (Paris)</th>
              <th scope="col">Status</th>
              <th scope="col">Notes</th>
            </tr>
          </thead>
          <tbody>
            {presentations.map((a) => (
              <tr key={a.id}>
                <td>#{a.projectId}</td>
                <td>{a.startsAtParis ?? "to be scheduled"}</td>
                <td>{a.status}</td>
                <td>{a.notes || "–"}</td>
              </tr>
            ))}
            {!presentations.length && (
              <tr>
                <td colSpan={4}>No presentation yet.</td>
              </tr>
            )}
          </tbody>
        </table>
      </section>
    </>
  );
}
