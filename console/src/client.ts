import { createClient as createWsClient } from "graphql-ws";
import { Client, cacheExchange, fetchExchange, mapExchange, subscriptionExchange } from "urql";
import { apiUrl, signOut, token, wsUrl } from "./session";

export const EXPIRED = "Your token expired or was revoked: sign in again.";

/** A token the API no longer accepts: HTTP 401 or an UNAUTHENTICATED error, or the socket closed for it. */
function unauthenticated(error: { networkError?: Error; graphQLErrors: readonly { extensions?: object }[] }) {
  const status = (error.networkError as { response?: { status?: number } } | undefined)?.response?.status;
  const text = error.networkError?.message ?? "";
  return (
    status === 401 ||
    /\b401\b|Unauthorized/i.test(text) ||
    error.graphQLErrors.some((e) => (e.extensions as { code?: string } | undefined)?.code === "UNAUTHENTICATED")
  );
}

/** One urql client per signed-in token: HTTP for queries and mutations, graphql-ws for subscriptions. */
export function makeClient(): Client {
  const ws = createWsClient({
    url: wsUrl(),
    connectionParams: () => ({ authorization: `Bearer ${token() ?? ""}` }),
    lazy: true,
    retryAttempts: 5,
    shouldRetry: (event) => {
      const code = (event as CloseEvent | undefined)?.code;
      return code !== 4403 && code !== 4401 && code !== 4400;
    },
    on: {
      closed: (event) => {
        const code = (event as CloseEvent).code;
        if (code === 4403 || code === 4401) signOut(EXPIRED);
      },
    },
  });
  return new Client({
    url: apiUrl(),
    requestPolicy: "cache-and-network",
    preferGetMethod: false, // the API takes JSON POSTs only
    fetchOptions: () => ({ headers: { authorization: `Bearer ${token() ?? ""}` } }),
    exchanges: [
      cacheExchange,
      mapExchange({
        onError(error) {
          if (unauthenticated(error)) signOut(EXPIRED);
        },
      }),
      fetchExchange,
      subscriptionExchange({
        forwardSubscription(request) {
          const input = { ...request, query: request.query || "" };
          return {
            subscribe(sink) {
              const dispose = ws.subscribe(input, sink);
              return { unsubscribe: dispose };
            },
          };
        },
      }),
    ],
  });
}
