import type * as k8s from '@kubernetes/client-node';
import type { KubeObject } from '@kubeship/manifests';
import { kubeApi, kubeRequest } from '../apply/_kube-api.ts';
import { objectApiOf } from '../apply/_raw.ts';
import { objectId } from '../apply/plan.ts';
import { dryRunAll, FIELD_MANAGER, readLive } from '../apply/server.ts';
import { describeKubernetesError } from '../auth/index.ts';

/** What {@link adoptHelmRelease} took over from Helm, and what it left alone. */
export interface HelmAdoption {
  /** `Kind namespace/name` of each object whose Helm-owned fields kubeship now owns. */
  readonly adopted: readonly string[];
  /** The Helm release Secrets (`sh.helm.release.v1.<release>.v<N>`), left as they are. */
  readonly releaseSecrets: readonly string[];
}

/** A `metadata.managedFields` entry. */
export interface ManagedFieldsEntry {
  readonly manager?: string;
  readonly operation?: string;
  readonly apiVersion?: string;
  readonly time?: string;
  readonly fieldsType?: string;
  readonly fieldsV1?: unknown;
  readonly subresource?: string;
}

type PathResolver = { specUriPath(spec: k8s.KubernetesObject, action: 'patch'): Promise<string> };
const HELM_MANAGERS = new Set(['helm', 'Helm']);
const RELEASE_ANNOTATION = 'meta.helm.sh/release-name';
const NAMESPACE_ANNOTATION = 'meta.helm.sh/release-namespace';

/**
 * Takes over the objects a `helm upgrade --install` of `releaseName` created, so that kubeship's
 * server-side apply meets no field-manager conflict and creates no duplicate: when the namespace
 * holds that release's Secrets, the whole set is first dry-run (nothing changes if the cluster
 * rejects any of it), then each live object the release owns gets Helm's field ownership handed
 * to kubeship (only `metadata.managedFields` changes; nothing of the object itself). The release
 * Secrets are left alone and returned, so the caller can report them.
 */
export async function adoptHelmRelease(
  kc: k8s.KubeConfig,
  objects: readonly KubeObject[],
  release: { readonly releaseName: string; readonly namespace: string; readonly now?: () => Date },
): Promise<HelmAdoption> {
  const { core } = kubeApi(kc);
  const selector = `owner=helm,name=${release.releaseName}`;
  const secrets = await core
    .listNamespacedSecret({ namespace: release.namespace, labelSelector: selector })
    .catch((error: unknown) => {
      throw describeKubernetesError(error, {
        verb: 'list',
        resource: 'secrets',
        namespace: release.namespace,
      });
    });
  const releaseSecrets = secrets.items.map((s) => s.metadata?.name ?? '').sort();
  if (releaseSecrets.length === 0) return { adopted: [], releaseSecrets };

  const live = await readLive(kc, objects);
  const owned = objects.filter((object) => {
    const annotations = live.get(objectId(object))?.metadata?.annotations ?? {};
    return (
      annotations[RELEASE_ANNOTATION] === release.releaseName &&
      (annotations[NAMESPACE_ANNOTATION] ?? release.namespace) === release.namespace
    );
  });
  if (owned.length === 0) return { adopted: [], releaseSecrets };
  await dryRunAll(kc, objects, { force: true });

  const paths = objectApiOf(kc) as unknown as PathResolver;
  const time = (release.now?.() ?? new Date()).toISOString().replace(/\.\d+Z$/, 'Z');
  const adopted: string[] = [];
  for (const object of owned) {
    const current = live.get(objectId(object));
    const managedFields = takeOverManagedFields(
      (current?.metadata?.managedFields ?? []) as unknown as ManagedFieldsEntry[],
      object.apiVersion,
      time,
    );
    if (!managedFields) continue;
    const target = { apiVersion: object.apiVersion, kind: object.kind, metadata: { ...object.metadata } };
    // the resourceVersion makes the patch fail, rather than overwrite, if the object changed meanwhile
    const patch = { metadata: { resourceVersion: current?.metadata?.resourceVersion, managedFields } };
    await paths
      .specUriPath(target, 'patch')
      .then((path) =>
        kubeRequest(kc, 'PATCH', `${path}?fieldManager=${FIELD_MANAGER}`, {
          body: patch,
          contentType: 'application/merge-patch+json',
        }),
      )
      .catch((error: unknown) => {
        throw describeKubernetesError(error, {
          verb: 'patch',
          resource: object.kind,
          name: object.metadata.name,
          ...(current?.metadata?.namespace ? { namespace: current.metadata.namespace } : {}),
        });
      });
    adopted.push(objectId(object));
  }
  return { adopted, releaseSecrets };
}

/**
 * The managed fields with every field Helm's managers own (main resource, not subresources)
 * moved into kubeship's Apply entry (merged with one kubeship already has); undefined when Helm
 * owns nothing. Pure.
 */
export function takeOverManagedFields(
  entries: readonly ManagedFieldsEntry[],
  apiVersion: string,
  time: string,
): ManagedFieldsEntry[] | undefined {
  const isHelm = (e: ManagedFieldsEntry) => HELM_MANAGERS.has(e.manager ?? '') && !e.subresource;
  const isOwnApply = (e: ManagedFieldsEntry) =>
    e.manager === FIELD_MANAGER && e.operation === 'Apply' && !e.subresource;
  const taken = entries.filter((e) => isHelm(e) || isOwnApply(e));
  if (!entries.some(isHelm)) return undefined;
  const fieldsV1 = taken.reduce<unknown>((merged, e) => unionFields(merged, e.fieldsV1), {});
  return [
    ...entries.filter((e) => !isHelm(e) && !isOwnApply(e)),
    { manager: FIELD_MANAGER, operation: 'Apply', apiVersion, time, fieldsType: 'FieldsV1', fieldsV1 },
  ];
}

/** The union of two FieldsV1 sets (nested maps whose leaves are `{}`). Pure. */
export function unionFields(a: unknown, b: unknown): unknown {
  if (!isRecord(a)) return b ?? {};
  if (!isRecord(b)) return a;
  const out: Record<string, unknown> = { ...a };
  for (const [key, value] of Object.entries(b)) out[key] = key in out ? unionFields(out[key], value) : value;
  return out;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
