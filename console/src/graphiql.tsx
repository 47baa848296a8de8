// GraphiQL bundled with the console (no CDN): the signed-in token goes on HTTP and on the websocket.
import { createGraphiQLFetcher } from "@graphiql/toolkit";
import { GraphiQL } from "graphiql";
import "graphiql/graphiql.css";
import { StrictMode } from "react";
import { createRoot } from "react-dom/client";
import { apiUrl, token, wsUrl } from "./session";

const current = token();
const authorization = current ? `Bearer ${current}` : undefined;
const fetcher = createGraphiQLFetcher({
  url: apiUrl(),
  subscriptionUrl: wsUrl(),
  headers: authorization ? { authorization } : {},
  wsConnectionParams: authorization ? { authorization } : {},
});

const defaultQuery = `# ${current ? "Signed in from the console: the token is sent with every request." : "Not signed in: sign in at /console/ first for a token."}
{
  viewer { role mentorId studentId }
}
`;

createRoot(document.getElementById("graphiql")!).render(
  <StrictMode>
    <GraphiQL fetcher={fetcher} defaultQuery={defaultQuery} />
  </StrictMode>,
);
