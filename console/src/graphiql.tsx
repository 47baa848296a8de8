// GraphiQL bundled with the console (no CDN): the signed-in token goes on HTTP and on the websocket.
import { createGraphiQLFetcher } from "@graphiql/toolkit";
import { GraphiQL } from "graphiql";
import "graphiql/graphiql.css";
import "./graphiql-a11y.css";
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

const defaultQuery = `# ${current ? "Your console token goes with each request." : "Sign in at /console/ first."}
{
  viewer { role mentorId studentId }
}
`;

/** GraphiQL's own markup misses a few accessibility basics (axe-core: unlabelled editors, a scroll region
 * without keyboard access, buttons nested in a role=tab item); mend them as GraphiQL renders. */
function mend(root: HTMLElement): void {
  const labels: [string, string][] = [
    [".graphiql-query-editor textarea", "Query editor"],
    [".graphiql-editor-tool textarea", "Variables or headers editor"],
    [".result-window textarea", "Result"],
  ];
  const apply = () => {
    for (const [selector, label] of labels) {
      root.querySelectorAll<HTMLTextAreaElement>(selector).forEach((t) => {
        if (!t.getAttribute("aria-label")) t.setAttribute("aria-label", label);
      });
    }
    root.querySelectorAll<HTMLElement>(".CodeMirror-scroll[tabindex='-1']").forEach((e) => {
      e.tabIndex = 0;
    });
    root.querySelectorAll<HTMLElement>("[role=tablist], [role=tab]").forEach((e) => {
      e.removeAttribute("role");
      e.removeAttribute("aria-selected");
    });
  };
  apply();
  new MutationObserver(apply).observe(root, { subtree: true, childList: true, attributes: true, attributeFilter: ["role", "tabindex"] });
}

const container = document.getElementById("graphiql")!;
mend(container);
createRoot(container).render(
  <StrictMode>
    <GraphiQL fetcher={fetcher} defaultQuery={defaultQuery} />
  </StrictMode>,
);
