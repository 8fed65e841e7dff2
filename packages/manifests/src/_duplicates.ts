/** Reports each later item whose key was already seen (items without a key are skipped). */
export function duplicates<T, R>(
  items: readonly T[],
  key: (item: T) => string | undefined,
  report: (item: T, first: T) => R,
): R[] {
  const seen = new Map<string, T>();
  return items.flatMap((item) => {
    const k = key(item);
    if (k === undefined) return [];
    const first = seen.get(k);
    if (first === undefined) {
      seen.set(k, item);
      return [];
    }
    return [report(item, first)];
  });
}
