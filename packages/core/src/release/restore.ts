import { type KubeObject, objectIdentity } from '@kubeship/manifests';

/** What putting a release back to the previous state takes. */
export interface RestorePlan {
  /** The previous release's objects (or the pre-deploy state of adopted ones), in apply order. */
  readonly apply: readonly KubeObject[];
  /** Objects the failed release created: deleted again. */
  readonly remove: readonly KubeObject[];
  /** Deployments that existed before but have no recorded state: rolled back by their ReplicaSet history. */
  readonly legacyDeployments: readonly KubeObject[];
}

const SERVER_FIELDS = [
  'uid',
  'resourceVersion',
  'generation',
  'creationTimestamp',
  'managedFields',
  'selfLink',
];

/** Pure: a live object as something to apply again: no status, no server-set metadata. */
export function asAppliable(live: KubeObject): KubeObject {
  const { status: _, ...rest } = live;
  const metadata = Object.fromEntries(
    Object.entries(live.metadata).filter(([key]) => !SERVER_FIELDS.includes(key)),
  ) as KubeObject['metadata'];
  return { ...rest, metadata };
}

/**
 * Pure: how to restore the state before a failed release. With a previous release record, its
 * whole object set is applied again (config content included); what the failed release created
 * is removed. Objects that existed before without a record (adopted) go back to their live state
 * before the deploy; adopted Deployments roll back through their ReplicaSet history instead.
 */
export function restorePlan(options: {
  readonly applied: readonly KubeObject[];
  readonly previous?: readonly KubeObject[];
  /** Live objects as read before the deploy, by identity. */
  readonly liveBefore: ReadonlyMap<string, KubeObject>;
}): RestorePlan {
  const previous = new Map((options.previous ?? []).map((o) => [objectIdentity(o), o]));
  const adopted: KubeObject[] = [];
  const legacyDeployments: KubeObject[] = [];
  const remove: KubeObject[] = [];
  for (const object of options.applied) {
    const id = objectIdentity(object);
    if (previous.has(id)) continue;
    const before = options.liveBefore.get(id);
    if (!before) remove.push(object);
    else if (object.kind === 'Deployment') legacyDeployments.push(object);
    else adopted.push(asAppliable(before));
  }
  return { apply: [...previous.values(), ...adopted], remove: remove.reverse(), legacyDeployments };
}
