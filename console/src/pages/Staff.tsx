import { useCallback, useEffect, useMemo, useState } from "react";
import { useClient, useMutation, useQuery, useSubscription } from "urql";
import { LineChart, LoadChart } from "../charts";
import { graphql } from "../gql";
import type { RunProgressSubscription, StaffMentorsQuery, StudentNamesQuery } from "../gql/graphql";
import { OutcomeLine, outcome, weekdayName, type Outcome } from "../ui";

const PathsQuery = graphql(`
  query StaffPaths {
    paths(first: 100) {
      edges {
        node {
          id
          name
        }
      }
    }
    waitingStudents(first: 1) {
      totalCount
    }
    matchingRuns(first: 8) {
      id
      status
      createdAt
      scope
    }
  }
`);

const PathWaitingQuery = graphql(`
  query PathWaiting($pathId: Int!) {
    waitingStudents(pathId: $pathId, first: 1) {
      totalCount
    }
  }
`);

const MentorsQuery = graphql(`
  query StaffMentors($after: String) {
    mentors(first: 100, after: $after) {
      totalCount
      pageInfo {
        hasNextPage
        endCursor
      }
      edges {
        node {
          id
          name
          capacity
          load
          status
        }
      }
    }
  }
`);

const StartRun = graphql(`
  mutation StartRun($input: StartRunInput!) {
    startRun(input: $input) {
      __typename
      ... on RunPayload {
        run {
          id
          status
        }
      }
      ... on AlreadyRunningError {
        runId
      }
      ... on UserError {
        code
        field
        message
      }
    }
  }
`);

