import { readFileSync } from 'node:fs';
import { createServer as createHttpServer, type Server } from 'node:http';
import { createServer as createHttpsServer } from 'node:https';
import { createServer, type Socket } from 'node:net';
import * as k8s from '@kubernetes/client-node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { systemClock } from '../clock.ts';
import { isKubeshipError } from '../errors.ts';
import { watchCollections } from '../rollout/_cluster-watch.ts';
import { describeKubernetesError } from './_kubernetes-errors.ts';
import { boundKubernetesRequests, MAX_CONNECTIONS } from './_kubernetes-requests.ts';

// Loopback servers: one that accepts connections and never answers, one that answers at once.
const sockets = new Set<Socket>();
const silent = createServer((socket) => {
  sockets.add(socket);
  socket.on('close', () => sockets.delete(socket));
});
const answering: Server = createHttpServer((_request, response) => {
  response.setHeader('content-type', 'application/json');
  response.end(JSON.stringify({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'web' } }));
});
const ports = { silent: 0, answering: 0, closed: 0 };

const listen = (server: Server | ReturnType<typeof createServer>) =>
  new Promise<number>((resolve) =>
    server.listen(0, '127.0.0.1', () => resolve((server.address() as { port: number }).port)),
  );

beforeAll(async () => {
  ports.silent = await listen(silent);
  ports.answering = await listen(answering);
  const closed = createServer();
  ports.closed = await listen(closed);
  await new Promise((resolve) => closed.close(resolve));
});

afterAll(async () => {
  for (const socket of sockets) socket.destroy();
  await Promise.all([silent, answering].map((server) => new Promise((resolve) => server.close(resolve))));
});

async function kubeConfigFor(port: number, requestTimeoutMs = 400): Promise<k8s.KubeConfig> {
  const kc = new k8s.KubeConfig();
  kc.loadFromOptions({
    clusters: [{ name: 'c', server: `http://127.0.0.1:${port}`, skipTLSVerify: true }],
    users: [{ name: 'u', token: 'not-a-secret' }],
    contexts: [{ name: 'x', cluster: 'c', user: 'u' }],
    currentContext: 'x',
  });
  return boundKubernetesRequests(kc, { requestTimeoutMs });
}

/** What a rollout watch of the Deployments in `web` at this port fails with (undefined: it started). */
async function deploymentWatchFailure(port: number): Promise<unknown> {
  return watchCollections(
    await kubeConfigFor(port),
    [{ apiVersion: 'apps/v1', kind: 'Deployment', namespace: 'web' }],
    systemClock,
  ).then(
    () => undefined,
    (error: unknown) => error,
  );
}

const context = { verb: 'get', resource: 'namespaces', name: 'web' };

async function failure(call: () => Promise<unknown>) {
  try {
    await call();
  } catch (error) {
    return describeKubernetesError(error, context);
  }
  throw new Error('expected the call to fail');
}

