import { useState } from "react";
import { signIn, signedOutReason } from "../session";

export function SignIn({ onSignedIn }: { onSignedIn: () => void }) {
  const [value, setValue] = useState("");
  const [api, setApi] = useState(sessionStorage.getItem("mentormatch.api") ?? "");
  const reason = signedOutReason();
  return (
    <main id="main" className="signin">
      <h1>Mentormatch console</h1>
      {reason && (
        <p role="alert" className="error" data-testid="signed-out-reason">
          {reason}
        </p>
      )}
      <form
        onSubmit={(event) => {
          event.preventDefault();
          if (!value.trim()) return;
          signIn(value, api);
          onSignedIn();
        }}
      >
        <label htmlFor="token">Bearer token (staff, mentor or student)</label>
        <input
          id="token"
          name="token"
          type="password"
          autoComplete="off"
          value={value}
          onChange={(e) => setValue(e.target.value)}
          placeholder="mm_…"
          required
        />
        <details>
          <summary>Another API</summary>
          <label htmlFor="api">GraphQL address (leave empty for this server)</label>
          <input id="api" name="api" type="url" value={api} onChange={(e) => setApi(e.target.value)} />
        </details>
        <button type="submit">Sign in</button>
      </form>
      <p className="hint">
        The token is kept in this tab only (sessionStorage). <code>scripts/demo</code> prints one per role.
      </p>
    </main>
  );
}
