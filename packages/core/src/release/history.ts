import * as k8s from '@kubernetes/client-node';
import type { KubeObject } from '@kubeship/manifests';
import { kubeApi } from '../apply/_kube-api.ts';
import { RawObjectClient } from '../apply/_raw.ts';
import { objectCall } from '../apply/plan.ts';
import { FIELD_MANAGER } from '../apply/server.ts';
import { describeKubernetesError } from '../auth/index.ts';
import { KubeshipError } from '../errors.ts';
import { RELEASE_LABELS } from './applyset.ts';
import {
  decodeRecord,
  encodeRecord,
  type ReleaseRecord,
  type ReleaseSummary,
  recordSecretName,
  summaryOf,
} from './record.ts';

/** Where an app's release records live. */
export interface HistoryRef {
  readonly app: string;
  readonly namespace: string;
}

/** The app's release records, oldest first (summaries only: no object is decoded). */
export async function readHistory(kc: k8s.KubeConfig, ref: HistoryRef): Promise<ReleaseSummary[]> {
  const { core } = kubeApi(kc);
  const list = await core
    .listNamespacedSecret({
      namespace: ref.namespace,
      labelSelector: `${RELEASE_LABELS.app}=${ref.app},${RELEASE_LABELS.role}=release-record`,
    })
    .catch((error: unknown) => {
      if (error instanceof k8s.ApiException && error.code === 404) return { items: [] };
      throw describeKubernetesError(error, { verb: 'list', resource: 'secrets', namespace: ref.namespace });
    });
  return list.items
    .map((secret) => summaryOf(secret))
    .filter((s): s is ReleaseSummary => s !== undefined)
    .sort((a, b) => a.revision - b.revision);
}

/**
 * INVALID_INPUT for a revision the history does not hold (or none was given: `revision`
 * undefined), naming the flag and listing the recorded revisions with their outcomes.
 */
export function noSuchRelease(
  ref: HistoryRef,
  history: readonly Pick<ReleaseSummary, 'revision' | 'outcome'>[],
  wanted: { readonly key: string; readonly revision: number | undefined; readonly missing?: string },
): KubeshipError {
  const known = history.map((r) => `${r.revision} (${r.outcome})`).join(', ') || 'none';
  const what =
    wanted.revision === undefined
      ? `${ref.app} in ${ref.namespace} has ${wanted.missing ?? 'no recorded release'}`
      : `${wanted.key} ${wanted.revision}: ${ref.app} in ${ref.namespace} has no release ${wanted.revision}`;
  return new KubeshipError('INVALID_INPUT', `${what} (releases: ${known}); nothing was changed`, {
    details: {
      key: wanted.key,
      app: ref.app,
      namespace: ref.namespace,
      ...(wanted.revision === undefined ? {} : { revision: wanted.revision }),
      revisions: history.map((r) => r.revision),
    },
  });
}

/** One record with its objects, or undefined when there is no such revision. */
export async function readRecord(
  kc: k8s.KubeConfig,
  ref: HistoryRef,
  revision: number,
): Promise<ReleaseRecord | undefined> {
  const live = await new RawObjectClient(kc)
    .read({
      apiVersion: 'v1',
      kind: 'Secret',
      metadata: { name: recordSecretName(ref.app, revision), namespace: ref.namespace },
    })
    .catch((error: unknown) => {
      throw describeKubernetesError(error, { verb: 'get', resource: 'secrets', namespace: ref.namespace });
    });
  return live ? decodeRecord(live as { data?: Record<string, string> }) : undefined;
}

/**
 * Writes a record (server-side apply) and trims the history to `keep` records, never removing the
 * latest deployed one (the state a failed release goes back to).
 */
export async function writeRecord(kc: k8s.KubeConfig, record: ReleaseRecord, keep: number): Promise<void> {
  await applyOwn(kc, encodeRecord(record));
  const ref = { app: record.app, namespace: record.namespace };
  const history = await readHistory(kc, ref);
  const protectedRevision = [...history].reverse().find((r) => r.outcome === 'deployed')?.revision;
  const excess = history
    .filter((r) => r.revision !== protectedRevision)
    .slice(0, Math.max(0, history.length - keep));
  const { core } = kubeApi(kc);
  await Promise.all(
    excess.map((r) =>
      core
        .deleteNamespacedSecret({ name: recordSecretName(ref.app, r.revision), namespace: ref.namespace })
        .catch(() => undefined),
    ),
  );
}

/** Server-side applies one of kubeship's own bookkeeping objects (it owns them outright). */
export async function applyOwn(kc: k8s.KubeConfig, object: KubeObject): Promise<void> {
  await new RawObjectClient(kc)
    .apply(object as k8s.KubernetesObject, { fieldManager: FIELD_MANAGER, force: true, dryRun: false })
    .catch((error: unknown) => {
      throw describeKubernetesError(error, objectCall('patch', object));
    });
}
