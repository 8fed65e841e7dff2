import { appendFileSync } from 'node:fs';
import type { Server } from 'node:https';
import type { TLSSocket } from 'node:tls';
import type { V1Pod } from '@kubernetes/client-node';
import { listenOnLoopback, mutualTlsServer } from './_https.ts';
import { matchesSelector } from './_label-selector.ts';
import type { CertifiedKey } from './_pki.ts';

/** The metrics API server of the testbed (what metrics-server is on EKS). */
export interface MetricsServer {
  readonly port: number;
  close(): Promise<void>;
}

/** Pod annotation prefix: `metrics.testbed.kubeship.dev/cpu` (`"450m"`) and `/memory` (`"200Mi"`): each container's usage. */
export const METRICS_ANNOTATION_PREFIX = 'metrics.testbed.kubeship.dev/';

const GROUP = 'metrics.k8s.io';
const GROUP_VERSION = `${GROUP}/v1beta1`;
/** How long a sample covers. metrics-server reports its scrape interval (15 s); the testbed samples at each request. */
const WINDOW = '1s';

const groupVersion = { groupVersion: GROUP_VERSION, version: 'v1beta1' };
const apiGroup = { name: GROUP, versions: [groupVersion], preferredVersion: groupVersion };
const resources = {
  kind: 'APIResourceList',
  apiVersion: 'v1',
  groupVersion: GROUP_VERSION,
  resources: [
    { name: 'nodes', singularName: '', namespaced: false, kind: 'NodeMetrics', verbs: ['get', 'list'] },
    { name: 'pods', singularName: '', namespaced: true, kind: 'PodMetrics', verbs: ['get', 'list'] },
  ],
};

/** CPU quantity text to millicores (`250m`, `1`, `0.5`, `100000n`). */
function milliCpu(quantity: string | undefined): number | undefined {
  const match = /^(\d+(?:\.\d+)?)(n|u|m)?$/.exec(quantity ?? '');
  if (!match) return undefined;
  const scale: Record<string, number> = { n: 1e-6, u: 1e-3, m: 1 };
  return Number(match[1]) * (match[2] ? (scale[match[2]] ?? 1) : 1000);
}

/**
 * Each running container's usage: the pod's `metrics.testbed.kubeship.dev/cpu` and `/memory`
 * annotations, or by default a tenth of its CPU request (1m without one) and 16Mi: an app idling
 * well under any utilization target (podinfo requests 1m and targets 99 %).
 */
export function podUsage(pod: V1Pod): Array<{ name: string; usage: { cpu: string; memory: string } }> {
  const annotations = pod.metadata?.annotations ?? {};
  const running = new Set(
    (pod.status?.containerStatuses ?? []).filter((s) => s.state?.running).map((s) => s.name),
  );
  return (pod.spec?.containers ?? [])
    .filter((c) => running.has(c.name))
    .map((c) => {
      const request = milliCpu(c.resources?.requests?.cpu);
      // in nanocores, as metrics-server reports them: a tenth of a 1m request is 100000n
      const cpu =
        annotations[`${METRICS_ANNOTATION_PREFIX}cpu`] ??
        (request ? `${Math.round(request * 100_000)}n` : '1m');
      return {
        name: c.name,
        usage: { cpu, memory: annotations[`${METRICS_ANNOTATION_PREFIX}memory`] ?? '16Mi' },
      };
    });
}

function podMetrics(pod: V1Pod, now: string) {
  return {
    kind: 'PodMetrics',
    apiVersion: GROUP_VERSION,
    metadata: {
      name: pod.metadata?.name,
      namespace: pod.metadata?.namespace,
      labels: pod.metadata?.labels ?? {},
      creationTimestamp: now,
    },
    timestamp: now,
    window: WINDOW,
    containers: podUsage(pod),
  };
}

function nodeMetrics(node: string, pods: readonly V1Pod[], now: string) {
  const usage = pods.filter((p) => p.spec?.nodeName === node).flatMap((p) => podUsage(p));
  const cpu = usage.reduce((sum, c) => sum + (milliCpu(c.usage.cpu) ?? 0), 0);
  return {
    kind: 'NodeMetrics',
    apiVersion: GROUP_VERSION,
    metadata: { name: node, creationTimestamp: now },
    timestamp: now,
    window: WINDOW,
    usage: { cpu: `${Math.round(cpu * 1e6)}n`, memory: `${usage.length * 16}Mi` },
  };
}

