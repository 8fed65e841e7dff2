import { createHash } from 'node:crypto';
import type { KubeObject } from '@kubeship/manifests';

/** The ApplySet labels and annotations (KEP-3659), so that `kubectl` understands the inventory. */
export const APPLYSET = {
  id: 'applyset.kubernetes.io/id',
  partOf: 'applyset.kubernetes.io/part-of',
  tooling: 'applyset.kubernetes.io/tooling',
  groupKinds: 'applyset.kubernetes.io/contains-group-kinds',
  additionalNamespaces: 'applyset.kubernetes.io/additional-namespaces',
} as const;

/** Labels kubeship puts on its own bookkeeping objects. */
export const RELEASE_LABELS = {
  app: 'kubeship.dev/app',
  role: 'kubeship.dev/role',
  revision: 'kubeship.dev/revision',
} as const;

/** The ApplySet parent of an app's releases: a ConfigMap beside the app. */
export function applySetParentName(app: string): string {
  return `kubeship.${app}`;
}

/**
 * The ApplySet id of a parent, as the KEP defines it: `applyset-` + unpadded base64url of the
 * SHA-256 of `<name>.<namespace>.<kind>.<group>` + `-v1`.
 */
export function applySetId(parent: { name: string; namespace: string; kind: string; group: string }): string {
  const digest = createHash('sha256')
    .update(`${parent.name}.${parent.namespace}.${parent.kind}.${parent.group}`)
    .digest('base64url');
  return `applyset-${digest}-v1`;
}

/** The id of an app's ApplySet in its namespace. */
export function appApplySetId(app: string, namespace: string): string {
  return applySetId({ name: applySetParentName(app), namespace, kind: 'ConfigMap', group: '' });
}

/** `Deployment.apps`, `Service`: the group-kind notation of the ApplySet annotations. */
export function groupKindOf(object: Pick<KubeObject, 'apiVersion' | 'kind'>): string {
  const group = object.apiVersion.includes('/') ? object.apiVersion.split('/')[0] : '';
  return group ? `${object.kind}.${group}` : object.kind;
}

/** Pure: the release's objects, each labelled as a member of the app's ApplySet. */
export function withMembership(objects: readonly KubeObject[], id: string): KubeObject[] {
  return objects.map((object) => ({
    ...object,
    metadata: { ...object.metadata, labels: { ...object.metadata.labels, [APPLYSET.partOf]: id } },
  }));
}

/**
 * Pure: the ApplySet parent ConfigMap after a release: which group-kinds and namespaces its
 * members span, and which release revision is current.
 */
export function applySetParent(options: {
  app: string;
  namespace: string;
  members: readonly KubeObject[];
  revision: number;
  tooling: string;
}): KubeObject {
  const groupKinds = [...new Set(options.members.map(groupKindOf))].sort();
  const others = [
    ...new Set(
      options.members.map((m) => m.metadata.namespace).filter((ns) => ns && ns !== options.namespace),
    ),
  ].sort();
  return {
    apiVersion: 'v1',
    kind: 'ConfigMap',
    metadata: {
      name: applySetParentName(options.app),
      namespace: options.namespace,
      labels: {
        [APPLYSET.id]: appApplySetId(options.app, options.namespace),
        [RELEASE_LABELS.app]: options.app,
        [RELEASE_LABELS.role]: 'applyset-parent',
      },
      annotations: {
        [APPLYSET.tooling]: options.tooling,
        [APPLYSET.groupKinds]: groupKinds.join(','),
        ...(others.length > 0 ? { [APPLYSET.additionalNamespaces]: others.join(',') } : {}),
      },
    },
    data: { app: options.app, revision: String(options.revision) },
  };
}