describe('boundKubernetesRequests', () => {
  it('ends a generated API call the server never answers with CLUSTER_UNREACHABLE naming request, endpoint and bound', async () => {
    const api = (await kubeConfigFor(ports.silent)).makeApiClient(k8s.CoreV1Api);
    const started = Date.now();
    const error = await failure(() => api.readNamespace({ name: 'web' }));
    expect(Date.now() - started).toBeLessThan(10_000);
    expect(error.code).toBe('CLUSTER_UNREACHABLE');
    expect(error.message).toBe(
      `could not get namespaces "web": the Kubernetes API at http://127.0.0.1:${ports.silent} failed GET /api/v1/namespaces/web: no answer within 0.4 s (timeout)`,
    );
    expect(error.details).toMatchObject({ endpoint: `http://127.0.0.1:${ports.silent}`, verb: 'get' });
  });

  it('names a refused connection as the cause', async () => {
    const api = (await kubeConfigFor(ports.closed)).makeApiClient(k8s.CoreV1Api);
    const error = await failure(() => api.readNamespace({ name: 'web' }));
    expect(error.code).toBe('CLUSTER_UNREACHABLE');
    expect(error.message).toContain(`at http://127.0.0.1:${ports.closed} failed GET /api/v1/namespaces/web`);
    expect(error.message).toContain('connection refused (connect ECONNREFUSED');
  });

  it('bounds a watch that gets no answer, and hands its done callback the named error', async () => {
    const watch = new k8s.Watch(await kubeConfigFor(ports.silent));
    const ended = await new Promise<unknown>((resolve) => {
      void watch.watch('/api/v1/namespaces', {}, () => {}, resolve);
    });
    const error = describeKubernetesError(ended, { verb: 'watch', resource: 'namespaces' });
    expect(error.code).toBe('CLUSTER_UNREACHABLE');
    expect(error.message).toContain('failed GET /api/v1/namespaces: no answer within 0.4 s');
  });

  it('leaves answered requests alone', async () => {
    const kc = await kubeConfigFor(ports.answering);
    const namespace = await kc.makeApiClient(k8s.CoreV1Api).readNamespace({ name: 'web' });
    expect(namespace.metadata?.name).toBe('web');
  });

  it('a rollout watch on a cluster that never answers fails CLUSTER_UNREACHABLE instead of waiting on empty collections', async () => {
    const failure = await deploymentWatchFailure(ports.silent);
    expect(isKubeshipError(failure, 'CLUSTER_UNREACHABLE')).toBe(true);
    expect((failure as Error).message).toContain(
      `the Kubernetes API at http://127.0.0.1:${ports.silent} failed GET /apis/apps/v1`,
    );
  });

  it('a rollout watch whose first list gets no answer (discovery answered) fails CLUSTER_UNREACHABLE too', async () => {
    const held = new Set<Socket>();
    const discoveryOnly = createHttpServer((request, response) => {
      if (request.url !== '/apis/apps/v1') {
        held.add(request.socket);
        return;
      }
      response.setHeader('content-type', 'application/json');
      const deployments = { name: 'deployments', kind: 'Deployment', namespaced: true, verbs: ['list'] };
      response.end(
        JSON.stringify({ kind: 'APIResourceList', groupVersion: 'apps/v1', resources: [deployments] }),
      );
    });
    const port = await listen(discoveryOnly);
    try {
      const failure = await deploymentWatchFailure(port);
      expect(isKubeshipError(failure, 'CLUSTER_UNREACHABLE')).toBe(true);
      expect((failure as Error).message).toContain(
        `the Kubernetes API at http://127.0.0.1:${port} failed GET /apis/apps/v1/namespaces/web/deployments`,
      );
    } finally {
      for (const socket of held) socket.destroy();
      await new Promise((resolve) => discoveryOnly.close(resolve));
    }
  });

  it('shares one bounded pool of TLS connections between requests instead of a handshake per request', async () => {
    const fixture = (name: string) => readFileSync(new URL(`./fixtures/${name}`, import.meta.url));
    const ca = fixture('loopback-cert.pem');
    let handshakes = 0;
    const tls = createHttpsServer({ cert: ca, key: fixture('loopback-key.pem') }, (_request, response) => {
      response.setHeader('content-type', 'application/json');
      response.end(JSON.stringify({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'web' } }));
    });
    tls.on('secureConnection', () => handshakes++);
    const port = await listen(tls as unknown as Server);
    try {
      const kc = new k8s.KubeConfig();
      kc.loadFromOptions({
        clusters: [{ name: 'c', server: `https://127.0.0.1:${port}`, caData: ca.toString('base64') }],
        users: [{ name: 'u', token: 'not-a-secret' }],
        contexts: [{ name: 'x', cluster: 'c', user: 'u' }],
        currentContext: 'x',
      });
      const api = (await boundKubernetesRequests(kc)).makeApiClient(k8s.CoreV1Api);
      const answers = await Promise.all(Array.from({ length: 50 }, () => api.readNamespace({ name: 'web' })));
      expect(answers.every((namespace) => namespace.metadata?.name === 'web')).toBe(true);
      expect(handshakes).toBeGreaterThan(0);
      expect(handshakes).toBeLessThanOrEqual(MAX_CONNECTIONS);
      const afterBurst = handshakes;
      for (let i = 0; i < 5; i++) await api.readNamespace({ name: 'web' });
      expect(handshakes).toBe(afterBurst);
    } finally {
      tls.closeAllConnections();
      await new Promise((resolve) => tls.close(resolve));
    }
  });
});