/** A pod the metrics API reports: scheduled, some container running, not being deleted. */
const measured = (pod: V1Pod) =>
  !pod.metadata?.deletionTimestamp && (pod.status?.containerStatuses ?? []).some((s) => s.state?.running);

/** Answers one metrics API request: the status code and the JSON body. */
export function metricsAnswer(
  path: string,
  query: URLSearchParams,
  pods: readonly V1Pod[],
  now: string,
): { status: number; body: object } {
  const notFound = {
    status: 404,
    body: { kind: 'Status', apiVersion: 'v1', status: 'Failure', reason: 'NotFound', code: 404 },
  };
  if (path === '/apis')
    return { status: 200, body: { kind: 'APIGroupList', apiVersion: 'v1', groups: [apiGroup] } };
  if (path === `/apis/${GROUP}`)
    return { status: 200, body: { kind: 'APIGroup', apiVersion: 'v1', ...apiGroup } };
  if (path === `/apis/${GROUP_VERSION}`) return { status: 200, body: resources };
  const prefix = `/apis/${GROUP_VERSION}/`;
  const rest = path.startsWith(prefix) ? path.slice(prefix.length).split('/') : [];
  const selector = query.get('labelSelector') ?? '';
  const list = (kind: string, items: object[]) => ({
    status: 200,
    body: { kind, apiVersion: GROUP_VERSION, metadata: {}, items },
  });
  const live = pods.filter(measured);
  const [first, second, third, fourth] = rest;
  if (first === 'nodes') {
    const nodes = [...new Set(live.map((p) => p.spec?.nodeName ?? ''))].filter((n) => n);
    if (second === undefined)
      return list(
        'NodeMetricsList',
        nodes.map((n) => nodeMetrics(n, live, now)),
      );
    return nodes.includes(second) ? { status: 200, body: nodeMetrics(second, live, now) } : notFound;
  }
  // pods, pods/NAME, namespaces/NS/pods, namespaces/NS/pods/NAME
  const [namespace, resource, name] =
    first === 'namespaces' ? [second, third, fourth] : [undefined, first, second];
  if (resource !== 'pods' || (first === 'namespaces' && !namespace)) return notFound;
  const inScope = live.filter(
    (p) =>
      (namespace === undefined || p.metadata?.namespace === namespace) &&
      matchesSelector(p.metadata?.labels ?? {}, selector),
  );
  if (name === undefined)
    return list(
      'PodMetricsList',
      inScope.map((p) => podMetrics(p, now)),
    );
  const pod = inScope.find((p) => p.metadata?.name === name);
  return pod ? { status: 200, body: podMetrics(pod, now) } : notFound;
}

/**
 * Starts the testbed's metrics API (`metrics.k8s.io/v1beta1`) on 127.0.0.1, served to the
 * apiserver's aggregator: only clients with a certificate of the testbed CA are answered (the
 * apiserver's front-proxy client). Figures come from the pods the kubelet loop sees.
 */
export async function startMetricsServer(options: {
  tls: CertifiedKey;
  caPem: string;
  pods: () => readonly V1Pod[];
  logFile: string;
}): Promise<MetricsServer> {
  const server: Server = mutualTlsServer(options.tls, options.caPem, (req, res) => {
    const url = new URL(req.url ?? '/', 'https://127.0.0.1');
    if (req.method !== 'GET' || !(req.socket as TLSSocket).authorized) {
      res.writeHead(405).end();
      return;
    }
    const now = new Date().toISOString().replace(/\.\d{3}Z$/, 'Z');
    const answer = metricsAnswer(url.pathname, url.searchParams, options.pods(), now);
    appendFileSync(options.logFile, `${now} ${url.pathname}${url.search}: ${answer.status}\n`);
    res.writeHead(answer.status, { 'content-type': 'application/json' }).end(JSON.stringify(answer.body));
  });
  return listenOnLoopback(server);
}
