import { createServer, type Server } from 'node:http';
import * as k8s from '@kubernetes/client-node';
import { afterEach, describe, expect, it } from 'vitest';
import { boundKubernetesRequests } from '../auth/_kubernetes-requests.ts';
import { kubeApi } from './_kube-api.ts';

const servers: Server[] = [];
afterEach(async () => {
  for (const server of servers.splice(0)) {
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
  }
});

interface Seen {
  readonly method: string;
  readonly url: string;
  readonly contentType: string | undefined;
  readonly body: string;
}

/**
 * A loopback API server that records each request and answers with `answer` (status, content
 * type, body); one 429 first when `shedFirst`.
 */
async function apiServer(
  answer: (seen: Seen) => { status: number; type: string; body: string },
  options: { shedFirst?: boolean } = {},
): Promise<{ kc: k8s.KubeConfig; seen: Seen[] }> {
  const seen: Seen[] = [];
  let shed = options.shedFirst ? 1 : 0;
  const server = createServer((req, res) => {
    let body = '';
    req.on('data', (chunk: Buffer) => {
      body += chunk.toString();
    });
    req.on('end', () => {
      const request = {
        method: req.method ?? '',
        url: req.url ?? '',
        contentType: req.headers['content-type'],
        body,
      };
      seen.push(request);
      if (shed-- > 0) {
        res.writeHead(429, { 'retry-after': '0', 'content-type': 'application/json' });
        res.end(JSON.stringify({ kind: 'Status', code: 429, message: 'too many requests' }));
        return;
      }
      const { status, type, body: text } = answer(request);
      res.writeHead(status, { 'content-type': type });
      res.end(text);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  servers.push(server);
  const kc = new k8s.KubeConfig();
  kc.loadFromOptions({
    clusters: [
      {
        name: 'c',
        server: `http://127.0.0.1:${(server.address() as { port: number }).port}`,
        skipTLSVerify: true,
      },
    ],
    users: [{ name: 'u', token: 'not-a-secret' }],
    contexts: [{ name: 'x', cluster: 'c', user: 'u' }],
    currentContext: 'x',
  });
  return { kc: await boundKubernetesRequests(kc, { requestTimeoutMs: 2000 }), seen };
}

const json = (body: unknown) => ({ status: 200, type: 'application/json', body: JSON.stringify(body) });

describe('kubeApi: the typed calls as plain JSON requests', () => {
  it('lists with the selectors in the query, names and namespaces escaped in the path', async () => {
    const { kc, seen } = await apiServer(() =>
      json({ kind: 'PodList', items: [{ metadata: { name: 'a' } }] }),
    );
    const list = await kubeApi(kc).core.listNamespacedPod({
      namespace: 'shop',
      labelSelector: 'app=web,tier in (a)',
    });
    expect(list.items.map((pod) => pod.metadata?.name)).toEqual(['a']);
    await kubeApi(kc).apps.readNamespacedDeployment({ name: 'we b', namespace: 'shop' });
    expect(seen.map((s) => `${s.method} ${s.url}`)).toEqual([
      'GET /api/v1/namespaces/shop/pods?labelSelector=app%3Dweb%2Ctier+in+%28a%29',
      'GET /apis/apps/v1/namespaces/shop/deployments/we%20b',
    ]);
  });

  it('keeps timestamps as the server sent them (strings, read with timeOf)', async () => {
    const { kc } = await apiServer(() =>
      json({ metadata: { name: 'x', creationTimestamp: '2026-12-07T10:00:00Z' }, spec: {} }),
    );
    const job = await kubeApi(kc).batch.readNamespacedJob({ name: 'x', namespace: 'shop' });
    expect(job.metadata?.creationTimestamp as unknown).toBe('2026-12-07T10:00:00Z');
  });

  it('writes a lease with PUT and its micro-time in the six-digit form the API server parses', async () => {
    const { kc, seen } = await apiServer((request) => json(JSON.parse(request.body)));
    const renewTime = new k8s.V1MicroTime(Date.UTC(2026, 11, 7, 10, 0, 0, 123));
    await kubeApi(kc).coordination.replaceNamespacedLease({
      name: 'kubeship-web',
      namespace: 'shop',
      body: { metadata: { name: 'kubeship-web', resourceVersion: '7' }, spec: { renewTime } },
    });
    expect(seen[0]?.method).toBe('PUT');
    expect(seen[0]?.url).toBe('/apis/coordination.k8s.io/v1/namespaces/shop/leases/kubeship-web');
    expect(seen[0]?.contentType).toBe('application/json');
    expect(JSON.parse(seen[0]?.body ?? '{}').spec.renewTime).toBe('2026-12-07T10:00:00.123000Z');
  });

  it('deletes with the propagation policy in the query and the preconditions in the body', async () => {
    const { kc, seen } = await apiServer(() => json({ kind: 'Status', status: 'Success' }));
    await kubeApi(kc).coordination.deleteNamespacedLease({
      name: 'l',
      namespace: 'shop',
      body: { preconditions: { resourceVersion: '9' } },
    });
    await kubeApi(kc).batch.deleteNamespacedJob({
      name: 'j',
      namespace: 'shop',
      propagationPolicy: 'Background',
    });
    expect(seen.map((s) => `${s.method} ${s.url} ${s.body}`)).toEqual([
      'DELETE /apis/coordination.k8s.io/v1/namespaces/shop/leases/l {"preconditions":{"resourceVersion":"9"}}',
      'DELETE /apis/batch/v1/namespaces/shop/jobs/j?propagationPolicy=Background ',
    ]);
  });

  it('reads a log as text: a JSON log line stays a line, an empty log is empty', async () => {
    const lines = '{"level":"error","msg":"db down"}\n';
    let answer = lines;
    const { kc, seen } = await apiServer(() => ({ status: 200, type: 'text/plain', body: answer }));
    const log = kubeApi(kc).core.readNamespacedPodLog;
    const text = await log({ name: 'p', namespace: 'shop', container: 'web', tailLines: 5, previous: true });
    expect(text).toBe(lines);
    expect(seen[0]?.url).toBe('/api/v1/namespaces/shop/pods/p/log?container=web&previous=true&tailLines=5');
    answer = '';
    expect(await log({ name: 'p', namespace: 'shop' })).toBe('');
  });

  it('throws the ApiException of the generated clients for an HTTP error (status, Status body)', async () => {
    const { kc } = await apiServer(() => ({
      status: 404,
      type: 'application/json',
      body: JSON.stringify({
        kind: 'Status',
        code: 404,
        reason: 'NotFound',
        message: 'leases "l" not found',
      }),
    }));
    const error = await kubeApi(kc)
      .coordination.readNamespacedLease({ name: 'l', namespace: 'shop' })
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(k8s.ApiException);
    expect((error as k8s.ApiException<{ reason: string }>).code).toBe(404);
    expect((error as k8s.ApiException<{ reason: string }>).body.reason).toBe('NotFound');
  });

  it('waits under the request limit: a call the server sheds with 429 goes again', async () => {
    const { kc, seen } = await apiServer(() => json({ items: [] }), { shedFirst: true });
    const list = await kubeApi(kc).autoscaling.listNamespacedHorizontalPodAutoscaler({ namespace: 'shop' });
    expect(list.items).toEqual([]);
    expect(seen.map((s) => s.url)).toEqual([
      '/apis/autoscaling/v2/namespaces/shop/horizontalpodautoscalers',
      '/apis/autoscaling/v2/namespaces/shop/horizontalpodautoscalers',
    ]);
  });

  it('posts a rules review to the cluster-scoped collection', async () => {
    const { kc, seen } = await apiServer((request) =>
      json({ ...JSON.parse(request.body), status: { resourceRules: [{ verbs: ['get'] }] } }),
    );
    const answer = await kubeApi(kc).authorization.createSelfSubjectRulesReview({
      body: {
        apiVersion: 'authorization.k8s.io/v1',
        kind: 'SelfSubjectRulesReview',
        spec: { namespace: 'shop' },
      },
    });
    expect(answer.status?.resourceRules).toEqual([{ verbs: ['get'] }]);
    expect(`${seen[0]?.method} ${seen[0]?.url}`).toBe(
      'POST /apis/authorization.k8s.io/v1/selfsubjectrulesreviews',
    );
  });
});
