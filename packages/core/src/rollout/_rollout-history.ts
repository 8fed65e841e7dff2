import { FIELD_MANAGER } from '../apply/_field-manager.ts';
import { timeOf } from './_time.ts';

// What the cluster reported before a rollout began is history, never a verdict on it: the failure
// that rolled a release back, reported a moment before the rollback was applied, must not fail the
// rollback. Kubernetes stamps events and conditions in whole seconds, and kubeship's clock is not
// the API server's, so the cut is made on the server's own clock: after kubeship's apply as the
// server recorded it.

/**
 * When kubeship last applied `object`, on the API server's clock: the time of its field manager's
 * Apply entry in `managedFields` (whole seconds; the server moves it when an applied value
 * changes). Undefined when the object carries no such entry.
 */
export function appliedOnServer(object: { metadata?: object | undefined }): number | undefined {
  const entries = (object.metadata as { managedFields?: unknown } | undefined)?.managedFields;
  if (!Array.isArray(entries)) return undefined;
  const times = entries.flatMap((entry: { manager?: unknown; operation?: unknown; time?: unknown }) => {
    const applied = entry.manager === FIELD_MANAGER && entry.operation === 'Apply';
    const at = applied && typeof entry.time === 'string' ? timeOf(entry.time) : undefined;
    return at === undefined ? [] : [at];
  });
  return times.length > 0 ? Math.max(...times) : undefined;
}

/**
 * Whether a report about `object` (an event, a condition) stamped `seenAt` belongs to the rollout
 * kubeship started at `appliedAt` (its own clock): not before it, less a second of clock skew,
 * and strictly after the second in which the server recorded kubeship's apply. A report from that
 * very second is left out; a failure of this rollout goes on being reported, and counts next time.
 */
export function ofThisRollout(
  seenAt: number,
  object: { metadata?: object | undefined },
  appliedAt: number,
): boolean {
  return seenAt >= appliedAt - 1000 && seenAt > (appliedOnServer(object) ?? Number.NEGATIVE_INFINITY);
}
