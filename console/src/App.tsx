import { useEffect, useMemo, useState } from "react";
import { Provider, useQuery } from "urql";
import { EXPIRED, makeClient } from "./client";
import { graphql } from "./gql";
import { MentorPage } from "./pages/Mentor";
import { SignIn } from "./pages/SignIn";
import { StaffPage } from "./pages/Staff";
import { StudentPage } from "./pages/Student";
import { onSignOut, signOut, token } from "./session";

const ViewerQuery = graphql(`
  query Viewer {
    viewer {
      role
      mentorId
      studentId
    }
  }
`);

export function App() {
  const [current, setCurrent] = useState(token());
  useEffect(() => onSignOut(() => setCurrent(null)), []);
  if (!current) return <SignIn onSignedIn={() => setCurrent(token())} />;
  return <SignedIn key={current} />;
}

function SignedIn() {
  const client = useMemo(() => makeClient(), []);
  return (
    <Provider value={client}>
      <Shell />
    </Provider>
  );
}

function Shell() {
  const [{ data, error }] = useQuery({ query: ViewerQuery, requestPolicy: "network-only" });
  const viewer = data?.viewer;
  useEffect(() => {
    if (viewer && !viewer.role) signOut(EXPIRED); // the API took the token for an anonymous caller
  }, [viewer]);
  return (
    <>
      <header className="top">
        <a className="skip" href="#main">
          Skip to content
        </a>
        <span className="brand">Mentormatch console</span>
        <nav aria-label="Console">
          {viewer?.role && <span data-testid="role">Signed in as {viewer.role}</span>}
          <a href={`${import.meta.env.BASE_URL}graphiql/`}>GraphiQL</a>
          <button type="button" onClick={() => signOut()}>
            Sign out
          </button>
        </nav>
      </header>
      <main id="main">
        {error && !data && <p role="alert">The API did not answer: {error.message}</p>}
        {!data && !error && <p>Loading…</p>}
        {viewer?.role === "staff" && <StaffPage />}
        {viewer?.role === "mentor" && viewer.mentorId != null && <MentorPage mentorId={viewer.mentorId} />}
        {viewer?.role === "student" && viewer.studentId != null && <StudentPage studentId={viewer.studentId} />}
      </main>
    </>
  );
}
