import * as k8s from '@kubernetes/client-node';
import type { KubeObject } from '@kubeship/manifests';
import { type CoreApi, kubeApi } from '../apply/_kube-api.ts';
import type { BundleContainer, BundleEvent, BundleLog } from './bundle.ts';

/** Each container instance's log is read up to this many bytes (kubelet `limitBytes`). */
export const EVIDENCE_LOG_LIMIT_BYTES = 256 * 1024;
/** At most this many failing containers have their logs read. */
export const EVIDENCE_MAX_FAILING_CONTAINERS = 10;

const QUIET_WAITING = new Set(['ContainerCreating', 'PodInitializing']);
type Live = { kind: string; metadata?: k8s.V1ObjectMeta };

/**
 * Reads what the cluster says about a release's objects, changing nothing: the events of every
 * object of the release and of what its controllers made (ReplicaSets, Jobs, Pods), the state of
 * every container of its pods, and the full logs (current and previous instance, each up to
 * `logLimitBytes`) of the failing containers: the doomed ones and any that restarted, exited
 * non-zero or waits for something other than its start. What cannot be read is left out (a log
 * says why), never thrown.
 */
export async function collectReleaseState(
  kc: k8s.KubeConfig,
  options: {
    readonly objects: readonly KubeObject[];
    readonly doomed: ReadonlyArray<{
      readonly namespace: string;
      readonly pod: string;
      readonly container?: string;
    }>;
    readonly logLimitBytes?: number;
  },
): Promise<{ events: BundleEvent[]; containers: BundleContainer[]; logs: BundleLog[] }> {
  const { core, apps, batch } = kubeApi(kc);
  const namespaces = [
    ...new Set(options.objects.flatMap((o) => (o.metadata.namespace ? [o.metadata.namespace] : []))),
  ];
  const items = <T>(read: Promise<{ items: T[] }>) =>
    read.then(
      (l) => l.items,
      () => [] as T[],
    );
  const perNamespace = await Promise.all(
    namespaces.map(async (namespace) => {
      const [pods, replicaSets, jobs, events] = await Promise.all([
        items(core.listNamespacedPod({ namespace })),
        items(apps.listNamespacedReplicaSet({ namespace })),
        items(batch.listNamespacedJob({ namespace })),
        items(core.listNamespacedEvent({ namespace })),
      ]);
      const owned = [
        ...pods.map((o) => ({ ...o, kind: 'Pod' })),
        ...replicaSets.map((o) => ({ ...o, kind: 'ReplicaSet' })),
        ...jobs.map((o) => ({ ...o, kind: 'Job' })),
      ];
      const members = releaseMembers(
        options.objects.filter((o) => o.metadata.namespace === namespace),
        owned,
      );
      return { namespace, pods: pods.filter((p) => members.has(`Pod/${p.metadata?.name}`)), events, members };
    }),
  );
  const clusterScoped = new Set(
    options.objects.filter((o) => !o.metadata.namespace).map((o) => `${o.kind}/${o.metadata.name}`),
  );
  const events = perNamespace.flatMap(({ events, members }) =>
    events
      .filter(
        (e) =>
          members.has(`${e.involvedObject.kind}/${e.involvedObject.name}`) ||
          clusterScoped.has(`${e.involvedObject.kind}/${e.involvedObject.name}`),
      )
      .map(eventOf),
  );
  const containers = perNamespace.flatMap(({ namespace, pods }) =>
    pods.flatMap((pod) => containersOf(namespace, pod)),
  );
  const failing = new Map<
    string,
    BundleContainer | { namespace: string; pod: string; container: string; restartCount: number }
  >();
  for (const d of options.doomed) {
    if (!d.container) continue;
    const known = containers.find(
      (c) => c.namespace === d.namespace && c.pod === d.pod && c.container === d.container,
    );
    failing.set(
      `${d.namespace}/${d.pod}/${d.container}`,
      known ?? { ...d, container: d.container, restartCount: 0 },
    );
  }
  for (const c of containers) if (isFailing(c)) failing.set(`${c.namespace}/${c.pod}/${c.container}`, c);
  const limit = options.logLimitBytes ?? EVIDENCE_LOG_LIMIT_BYTES;
  const logs = await Promise.all(
    [...failing.values()]
      .slice(0, EVIDENCE_MAX_FAILING_CONTAINERS)
      .flatMap((c) => [
        readLog(core, c, 'current', limit),
        ...(c.restartCount > 0 ? [readLog(core, c, 'previous', limit)] : []),
      ]),
  );
  return { events, containers, logs };
}

/** `Kind/name` of the release's objects in one namespace and of everything they own, transitively. */
function releaseMembers(objects: readonly KubeObject[], owned: readonly Live[]): Set<string> {
  const members = new Set(objects.map((o) => `${o.kind}/${o.metadata.name}`));
  for (let grown = true; grown; ) {
    grown = false;
    for (const object of owned) {
      const id = `${object.kind}/${object.metadata?.name}`;
      if (members.has(id)) continue;
      if (object.metadata?.ownerReferences?.some((ref) => members.has(`${ref.kind}/${ref.name}`))) {
        members.add(id);
        grown = true;
      }
    }
  }
  return members;
}

function eventOf(event: k8s.CoreV1Event): BundleEvent {
  const time = (value: Date | string | undefined | null) =>
    value ? new Date(value).toISOString() : undefined;
  const first = time(event.firstTimestamp ?? event.eventTime);
  const last = time(event.lastTimestamp ?? event.eventTime ?? event.firstTimestamp);
  return {
    object: `${event.involvedObject.kind}/${event.involvedObject.name}`,
    type: event.type ?? 'Normal',
    reason: event.reason ?? '',
    message: (event.message ?? '').trim(),
    count: event.count ?? 1,
    ...(first ? { firstSeen: first } : {}),
    ...(last ? { lastSeen: last } : {}),
  };
}

function containersOf(namespace: string, pod: k8s.V1Pod): BundleContainer[] {
  const of = (statuses: readonly k8s.V1ContainerStatus[] | undefined, init: boolean) =>
    (statuses ?? []).map((s) => ({
      pod: pod.metadata?.name ?? '',
      namespace,
      container: s.name,
      init,
      image: s.image,
      ready: s.ready,
      restartCount: s.restartCount,
      state: s.state ?? {},
      lastState: s.lastState ?? {},
    }));
  return [...of(pod.status?.initContainerStatuses, true), ...of(pod.status?.containerStatuses, false)];
}

function isFailing(c: BundleContainer): boolean {
  const state = c.state as k8s.V1ContainerState;
  return (
    c.restartCount > 0 ||
    (state.terminated !== undefined && state.terminated.exitCode !== 0) ||
    (state.waiting !== undefined && !QUIET_WAITING.has(state.waiting.reason ?? ''))
  );
}

async function readLog(
  core: CoreApi,
  c: { namespace: string; pod: string; container: string },
  instance: BundleLog['instance'],
  limit: number,
): Promise<BundleLog> {
  const where = { namespace: c.namespace, pod: c.pod, container: c.container, instance };
  try {
    const text = await core.readNamespacedPodLog({
      name: c.pod,
      namespace: c.namespace,
      container: c.container,
      previous: instance === 'previous',
      limitBytes: limit + 1,
    });
    const bytes = Buffer.from(text);
    return bytes.length > limit
      ? { ...where, text: bytes.subarray(0, limit).toString(), truncated: true }
      : { ...where, text };
  } catch (error) {
    const reason = error instanceof k8s.ApiException ? `HTTP ${error.code}` : String(error);
    return { ...where, unavailable: `log unavailable: ${reason}` };
  }
}
