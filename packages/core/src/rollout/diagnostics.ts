import * as k8s from '@kubernetes/client-node';
import { type CoreApi, kubeApi } from '../apply/_kube-api.ts';
import { type DoomedPod, newReplicaSetOf } from './predicates.ts';

/** One Kubernetes event, as evidence. */
export interface EvidenceEvent {
  readonly object: string;
  readonly type: string;
  readonly reason: string;
  readonly message: string;
  readonly count: number;
  readonly lastSeen?: string;
}

/** The last lines a failing container wrote, or why they could not be read. */
export interface EvidenceLog {
  readonly pod: string;
  readonly container: string;
  readonly lines?: readonly string[];
  readonly unavailable?: string;
}

/** What kubeship saw of a failed rollout before touching anything. */
export interface Evidence {
  readonly doomed: readonly DoomedPod[];
  readonly events: readonly EvidenceEvent[];
  readonly logs: readonly EvidenceLog[];
}

/** Options of {@link collectEvidence}. */
export interface EvidenceOptions {
  readonly namespace: string;
  /** The failed object: a Deployment, StatefulSet, DaemonSet, Job, Pod, or any other kind. */
  readonly kind: string;
  readonly name: string;
  readonly doomed: readonly DoomedPod[];
  /** Only events newer than this (ms since epoch) are evidence of this deploy. */
  readonly since: number;
  /** Log lines per failing container (default 20); at most 3 containers are read. */
  readonly logLines?: number;
}

/**
 * Gathers the evidence of a failed object: events of the object, of what its controller made
 * for this rollout (a Deployment's new ReplicaSet, the pods it owns) and of the doomed pods since
 * the deploy began; the doomed containers' states; the tails of their logs (the previous
 * instance's for restarted containers). Never throws for evidence it cannot read.
 */
export async function collectEvidence(kc: k8s.KubeConfig, options: EvidenceOptions): Promise<Evidence> {
  const { core, apps } = kubeApi(kc);
  const { namespace } = options;
  const [deployment, replicaSets, pods, events] = await Promise.all([
    options.kind === 'Deployment'
      ? apps.readNamespacedDeployment({ name: options.name, namespace }).catch(() => undefined)
      : undefined,
    apps.listNamespacedReplicaSet({ namespace }).then(
      (l) => l.items,
      () => [],
    ),
    core.listNamespacedPod({ namespace }).then(
      (l) => l.items,
      () => [],
    ),
    core.listNamespacedEvent({ namespace }).then(
      (l) => l.items,
      () => [],
    ),
  ]);
  const newReplicaSet = deployment ? newReplicaSetOf(deployment, replicaSets) : undefined;
  const doomedPods = new Set(options.doomed.map((d) => d.pod));
  const owner = newReplicaSet?.metadata?.uid;
  const relevant = new Set(
    [
      deployment?.metadata?.uid,
      owner,
      ...pods
        .filter(
          (p) =>
            doomedPods.has(p.metadata?.name ?? '') ||
            (owner && p.metadata?.ownerReferences?.some((o) => o.uid === owner)),
        )
        .map((p) => p.metadata?.uid),
    ].filter((uid): uid is string => uid !== undefined),
  );
  const about = (event: k8s.CoreV1Event) =>
    relevant.has(event.involvedObject.uid ?? '') ||
    (event.involvedObject.kind === options.kind && event.involvedObject.name === options.name);
  const evidenceEvents = collapseEvents(
    events
      .filter((event) => about(event) && eventTime(event) >= options.since - 1000)
      .sort((a, b) => eventTime(a) - eventTime(b))
      .map((event) => ({
        object: `${event.involvedObject.kind}/${event.involvedObject.name}`,
        type: event.type ?? 'Normal',
        reason: event.reason ?? '',
        message: (event.message ?? '').trim(),
        count: event.count ?? 1,
        ...(eventTime(event) > 0 ? { lastSeen: new Date(eventTime(event)).toISOString() } : {}),
      })),
  );

  const logs = await Promise.all(
    options.doomed
      .filter((d) => d.container !== undefined)
      .slice(0, 3)
      .map((d) => tailLog(core, namespace, d, options.logLines ?? 20)),
  );
  return { doomed: options.doomed, events: evidenceEvents, logs };
}

/**
 * Pure: events that say the same thing (object, type, reason, message) as one line, in the order
 * they were first seen, their counts added and the latest time kept: a controller refused by Pod
 * Security or a quota records one event per attempt, all alike.
 */
export function collapseEvents(events: readonly EvidenceEvent[]): EvidenceEvent[] {
  const byKey = new Map<string, EvidenceEvent>();
  for (const event of events) {
    const key = JSON.stringify([event.object, event.type, event.reason, event.message]);
    const seen = byKey.get(key);
    const lastSeen = [seen?.lastSeen, event.lastSeen]
      .filter((t) => t !== undefined)
      .sort()
      .at(-1);
    byKey.set(key, {
      ...event,
      count: (seen?.count ?? 0) + event.count,
      ...(lastSeen ? { lastSeen } : {}),
    });
  }
  return [...byKey.values()];
}

async function tailLog(
  core: CoreApi,
  namespace: string,
  doomed: DoomedPod,
  lines: number,
): Promise<EvidenceLog> {
  const container = doomed.container as string;
  const previous = (doomed.restartCount ?? 0) > 0;
  try {
    const text = await core.readNamespacedPodLog({
      name: doomed.pod,
      namespace,
      container,
      tailLines: lines,
      previous,
    });
    return { pod: doomed.pod, container, lines: text.split('\n').filter((line) => line.length > 0) };
  } catch (error) {
    const reason =
      error instanceof k8s.ApiException ? `HTTP ${error.code}: ${messageOf(error.body)}` : String(error);
    return { pod: doomed.pod, container, unavailable: `logs unavailable (${reason})` };
  }
}

function messageOf(body: unknown): string {
  if (typeof body === 'string') {
    try {
      return (JSON.parse(body) as { message?: string }).message ?? body;
    } catch {
      return body;
    }
  }
  return (body as { message?: string } | undefined)?.message ?? 'unknown error';
}

function eventTime(event: k8s.CoreV1Event): number {
  const value =
    event.lastTimestamp ?? event.eventTime ?? event.firstTimestamp ?? event.metadata.creationTimestamp;
  return value ? new Date(value).getTime() : 0;
}
