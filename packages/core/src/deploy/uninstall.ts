import * as k8s from '@kubernetes/client-node';
import { type KubeObject, objectIdentity } from '@kubeship/manifests';
import { GONE_TIMEOUT_MS, untilGone } from '../apply/_gone.ts';
import { kubeApi } from '../apply/_kube-api.ts';
import { objectApiOf, RawObjectClient } from '../apply/_raw.ts';
import { objectCall, objectId, objectReference } from '../apply/plan.ts';
import { describeKubernetesError } from '../auth/index.ts';
import { type Clock, systemClock } from '../clock.ts';
import { KubeshipError } from '../errors.ts';
import { HOOK_OF_LABEL } from '../gates/hooks.ts';
import { APPLYSET, appApplySetId, applySetParentName } from '../release/applyset.ts';
import { type HistoryRef, readHistory, readRecord } from '../release/history.ts';
import { recordSecretName } from '../release/record.ts';
import { acquireDeployLease } from './lease.ts';

/** Options of {@link uninstallRelease}. */
export interface UninstallOptions extends HistoryRef {
  /** Only say what would be deleted; nothing is changed and no lease is taken. */
  readonly dryRun?: boolean;
  /** Keep the release records and the ApplySet parent (`history` still lists the releases). */
  readonly keepHistory?: boolean;
  /** The deploy lease: who uninstalls, and how long to wait for a deploy in progress (default 0). */
  readonly lease: { readonly holder: string; readonly waitMs?: number };
  /** How long each wave of deletions may take to be gone (default 60 s). */
  readonly goneTimeoutMs?: number;
  readonly clock?: Clock;
  readonly signal?: AbortSignal;
  /** Called as each object is deleted and gone. */
  readonly onDeleted?: (id: string) => void;
}

/** What {@link uninstallRelease} did (or, with `dryRun`, would do). */
export interface UninstallResult {
  readonly dryRun: boolean;
  /** The release's objects deleted (or that would be), in the order of deletion. */
  readonly deleted: readonly string[];
  /** Objects of the inventory left in place, with the reason. */
  readonly kept: ReadonlyArray<{ readonly id: string; readonly reason: string }>;
  /** kubeship's own records: the release Secrets and the ApplySet parent, deleted or kept. */
  readonly records: { readonly deleted: boolean; readonly names: readonly string[] };
}

/**
 * Deletion waves, first to last: what scales or guards pods, the workloads (their pods go with
 * them), what routes to them, then what they read. Namespaces and CRDs are never deleted:
 * deleting one would delete objects that are not the release's (everything in the namespace,
 * every custom resource of the kind), as Helm keeps them too.
 */
const WAVES: readonly (readonly string[])[] = [
  ['HorizontalPodAutoscaler', 'PodDisruptionBudget', 'ScaledObject'],
  ['CronJob', 'Job', 'Deployment', 'StatefulSet', 'DaemonSet', 'ReplicaSet', 'Pod'],
  [],
  [
    'ConfigMap',
    'Secret',
    'PersistentVolumeClaim',
    'ServiceAccount',
    'RoleBinding',
    'Role',
    'ClusterRoleBinding',
    'ClusterRole',
  ],
];
const OTHER_WAVE = 2;
const NEVER_DELETED: Readonly<Record<string, string>> = {
  Namespace: 'a Namespace is kept: deleting it would delete everything in it; delete it yourself once empty',
  CustomResourceDefinition:
    'a CustomResourceDefinition is kept: deleting it would delete every object of its kind in the cluster',
};

/** Pure: the inventory in deletion waves, and what is never deleted. */
export function uninstallOrder(objects: readonly KubeObject[]): {
  waves: KubeObject[][];
  kept: Array<{ id: string; reason: string }>;
} {
  const waves: KubeObject[][] = WAVES.map(() => []);
  const kept: Array<{ id: string; reason: string }> = [];
  for (const object of objects) {
    const never = NEVER_DELETED[object.kind];
    if (never) {
      kept.push({ id: objectId(object), reason: never });
      continue;
    }
    const wave = WAVES.findIndex((kinds) => kinds.includes(object.kind));
    waves[wave < 0 ? OTHER_WAVE : wave]?.push(object);
  }
  return { waves: waves.filter((wave) => wave.length > 0), kept };
}

/** Every object any recorded release of the app holds, newest record first, once each. */
async function recordedInventory(kc: k8s.KubeConfig, ref: HistoryRef, revisions: readonly number[]) {
  const records = await Promise.all(
    [...revisions].reverse().map((revision) => readRecord(kc, ref, revision)),
  );
  const seen = new Set<string>();
  return records
    .flatMap((record) => record?.objects ?? [])
    .filter((object) => {
      const id = objectIdentity(object);
      if (seen.has(id)) return false;
      seen.add(id);
      return true;
    });
}

/** The app's hook Jobs still in the namespace (runs kept by `hook-delete-policy: never`). */
async function hookJobs(kc: k8s.KubeConfig, ref: HistoryRef): Promise<KubeObject[]> {
  const jobs = await kubeApi(kc)
    .batch.listNamespacedJob({ namespace: ref.namespace, labelSelector: `${HOOK_OF_LABEL}=${ref.app}` })
    .catch((error: unknown) => {
      throw describeKubernetesError(error, { verb: 'list', resource: 'jobs', namespace: ref.namespace });
    });
  return jobs.items.map((job) => ({
    apiVersion: 'batch/v1',
    kind: 'Job',
    metadata: {
      name: job.metadata?.name ?? '',
      namespace: ref.namespace,
      labels: { [HOOK_OF_LABEL]: ref.app },
    },
  }));
}

