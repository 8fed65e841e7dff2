import type * as k8s from '@kubernetes/client-node';
import type { KubeObject } from '@kubeship/manifests';
import { type FieldChange, objectId, planChanges } from '../apply/plan.ts';
import { type HistoryRef, noSuchRelease, readHistory, readRecord } from './history.ts';
import type { ReleaseRecord } from './record.ts';

/** How one object differs between two releases. */
export interface ObjectDifference {
  /** `Kind namespace/name` */
  readonly id: string;
  /** added: only the later release has it; removed: only the earlier one. */
  readonly action: 'added' | 'removed' | 'changed' | 'unchanged';
  /** The fields that differ (`from` in the earlier release, `to` in the later); Secret values redacted. */
  readonly changes: readonly FieldChange[];
}

/** What changed from one release to another. */
export interface ReleaseDifference {
  readonly app: string;
  readonly namespace: string;
  readonly from: number;
  readonly to: number;
  /** The later release's objects in its order, then the ones it no longer has. */
  readonly objects: readonly ObjectDifference[];
}

/**
 * Pure: the objects added, removed and changed from release `from` to release `to`, field by
 * field in both directions (a field only the earlier release sets shows as unset in the later).
 * Secret `data` and `stringData` values are never put in the result.
 */
export function diffReleases(
  from: Pick<ReleaseRecord, 'objects'>,
  to: Pick<ReleaseRecord, 'objects'>,
): ObjectDifference[] {
  const byId = (objects: readonly KubeObject[]) => new Map(objects.map((o) => [objectId(o), o]));
  const earlier = byId(from.objects);
  const later = byId(to.objects);
  const forward = planChanges(to.objects, earlier);
  const backward = new Map(planChanges(from.objects, later).map((p) => [p.id, p]));
  const kept = forward.map((planned): ObjectDifference => {
    if (planned.action === 'create') return { id: planned.id, action: 'added', changes: [] };
    // fields the earlier release set and the later one does not: the reverse comparison's
    // "would be created" leaves
    const unset = (backward.get(planned.id)?.changes ?? [])
      .filter((c) => !('from' in c))
      .map((c) => ({ path: c.path, from: c.to }));
    const changes = [...planned.changes, ...unset];
    return { id: planned.id, action: changes.length > 0 ? 'changed' : 'unchanged', changes };
  });
  const removed = from.objects
    .filter((o) => !later.has(objectId(o)))
    .map((o): ObjectDifference => ({ id: objectId(o), action: 'removed', changes: [] }));
  return [...kept, ...removed];
}

/**
 * Reads releases `from` and `to` of an app and compares them. INVALID_INPUT naming the flag
 * (`--from-revision`, `--to-revision`) and the recorded revisions when one does not exist.
 * `to` defaults to the latest recorded release.
 */
export async function compareReleases(
  kc: k8s.KubeConfig,
  ref: HistoryRef,
  revisions: { readonly from: number; readonly to?: number },
): Promise<ReleaseDifference> {
  const history = await readHistory(kc, ref);
  const to = revisions.to ?? history.at(-1)?.revision;
  const read = async (key: string, revision: number | undefined) => {
    const record = revision === undefined ? undefined : await readRecord(kc, ref, revision);
    if (!record) throw noSuchRelease(ref, history, { key, revision });
    return record;
  };
  const earlier = await read('--from-revision', revisions.from);
  const later = await read('--to-revision', to);
  return {
    app: ref.app,
    namespace: ref.namespace,
    from: earlier.revision,
    to: later.revision,
    objects: diffReleases(earlier, later),
  };
}
