import type * as k8s from '@kubernetes/client-node';
import { type KubeObject, objectIdentity } from '@kubeship/manifests';
import { RawObjectClient, UnservedKindError } from '../apply/_raw.ts';
import { objectCall, objectId, objectReference } from '../apply/plan.ts';
import { describeKubernetesError } from '../auth/index.ts';
import { APPLYSET } from './applyset.ts';
import { type HistoryRef, readHistory, readRecord } from './history.ts';
import { lastDeployed } from './record.ts';

/** Pure: the objects of `before` that `after` no longer has (by group, kind, namespace and name). */
export function missingFrom(before: readonly KubeObject[], after: readonly KubeObject[]): KubeObject[] {
  const kept = new Set(after.map(objectIdentity));
  return before.filter((object) => !kept.has(objectIdentity(object)));
}

/**
 * Pure: the inventory of a release, what is in the cluster after it: the previous inventory's
 * members it did not prune (kept with `--no-prune`, or not shipped by `set-image`), with its own
 * objects in their place. Each kept member stays just before the first of the release's objects
 * that followed it in the previous inventory, so a Namespace or a CRD keeps coming first when the
 * inventory is applied again.
 */
export function inventoryAfter(
  previous: readonly KubeObject[],
  own: readonly KubeObject[],
  pruned: readonly KubeObject[],
): KubeObject[] {
  const ownIds = new Set(own.map(objectIdentity));
  const prunedIds = new Set(pruned.map(objectIdentity));
  const before = new Map<string, KubeObject[]>();
  let kept: KubeObject[] = [];
  for (const member of previous) {
    const id = objectIdentity(member);
    if (ownIds.has(id)) {
      if (kept.length > 0) before.set(id, kept);
      kept = [];
    } else if (!prunedIds.has(id)) kept.push(member);
  }
  return [...own.flatMap((object) => [...(before.get(objectIdentity(object)) ?? []), object]), ...kept];
}

/**
 * The objects the app's last deployed release has and `objects` has not, by `objectId`: what a
 * deploy prunes, or keeps when pruning is turned off. Empty for an app with no release yet.
 */
export async function leftBehind(
  kc: k8s.KubeConfig,
  ref: HistoryRef,
  objects: readonly KubeObject[],
): Promise<string[]> {
  const previous = lastDeployed(await readHistory(kc, ref));
  const record = previous ? await readRecord(kc, ref, previous.revision) : undefined;
  return missingFrom(record?.objects ?? [], objects).map(objectId);
}

/**
 * Deletes objects that belong to the app's ApplySet: each is read first and deleted only while it
 * still carries the membership label (an object another tool took over is left alone). Returns
 * the ids of the objects deleted; already absent ones count as done.
 */
export async function deleteMembers(
  kc: k8s.KubeConfig,
  objects: readonly KubeObject[],
  applySetId: string,
): Promise<string[]> {
  // through the raw client: every read and delete waits under the KubeConfig's request limit
  const client = new RawObjectClient(kc);
  const deleted = await Promise.all(
    objects.map(async (object) => {
      const ref = objectReference(object) as k8s.KubernetesObject;
      try {
        const live = await client.read(ref);
        if (live?.metadata?.labels?.[APPLYSET.partOf] !== applySetId) return undefined;
        return (await client.delete(ref, 'Background')) ? objectId(object) : undefined;
      } catch (error) {
        // a kind no longer served (its CRD removed) has no objects left to delete
        if (error instanceof UnservedKindError) return undefined;
        throw describeKubernetesError(error, objectCall('delete', object));
      }
    }),
  );
  return deleted.filter((id): id is string => id !== undefined);
}