/** Whether the live object is still the release's: a member of its ApplySet, or one of its hook runs. */
function isOurs(live: k8s.KubernetesObject | undefined, applySetId: string, app: string): boolean {
  const labels = live?.metadata?.labels ?? {};
  return labels[APPLYSET.partOf] === applySetId || labels[HOOK_OF_LABEL] === app;
}

/**
 * Deletes an app's release from the cluster, as `helm uninstall` does, under the deploy lease:
 * every object of its recorded inventories (and its hook Jobs) in waves (autoscalers, workloads
 * with their pods, the rest, then config and RBAC), each wave waited for until gone. An object is
 * deleted only while it still carries the app's ApplySet label: one another tool took over, or
 * any object outside the inventory, is left alone; Namespaces and CRDs are kept (see
 * {@link uninstallOrder}). Then the release records and the ApplySet parent are deleted, unless
 * `keepHistory`. INVALID_INPUT when the app has no recorded release in the namespace.
 */
export async function uninstallRelease(
  kc: k8s.KubeConfig,
  options: UninstallOptions,
): Promise<UninstallResult> {
  const ref = { app: options.app, namespace: options.namespace };
  const history = await readHistory(kc, ref);
  if (history.length === 0)
    throw new KubeshipError(
      'INVALID_INPUT',
      `${ref.app} has no recorded release in ${ref.namespace}: nothing to uninstall; nothing was changed`,
      { details: { app: ref.app, namespace: ref.namespace } },
    );
  const clock = options.clock ?? systemClock;
  const lease = options.dryRun
    ? undefined
    : await acquireDeployLease(kc, {
        namespace: ref.namespace,
        app: ref.app,
        holder: options.lease.holder,
        ...(options.lease.waitMs === undefined ? {} : { waitMs: options.lease.waitMs }),
        clock,
        ...(options.signal ? { signal: options.signal } : {}),
      });
  try {
    const revisions = history.map((r) => r.revision);
    const inventory = [...(await recordedInventory(kc, ref, revisions)), ...(await hookJobs(kc, ref))];
    const order = uninstallOrder(inventory);
    const applySetId = appApplySetId(ref.app, ref.namespace);
    const raw = new RawObjectClient(kc);
    const deleted: string[] = [];
    const kept = [...order.kept];
    for (const wave of order.waves) {
      const lives = await Promise.all(wave.map((object) => readOrThrow(raw, object)));
      const ours = wave.filter((object, index) => {
        const live = lives[index];
        if (live === undefined) return false;
        if (isOurs(live, applySetId, ref.app)) return true;
        kept.push({
          id: objectId(object),
          reason: 'no longer carries the release label (another tool owns it)',
        });
        return false;
      });
      if (!options.dryRun) await deleteAndWait(kc, ours, options);
      deleted.push(...ours.map(objectId));
    }
    const records = [
      ...revisions.map((revision) => recordSecretName(ref.app, revision)),
      applySetParentName(ref.app),
    ];
    if (!options.dryRun && !options.keepHistory) await deleteRecords(kc, ref, revisions);
    return {
      dryRun: Boolean(options.dryRun),
      deleted,
      kept,
      records: { deleted: !options.keepHistory, names: records },
    };
  } finally {
    await lease?.release();
  }
}

async function readOrThrow(raw: RawObjectClient, object: KubeObject) {
  return raw.read(object as k8s.KubernetesObject).catch((error: unknown) => {
    throw describeKubernetesError(error, objectCall('get', object));
  });
}

/** Deletes one wave (foreground: a workload goes with its pods) and waits until every object is gone. */
async function deleteAndWait(
  kc: k8s.KubeConfig,
  objects: readonly KubeObject[],
  options: Pick<UninstallOptions, 'goneTimeoutMs' | 'onDeleted'>,
): Promise<void> {
  const client = objectApiOf(kc);
  await Promise.all(
    objects.map(async (object) => {
      const ref = objectReference(object);
      try {
        await client.delete(ref, undefined, undefined, undefined, undefined, 'Foreground');
      } catch (error) {
        if (!(error instanceof k8s.ApiException && error.code === 404))
          throw describeKubernetesError(error, objectCall('delete', object));
      }
      const timeoutMs = options.goneTimeoutMs ?? GONE_TIMEOUT_MS;
      if (!(await untilGone(kc, ref, timeoutMs)))
        throw new KubeshipError(
          'ROLLOUT_TIMEOUT',
          `${objectId(object)} was deleted but is still there after ${Math.round(timeoutMs / 1000)} s (a finalizer?); run uninstall again once it is gone`,
          { details: { object: objectId(object) } },
        );
      options.onDeleted?.(objectId(object));
    }),
  );
}

/** Deletes the release records and the ApplySet parent (absent ones count as done). */
async function deleteRecords(
  kc: k8s.KubeConfig,
  ref: HistoryRef,
  revisions: readonly number[],
): Promise<void> {
  const { core } = kubeApi(kc);
  const ignoreMissing = (resource: string) => (error: unknown) => {
    if (error instanceof k8s.ApiException && error.code === 404) return;
    throw describeKubernetesError(error, { verb: 'delete', resource, namespace: ref.namespace });
  };
  await Promise.all([
    ...revisions.map((revision) =>
      core
        .deleteNamespacedSecret({ name: recordSecretName(ref.app, revision), namespace: ref.namespace })
        .catch(ignoreMissing('secrets')),
    ),
    core
      .deleteNamespacedConfigMap({ name: applySetParentName(ref.app), namespace: ref.namespace })
      .catch(ignoreMissing('configmaps')),
  ]);
}
