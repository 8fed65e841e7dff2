/** `value` without its `undefined` properties (shallow), so optional fields need no conditional spreads. */
export function compact<T extends Record<string, unknown>>(
  value: T,
): { [K in keyof T]?: Exclude<T[K], undefined> } {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as {
    [K in keyof T]?: Exclude<T[K], undefined>;
  };
}

/** `items`, or `undefined` when there are none (Kubernetes omits empty lists). */
export const nonEmpty = <T>(items: readonly T[] | undefined): T[] | undefined =>
  items && items.length > 0 ? [...items] : undefined;
