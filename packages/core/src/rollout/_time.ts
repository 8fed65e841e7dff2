/** Milliseconds since the epoch of an API timestamp (a string in JSON, a Date in client-node models). */
export function timeOf(value: Date | string | null | undefined): number | undefined {
  if (value === undefined || value === null) return undefined;
  const time = new Date(value).getTime();
  return Number.isNaN(time) ? undefined : time;
}

/** The earlier of two optional instants. */
export function earliest(a: number | undefined, b: number | undefined): number | undefined {
  if (a === undefined) return b;
  if (b === undefined) return a;
  return Math.min(a, b);
}
