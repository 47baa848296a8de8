// The signed-in token and the API's address, kept for this browser tab only (sessionStorage).
const TOKEN = "mentormatch.token";
const API = "mentormatch.api";
const REASON = "mentormatch.signedOutReason";

export function token(): string | null {
  return sessionStorage.getItem(TOKEN);
}

/** The GraphQL endpoint: the same origin by default, or another API (CORS) chosen at sign-in. */
export function apiUrl(): string {
  return sessionStorage.getItem(API) || new URL("/graphql", window.location.origin).toString();
}

export function wsUrl(): string {
  const url = new URL(apiUrl());
  url.protocol = url.protocol === "https:" ? "wss:" : "ws:";
  return url.toString();
}

export function signIn(value: string, api: string): void {
  sessionStorage.setItem(TOKEN, value.trim());
  if (api.trim()) sessionStorage.setItem(API, api.trim());
  else sessionStorage.removeItem(API);
  sessionStorage.removeItem(REASON);
}

const listeners = new Set<() => void>();

export function onSignOut(listener: () => void): () => void {
  listeners.add(listener);
  return () => listeners.delete(listener);
}

/** Forget the token; `reason` is shown on the sign-in page (an expired or revoked token). */
export function signOut(reason = ""): void {
  if (!sessionStorage.getItem(TOKEN)) return;
  sessionStorage.removeItem(TOKEN);
  if (reason) sessionStorage.setItem(REASON, reason);
  listeners.forEach((listener) => listener());
}

export function signedOutReason(): string {
  return sessionStorage.getItem(REASON) ?? "";
}
