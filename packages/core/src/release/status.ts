import type * as k8s from '@kubernetes/client-node';
import type { KubeObject } from '@kubeship/manifests';
import { kubeApi } from '../apply/_kube-api.ts';
import { RawObjectClient } from '../apply/_raw.ts';
import { objectCall, objectId } from '../apply/plan.ts';
import { describeKubernetesError } from '../auth/index.ts';
import { KubeshipError } from '../errors.ts';
import { healthRuleFor, type NamespaceView } from '../rollout/rules/index.ts';
import { type HistoryRef, readHistory, readRecord } from './history.ts';
import { lastDeployed, type ReleaseSummary } from './record.ts';

/** How one object of the live release is doing right now. */
export interface ObjectStatus {
  readonly id: string;
  readonly kind: string;
  readonly namespace?: string;
  readonly name: string;
  /**
   * healthy: its kind's rule says so; applied: it exists and has nothing to verify; progressing,
   * failed, unverified: as the rule judges it; missing: the release has it and the cluster not.
   */
  readonly verdict: 'healthy' | 'applied' | 'progressing' | 'failed' | 'unverified' | 'missing';
  readonly summary: string;
  readonly reason?: string;
}

/** The live release of an app and the state of each of its objects. */
export interface ReleaseStatus {
  readonly app: string;
  readonly namespace: string;
  /** The release running now: the latest that ended deployed. */
  readonly live: ReleaseSummary;
  /** The latest recorded release, when it is not the live one (a failed or rolled-back attempt). */
  readonly latest?: ReleaseSummary;
  readonly objects: readonly ObjectStatus[];
}

const DEFAULT_RULES = {
  deployStartedAt: 0,
  maxRestarts: 3,
  unschedulableGraceMs: 60_000,
  imagePullGraceMs: 60_000,
} as const;

/** What every rule may read of one namespace, listed once. */
async function namespaceView(kc: k8s.KubeConfig, namespace: string): Promise<NamespaceView> {
  const { core, apps, batch } = kubeApi(kc);
  const [pods, replicaSets, events, jobs, controllerRevisions] = await Promise.all([
    core.listNamespacedPod({ namespace }),
    apps.listNamespacedReplicaSet({ namespace }),
    core.listNamespacedEvent({ namespace }),
    batch.listNamespacedJob({ namespace }),
    apps.listNamespacedControllerRevision({ namespace }),
  ]).catch((error: unknown) => {
    throw describeKubernetesError(error, { verb: 'list', resource: 'pods', namespace });
  });
  return {
    pods: () => pods.items,
    replicaSets: () => replicaSets.items,
    events: () => events.items,
    jobs: () => jobs.items,
    controllerRevisions: () => controllerRevisions.items,
  };
}

/** Pure: an object's verdict from its kind's rule, given the live object and its namespace. */
export function judgeLive(
  desired: KubeObject,
  live: KubeObject | undefined,
  view: NamespaceView,
  now: number,
): ObjectStatus {
  const base = {
    id: objectId(desired),
    kind: desired.kind,
    ...(desired.metadata.namespace ? { namespace: desired.metadata.namespace } : {}),
    name: desired.metadata.name,
  };
  if (!live) return { ...base, verdict: 'missing', summary: 'not in the cluster (deleted by hand?)' };
  const rule = healthRuleFor(desired);
  const health = rule.judge(live, view, { rules: DEFAULT_RULES, now, appliedAt: 0 });
  if (health.status === 'failed')
    return { ...base, verdict: 'failed', summary: health.summary, reason: health.reason };
  if (health.status === 'healthy')
    return { ...base, verdict: rule.staticKind ? 'applied' : 'healthy', summary: health.summary };
  return { ...base, verdict: health.status, summary: health.summary };
}

/**
 * Reads the app's release history, the live release's inventory (its record) and each of its
 * objects, and judges every object once by its kind's rule. INVALID_INPUT when the app has no
 * deployed release in the namespace.
 */
export async function readReleaseStatus(kc: k8s.KubeConfig, ref: HistoryRef): Promise<ReleaseStatus> {
  const history = await readHistory(kc, ref);
  const live = lastDeployed(history);
  if (!live)
    throw new KubeshipError(
      'INVALID_INPUT',
      `${ref.app} has no deployed release in ${ref.namespace} (releases: ${history.map((r) => `${r.revision} (${r.outcome})`).join(', ') || 'none'})`,
      { details: { app: ref.app, namespace: ref.namespace } },
    );
  const record = await readRecord(kc, ref, live.revision);
  const objects = record?.objects ?? [];
  const raw = new RawObjectClient(kc);
  const namespaces = [...new Set(objects.map((o) => o.metadata.namespace ?? ref.namespace))];
  const [views, lives] = await Promise.all([
    Promise.all(
      namespaces.map(async (namespace) => [namespace, await namespaceView(kc, namespace)] as const),
    ),
    Promise.all(
      objects.map((object) =>
        raw.read(object as k8s.KubernetesObject).catch((error: unknown) => {
          throw describeKubernetesError(error, objectCall('get', object));
        }),
      ),
    ),
  ]);
  const viewOf = new Map(views);
  const now = Date.now();
  const latest = history.at(-1);
  return {
    app: ref.app,
    namespace: ref.namespace,
    live,
    ...(latest && latest.revision !== live.revision ? { latest } : {}),
    objects: objects.map((object, index) =>
      judgeLive(
        object,
        lives[index] as KubeObject | undefined,
        viewOf.get(object.metadata.namespace ?? ref.namespace) as NamespaceView,
        now,
      ),
    ),
  };
}
