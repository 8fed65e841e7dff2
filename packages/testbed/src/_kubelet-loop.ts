import { appendFileSync } from 'node:fs';
import * as k8s from '@kubernetes/client-node';
import type { KubeletEvent } from './_container-timeline.ts';
import { httpsRequest, type TlsClient } from './_https.ts';
import {
  type KubeletTimings,
  nextChangeAt,
  type PodForKubelet,
  type PodSimulation,
  podStatus,
  simulatePod,
  tick,
} from './_pod-simulation.ts';
import { READY_AFTER_ANNOTATION } from './markers.ts';

/** The testbed's pod lifecycle loop: the kubelet part KWOK's stages cannot express. */
export interface KubeletLoop {
  /** The pods of the cluster as last seen (for the metrics API). */
  pods(): readonly k8s.V1Pod[];
  stop(): void;
}

interface Running {
  readonly pod: PodForKubelet;
  readonly sim: PodSimulation;
  timer: NodeJS.Timeout | undefined;
  /** The latest status not yet written. */
  pendingStatus: object | undefined;
  /** Status writes and events of this pod, one after the other. */
  chain: Promise<void>;
  /** The events recorded so far, by object, reason and message: a repeat raises `count`. */
  readonly events: Map<string, { name: string; count: number }>;
  stopped: boolean;
}

const WRITE_RETRY_MS = 500;

/**
 * Runs every scheduled pod through the kubelet's timeline (see `_container-timeline.ts`): watches
 * pods, keeps one simulation per pod, writes `status` when it changes and records the kubelet's
 * events (aggregated like the kubelet's event recorder: same object, reason and message raise
 * `count`). KWOK keeps the nodes (status, leases) and deletes pods whose deletion was requested.
 */
