// Shared bits: the outcome of a mutation (a payload or a typed error) and Paris dates.

export interface Outcome {
  ok: boolean;
  text: string;
}

/** Mutations return a union of a payload and typed errors ({code, field, message}). */
export function outcome(
  result: { __typename?: string; code?: string; field?: string | null; message?: string } | undefined,
  error: { message: string } | undefined,
  done: string,
): Outcome {
  if (error) return { ok: false, text: error.message };
  if (!result) return { ok: false, text: "no answer" };
  if ("message" in result && result.message) {
    return { ok: false, text: `${result.code ?? result.__typename}${result.field ? ` (${result.field})` : ""}: ${result.message}` };
  }
  return { ok: true, text: done };
}

export function OutcomeLine({ value }: { value: Outcome | null }) {
  if (!value) return null;
  return (
    <p role={value.ok ? "status" : "alert"} className={value.ok ? "ok" : "error"}>
      {value.text}
    </p>
  );
}

/** Today's date in Paris, YYYY-MM-DD. */
export function parisToday(): string {
  return new Intl.DateTimeFormat("en-CA", { timeZone: "Europe/Paris" }).format(new Date());
}

export function addDays(day: string, days: number): string {
  const d = new Date(`${day}T12:00:00Z`);
  d.setUTCDate(d.getUTCDate() + days);
  return d.toISOString().slice(0, 10);
}

export function inZone(instant: string, timeZone: string): string {
  return new Intl.DateTimeFormat("en-GB", {
    timeZone,
    weekday: "short",
    day: "2-digit",
    month: "short",
    hour: "2-digit",
    minute: "2-digit",
  }).format(new Date(instant));
}

export const WEEKDAYS = ["Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"];

export function weekdayName(weekday: number): string {
  // The API's weekday: 0 = Monday (ISO weekday - 1) or 1 = Monday; both map through this table.
  return WEEKDAYS[weekday % 7] ?? String(weekday);
}