const CancelRun = graphql(`
  mutation CancelRun($id: UUID!) {
    cancelRun(id: $id) {
      __typename
      ... on RunPayload {
        run {
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

const PublishRun = graphql(`
  mutation PublishRun($input: PublishRunInput!) {
    publishRun(input: $input) {
      __typename
      ... on PublishPayload {
        run {
          id
          status
          publishedAt
        }
        created {
          id
        }
        ended {
          id
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

const RunProgress = graphql(`
  subscription RunProgress($runId: UUID!) {
    matchingRunProgress(runId: $runId) {
      eventId
      status
      elapsedS
      placed
      upperBound
      phase
      error
    }
  }
`);

const RunQuery = graphql(`
  query StaffRun($id: UUID!) {
    matchingRun(id: $id) {
      id
      status
      error
      staleChanges
      publishedAt
      proposal {
        week
        placed
        upperBound
        solverStatus
        pairs {
          studentId
          mentorId
          change
          currentMentorId
          slot {
            weekday
            start
            minutes
          }
          currentSlot {
            weekday
            start
            minutes
          }
        }
        mentorLoads {
          mentorId
          capacity
          current
          proposed
          leaving
          after
          overCapacity
        }
        unplaced {
          studentId
          reason
          facts
          closestMentorIds
        }
      }
    }
  }
`);

const StudentNamesQuery = graphql(`
  query StudentNames($after: String) {
    students(first: 100, after: $after) {
      pageInfo {
        hasNextPage
        endCursor
      }
      edges {
        node {
          id
          name
        }
      }
    }
  }
`);

/** Every student's name, page after page, for the review's tables. */
function useStudentNames(): Map<number, string> {
  const client = useClient();
  const [names, setNames] = useState<Map<number, string>>(new Map());
  useEffect(() => {
    let stop = false;
    (async () => {
      const all = new Map<number, string>();
      let after: string | null = null;
      for (let page = 0; page < 200 && !stop; page++) {
        const result: { data?: StudentNamesQuery } = await client
          .query(StudentNamesQuery, { after }, { requestPolicy: "network-only" })
          .toPromise();
        const connection: StudentNamesQuery["students"] | undefined = result.data?.students;
        if (!connection) break;
        connection.edges.forEach((e) => all.set(e.node.id, e.node.name));
        if (!connection.pageInfo.hasNextPage) break;
        after = connection.pageInfo.endCursor ?? null;
      }
      if (!stop) setNames(all);
    })();
    return () => {
      stop = true;
    };
  }, [client]);
  return names;
}

type Mentor = { id: number; name: string; capacity: number; load: number; status: string };

/** Every mentor, page after page (the API caps a page at 100). */
function useAllMentors(tick: number): { mentors: Mentor[]; total: number } {
  const client = useClient();
  const [state, setState] = useState<{ mentors: Mentor[]; total: number }>({ mentors: [], total: 0 });
  useEffect(() => {
    let stop = false;
    (async () => {
      const all: Mentor[] = [];
      let after: string | null = null;
      let total = 0;
      for (let page = 0; page < 50 && !stop; page++) {
        const result: { data?: StaffMentorsQuery } = await client
          .query(MentorsQuery, { after }, { requestPolicy: "network-only" })
          .toPromise();
        const connection: StaffMentorsQuery["mentors"] | undefined = result.data?.mentors;
        if (!connection) break;
        total = connection.totalCount;
        all.push(...connection.edges.map((e) => e.node));
        if (!connection.pageInfo.hasNextPage) break;
        after = connection.pageInfo.endCursor ?? null;
      }
      if (!stop) setState({ mentors: all, total });
    })();
    return () => {
      stop = true;
    };
  }, [client, tick]);
  return state;
}

export function StaffPage() {
  const [{ data }, refetch] = useQuery({ query: PathsQuery });
  const [tick, setTick] = useState(0); // bumped after a publish: the glance figures are fetched again
  const { mentors, total } = useAllMentors(tick);
  const [runId, setRunId] = useState<string | null>(null);
  const names = useMemo(() => new Map(mentors.map((m) => [m.id, m.name])), [mentors]);
  const studentNames = useStudentNames();
  const refresh = useCallback(() => refetch({ requestPolicy: "network-only" }), [refetch]);
  const published = useCallback(() => {
    refetch({ requestPolicy: "network-only" });
    setTick((t) => t + 1);
  }, [refetch]);
  const paths = data?.paths.edges.map((e) => e.node) ?? [];
  return (
    <>
      <h1>Programme at a glance</h1>
      <section aria-labelledby="waiting-h">
        <h2 id="waiting-h">Waiting students by path</h2>
        <p>
          Total waiting: <strong data-testid="waiting-total">{data?.waitingStudents.totalCount ?? "…"}</strong>
        </p>
        <table>
          <thead>
            <tr>
              <th scope="col">Path</th>
              <th scope="col">Waiting</th>
            </tr>
          </thead>
          <tbody>
            {paths.map((p) => (
              <PathWaitingRow key={p.id} id={p.id} name={p.name} tick={tick} />
            ))}
          </tbody>
        </table>
      </section>
      <section aria-labelledby="fill-h">
        <h2 id="fill-h">Mentors' fill</h2>
        <Fill mentors={mentors} total={total} />
      </section>
      <section aria-labelledby="start-h">
        <h2 id="start-h">Start a matching run</h2>
        <StartRunForm paths={paths} onStarted={(id) => { setRunId(id); refetch({ requestPolicy: "network-only" }); }} />
        {(data?.matchingRuns.length ?? 0) > 0 && (
          <>
            <h3>Recent runs</h3>
            <ul className="runs">
              {data!.matchingRuns.map((r) => (
                <li key={r.id}>
                  <button type="button" className="link" onClick={() => setRunId(r.id)}>
                    {r.id.slice(0, 8)}
                  </button>{" "}
                  {r.status} · {new Date(r.createdAt).toLocaleString("en-GB", { timeZone: "Europe/Paris" })}
                </li>
              ))}
            </ul>
          </>
        )}
      </section>
      {runId && (
        <RunView
          key={runId}
          runId={runId}
          names={names}
          students={studentNames}
          onEnded={refresh}
          onPublished={published}
        />
      )}
    </>
  );
}

function PathWaitingRow({ id, name, tick }: { id: number; name: string; tick: number }) {
  const [{ data }, refetch] = useQuery({ query: PathWaitingQuery, variables: { pathId: id } });
  useEffect(() => {
    if (tick) refetch({ requestPolicy: "network-only" });
  }, [tick, refetch]);
  return (
    <tr>
      <th scope="row">{name}</th>
      <td>{data?.waitingStudents.totalCount ?? "…"}</td>
    </tr>
  );
}

function Fill({ mentors, total }: { mentors: Mentor[]; total: number }) {
  const active = mentors.filter((m) => m.capacity > 0);
  const buckets = [
    { label: "empty", test: (m: Mentor) => m.load === 0 },
    { label: "under half", test: (m: Mentor) => m.load > 0 && m.load < m.capacity / 2 },
    { label: "half or more", test: (m: Mentor) => m.load >= m.capacity / 2 && m.load < m.capacity },
    { label: "full", test: (m: Mentor) => m.load >= m.capacity },
  ].map((b) => ({ label: b.label, count: active.filter(b.test).length }));
  const seats = active.reduce((s, m) => s + m.capacity, 0);
  const load = active.reduce((s, m) => s + m.load, 0);
  const max = Math.max(1, ...buckets.map((b) => b.count));
  return (
    <div data-testid="fill">
      <p>
        {total} mentors, {load} of {seats} seats taken ({seats ? Math.round((100 * load) / seats) : 0}%).
      </p>
      <svg className="small" viewBox="0 0 420 110" role="img" aria-label={buckets.map((b) => `${b.label}: ${b.count}`).join(", ")}>
        <title>Mentors by fill</title>
        {buckets.map((b, i) => (
          <g key={b.label} transform={`translate(0, ${i * 26})`}>
            <text x={95} y={16} textAnchor="end" fontSize="12">{b.label}</text>
            <rect x={100} y={4} height={16} width={(b.count / max) * 260} fill="#1f5fa8" />
            <text x={104 + (b.count / max) * 260} y={16} fontSize="12">{b.count}</text>
          </g>
        ))}
      </svg>
    </div>
  );
}

function StartRunForm({ paths, onStarted }: { paths: { id: number; name: string }[]; onStarted: (id: string) => void }) {
  const [, start] = useMutation(StartRun);
  const [pathId, setPathId] = useState("");
  const [timeLimit, setTimeLimit] = useState("10");
  const [seed, setSeed] = useState("0");
  const [week, setWeek] = useState("");
  const [result, setResult] = useState<Outcome | null>(null);
  return (
    <form
      className="grid"
      onSubmit={async (event) => {
        event.preventDefault();
        const r = await start({
          input: {
            scope: pathId ? { pathId: Number(pathId) } : null,
            timeLimitS: Number(timeLimit),
            seed: Number(seed),
            week: week || null,
          },
        });
        const value = r.data?.startRun;
        setResult(outcome(value, r.error, "Run started."));
        if (value?.__typename === "RunPayload") onStarted(value.run.id);
        if (value?.__typename === "AlreadyRunningError" && value.runId) onStarted(value.runId);
      }}
    >
      <label htmlFor="run-path">Scope</label>
      <select id="run-path" value={pathId} onChange={(e) => setPathId(e.target.value)}>
        <option value="">Every waiting student</option>
        {paths.map((p) => (
          <option key={p.id} value={p.id}>
            Path: {p.name}
          </option>
        ))}
      </select>
      <label htmlFor="run-limit">Time limit (seconds)</label>
      <input id="run-limit" type="number" min="1" max="600" step="1" value={timeLimit} onChange={(e) => setTimeLimit(e.target.value)} />
      <label htmlFor="run-seed">Seed</label>
      <input id="run-seed" type="number" value={seed} onChange={(e) => setSeed(e.target.value)} />
      <label htmlFor="run-week">Week (Paris, optional)</label>
      <input id="run-week" type="date" value={week} onChange={(e) => setWeek(e.target.value)} />
      <button type="submit">Start run</button>
      <OutcomeLine value={result} />
    </form>
  );
}

type ProgressEvent = RunProgressSubscription["matchingRunProgress"];

const ACTIVE = new Set(["QUEUED", "RUNNING"]);

function RunView({
  runId,
  names,
  students,
  onEnded,
  onPublished,
}: {
  runId: string;
  names: Map<number, string>;
  students: Map<number, string>;
  onEnded: () => void;
  onPublished: () => void;
}) {
  const [{ data: events }] = useSubscription(
    { query: RunProgress, variables: { runId } },
    (previous: ProgressEvent[] = [], event) => [...previous, event.matchingRunProgress],
  );
  const last = events?.at(-1);
  const status = last?.status ?? "…";
  const [, cancel] = useMutation(CancelRun);
  const [cancelled, setCancelled] = useState<Outcome | null>(null);
  const ended = !!last && !ACTIVE.has(status);
  useEffect(() => {
    if (ended) onEnded();
  }, [ended, onEnded]);
  const points = (events ?? []).filter((e) => e.elapsedS > 0 || e.placed > 0 || e.upperBound > 0);
  return (
    <section aria-labelledby="run-h" className="run">
      <h2 id="run-h">Run {runId.slice(0, 8)}</h2>
      <p aria-live="polite">
        Status: <strong data-testid="run-status">{status}</strong>
        {last && ` · ${last.phase} · ${last.elapsedS.toFixed(1)} s · placed ${last.placed} of at most ${last.upperBound}`}
        {last?.error && ` · ${last.error}`}
      </p>
      {ACTIVE.has(status) && (
        <button
          type="button"
          onClick={async () => {
            const r = await cancel({ id: runId });
            setCancelled(outcome(r.data?.cancelRun, r.error, "Cancel requested."));
          }}
        >
          Cancel run
        </button>
      )}
      <OutcomeLine value={cancelled} />
      <LineChart
        title="Placed students and upper bound over time"
        xLabel="s"
        series={[
          { name: "placed", color: "#1f5fa8", points: points.map((e) => ({ x: e.elapsedS, y: e.placed })) },
          { name: "bound", color: "#8a4b00", points: points.map((e) => ({ x: e.elapsedS, y: e.upperBound })) },
        ]}
      />
      {last && !ACTIVE.has(status) && <Review runId={runId} names={names} students={students} status={status} onPublished={onPublished} />}
    </section>
  );
}

function Review({
  runId,
  names,
  students: studentNames,
  status,
  onPublished,
}: {
  runId: string;
  names: Map<number, string>;
  students: Map<number, string>;
  status: string;
  onPublished: () => void;
}) {
  const [{ data, fetching }, refetch] = useQuery({ query: RunQuery, variables: { id: runId }, requestPolicy: "network-only" });
  const run = data?.matchingRun;
  const proposal = run?.proposal;
  const [rejected, setRejected] = useState<Set<number>>(new Set());
  const [published, setPublished] = useState<Outcome | null>(null);
  const [, publish] = useMutation(PublishRun);
  useEffect(() => refetch({ requestPolicy: "network-only" }), [status, refetch]);
  if (fetching && !run) return <p>Loading the review…</p>;
  if (!run) return null;
  if (!proposal) {
    return (
      <p>
        No proposal ({run.status}){run.error && `: ${run.error}`}
        {run.staleChanges != null && ` · changed during the solve: ${JSON.stringify(run.staleChanges)}`}
      </p>
    );
  }
  const mentor = (id: number | null | undefined) => (id == null ? "–" : `${names.get(id) ?? "Mentor"} #${id}`);
  const student = (id: number) => `${studentNames.get(id) ?? "Student"} #${id}`;
  const bars = proposal.mentorLoads
    .filter((l) => l.proposed > 0 || l.leaving > 0)
    .map((l) => ({ label: mentor(l.mentorId), capacity: l.capacity, current: l.current, after: l.after, over: l.overCapacity }));
  const byReason = new Map<string, typeof proposal.unplaced>();
  for (const u of proposal.unplaced) byReason.set(u.reason, [...(byReason.get(u.reason) ?? []), u]);
  const changes = proposal.pairs.filter((p) => p.change !== "SAME");
  const send = async (accept: number[] | null) => {
    const r = await publish({ input: { runId, acceptStudentIds: accept } });
    const value = r.data?.publishRun;
    const done =
      value?.__typename === "PublishPayload"
        ? value.run.status === "PUBLISHING"
          ? "Publishing in the background (a large run): the run's status follows it."
          : `Published: ${value.created.length} pairs created, ${value.ended.length} ended.`
        : "";
    setPublished(outcome(value, r.error, done));
    if (value?.__typename === "PublishPayload") {
      onPublished();
      refetch({ requestPolicy: "network-only" });
    }
  };
  const slot = (s: { weekday: number; start: string; minutes: number } | null | undefined) =>
    s ? `${weekdayName(s.weekday)} ${s.start} (${s.minutes} min)` : "–";
  return (
    <div className="review">
      <h3>Review</h3>
      <p data-testid="review-summary">
        Week of {proposal.week}: {proposal.placed} placed of at most {proposal.upperBound} ({proposal.solverStatus});{" "}
        {proposal.unplaced.length} unplaced; {changes.length} changes.
        {run.publishedAt && <strong> Published.</strong>}
      </p>
      <h4>Mentors' load</h4>
      {bars.length ? <LoadChart title="Mentor load after publishing" bars={bars} /> : <p>No mentor changes load.</p>}
      <h4>Unplaced students by reason</h4>
      {[...byReason.entries()].map(([reason, students]) => (
        <details key={reason} open>
          <summary>
            {reason} ({students.length})
          </summary>
          <table>
            <thead>
              <tr>
                <th scope="col">Student</th>
                <th scope="col">Facts</th>
                <th scope="col">Closest mentors</th>
              </tr>
            </thead>
            <tbody>
              {students.map((u) => (
                <tr key={u.studentId}>
                  <td>{student(u.studentId)}</td>
                  <td>
                    {Object.entries((u.facts ?? {}) as Record<string, unknown>)
                      .map(([k, v]) => `${k}: ${String(v)}`)
                      .join(", ")}
                  </td>
                  <td>{u.closestMentorIds.map((id) => mentor(id)).join(", ") || "–"}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </details>
      ))}
      {!byReason.size && <p>Every student in scope is placed.</p>}
      <h4>Changes against current pairs</h4>
      <form
        onSubmit={(event) => {
          event.preventDefault();
          void send(changes.map((p) => p.studentId).filter((id) => !rejected.has(id)));
        }}
      >
        <table data-testid="diff">
          <thead>
            <tr>
              <th scope="col">Publish</th>
              <th scope="col">Student</th>
              <th scope="col">Change</th>
              <th scope="col">Mentor</th>
              <th scope="col">Slot (Paris)</th>
              <th scope="col">Current mentor</th>
              <th scope="col">Current slot</th>
            </tr>
          </thead>
          <tbody>
            {changes.map((p) => (
              <tr key={p.studentId} data-student={p.studentId} data-mentor={p.mentorId} data-change={p.change}>
                <td>
                  <input
                    type="checkbox"
                    aria-label={`Publish ${student(p.studentId)}`}
                    checked={!rejected.has(p.studentId)}
                    onChange={(e) => {
                      const next = new Set(rejected);
                      if (e.target.checked) next.delete(p.studentId);
                      else next.add(p.studentId);
                      setRejected(next);
                    }}
                  />
                </td>
                <td>{student(p.studentId)}</td>
                <td>{p.change}</td>
                <td>{mentor(p.mentorId)}</td>
                <td>{slot(p.slot)}</td>
                <td>{mentor(p.currentMentorId)}</td>
                <td>{slot(p.currentSlot)}</td>
              </tr>
            ))}
          </tbody>
        </table>
        <div className="actions">
          <button type="submit" disabled={!!run.publishedAt}>
            Publish selected ({changes.length - rejected.size})
          </button>
          <button type="button" disabled={!!run.publishedAt} onClick={() => void send(null)}>
            Publish all
          </button>
        </div>
      </form>
      <OutcomeLine value={published} />
    </div>
  );
}