export function startKubeletLoop(options: {
  adminKubeconfig: string;
  apiserver: { readonly endpoint: string; readonly tls: TlsClient };
  timings: KubeletTimings;
  hostIP: string;
  logFile: string;
}): KubeletLoop {
  const log = (line: string) => appendFileSync(options.logFile, `${new Date().toISOString()} ${line}\n`);
  const kc = new k8s.KubeConfig();
  kc.loadFromString(options.adminKubeconfig);
  const core = kc.makeApiClient(k8s.CoreV1Api);
  const informer = k8s.makeInformer(kc, '/api/v1/pods', () => core.listPodForAllNamespaces());
  const running = new Map<string, Running>();
  let nextIp = 2;
  let stopped = false;

  const request = (path: string, method: string, body: object, contentType = 'application/json') =>
    httpsRequest(`${options.apiserver.endpoint}${path}`, options.apiserver.tls, {
      method,
      body: JSON.stringify(body),
      headers: { 'content-type': contentType },
    });

  const write = async (entry: Running) => {
    while (entry.pendingStatus && !entry.stopped) {
      const status = entry.pendingStatus;
      const { namespace, name } = entry.pod.metadata;
      const path = `/api/v1/namespaces/${namespace}/pods/${name}/status`;
      const answer = await request(path, 'PATCH', { status }, 'application/merge-patch+json').catch(
        (error: unknown) => ({ status: 0, body: String(error) }),
      );
      if (answer.status === 200 || answer.status === 404) {
        if (entry.pendingStatus === status) entry.pendingStatus = undefined;
        if (answer.status === 404) entry.stopped = true;
      } else {
        log(`status ${namespace}/${name}: ${answer.status} ${answer.body.slice(0, 200)}`);
        await new Promise((resolve) => setTimeout(resolve, WRITE_RETRY_MS));
      }
    }
  };

  const record = async (entry: Running, events: readonly KubeletEvent[], at: number) => {
    const { namespace, name, uid } = entry.pod.metadata;
    const time = new Date(at).toISOString().replace(/\.\d{3}Z$/, 'Z');
    for (const e of events) {
      const fieldPath = `spec.${e.init ? 'initContainers' : 'containers'}{${e.container}}`;
      const key = `${fieldPath}|${e.reason}|${e.message}`;
      const seen = entry.events.get(key);
      const path = `/api/v1/namespaces/${namespace}/events`;
      const answer = seen
        ? await request(
            `${path}/${seen.name}`,
            'PATCH',
            { count: seen.count + 1, lastTimestamp: time },
            'application/merge-patch+json',
          ).catch(() => undefined)
        : await request(path, 'POST', {
            metadata: { name: `${name}.${(at * 1000 + entry.events.size).toString(16)}`, namespace },
            involvedObject: { kind: 'Pod', apiVersion: 'v1', namespace, name, uid, fieldPath },
            reason: e.reason,
            message: e.message,
            type: e.type,
            source: { component: 'kubelet', host: entry.pod.spec.nodeName },
            reportingComponent: 'kubelet',
            reportingInstance: entry.pod.spec.nodeName,
            firstTimestamp: time,
            lastTimestamp: time,
            count: 1,
          }).catch(() => undefined);
      if (answer && answer.status >= 200 && answer.status < 300) {
        const created = JSON.parse(answer.body) as { metadata: { name: string } };
        entry.events.set(key, { name: created.metadata.name, count: (seen?.count ?? 0) + 1 });
      } else if (answer) {
        log(`event ${namespace}/${name} ${e.reason}: ${answer.status} ${answer.body.slice(0, 200)}`);
      }
    }
  };

  const step = (entry: Running) => {
    entry.timer = undefined;
    if (entry.stopped || stopped) return;
    const now = Date.now();
    const events = tick(entry.sim, now);
    entry.pendingStatus = podStatus(entry.sim, now, options.hostIP);
    entry.chain = entry.chain.then(() => write(entry)).then(() => record(entry, events, now));
    const next = nextChangeAt(entry.sim);
    if (next !== undefined) entry.timer = setTimeout(() => step(entry), Math.max(0, next - Date.now()));
  };

  const seen = (pod: k8s.V1Pod) => {
    const uid = pod.metadata?.uid;
    if (!uid || !pod.spec?.nodeName) return;
    const entry = running.get(uid);
    if (pod.metadata?.deletionTimestamp) {
      if (entry && !entry.stopped) {
        entry.stopped = true;
        if (entry.timer) clearTimeout(entry.timer);
      }
      return;
    }
    if (entry || (pod.status?.containerStatuses ?? []).length > 0) return;
    const n = nextIp++;
    const sim = simulatePod(
      pod as unknown as PodForKubelet,
      Date.now(),
      `10.244.${(n >> 8) & 255}.${n & 255}`,
      options.timings,
      READY_AFTER_ANNOTATION,
    );
    const fresh: Running = {
      pod: pod as unknown as PodForKubelet,
      sim,
      timer: undefined,
      pendingStatus: undefined,
      chain: Promise.resolve(),
      events: new Map(),
      stopped: false,
    };
    running.set(uid, fresh);
    step(fresh);
  };

  informer.on('add', seen);
  informer.on('update', seen);
  informer.on('delete', (pod) => {
    const uid = pod.metadata?.uid;
    const entry = uid ? running.get(uid) : undefined;
    if (!entry || !uid) return;
    entry.stopped = true;
    if (entry.timer) clearTimeout(entry.timer);
    running.delete(uid);
  });
  // The apiserver may go away (restartApiServer): list and watch again until it answers.
  const restart = (error: unknown) => {
    if (stopped) return;
    log(`watch: ${String(error)}; restarting`);
    setTimeout(() => {
      if (!stopped) informer.start().catch(restart);
    }, 1000);
  };
  informer.on('error', restart);
  informer.start().catch(restart);

  return {
    pods: () => informer.list(),
    stop() {
      stopped = true;
      for (const entry of running.values()) if (entry.timer) clearTimeout(entry.timer);
      void informer.stop();
    },
  };
}
