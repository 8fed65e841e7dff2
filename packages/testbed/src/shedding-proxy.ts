// An overloaded API server, made of the real one: a loopback HTTP front for the testbed's
// kube-apiserver with a max-in-flight limit of its own, as the apiserver's --max-requests-inflight
// filter: a request that finds the limit taken is answered 429 Too Many Requests with a
// Retry-After; every other request, watches included, goes to the real apiserver. (The real
// filter lets system:masters through, and the testbed's clients are admins: hence a front.)
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import { Agent, request } from 'node:https';
import { parse, stringify } from 'yaml';
import type { TestbedInfo } from './testbed.ts';

/** A running {@link startSheddingProxy}. */
export interface SheddingProxy {
  /** A kubeconfig (YAML) whose cluster is the proxy; the proxy itself authenticates as the admin. */
  readonly kubeconfig: string;
  /** Requests answered with 429 so far. */
  readonly shed: number;
  /** Requests passed to the real apiserver so far. */
  readonly passed: number;
  /** The most requests (watches left out) the real apiserver was handling at once for the proxy. */
  readonly peakInFlight: number;
  close(): Promise<void>;
}

type KubeconfigUser = { user?: { 'client-certificate-data'?: string; 'client-key-data'?: string } };

const isLongRunning = (path: string) => /[?&](?:watch|follow)=(?:true|1)(?:&|$)/.test(path);

/**
 * Starts the proxy on a free port of 127.0.0.1: at most `maxInFlight` requests at a time (watches
 * and log streams are long-running and not counted, as in the apiserver); one more is answered 429
 * with `Retry-After: retryAfterSeconds` (default 1).
 */
export async function startSheddingProxy(
  testbed: Pick<TestbedInfo, 'endpoint' | 'caPem' | 'adminKubeconfig'>,
  options: { maxInFlight: number; retryAfterSeconds?: number },
): Promise<SheddingProxy> {
  const admin = parse(testbed.adminKubeconfig) as { users?: KubeconfigUser[] };
  const decode = (data: string | undefined) => Buffer.from(data ?? '', 'base64').toString('utf8');
  const user = admin.users?.[0]?.user;
  const agent = new Agent({
    keepAlive: true,
    ca: testbed.caPem,
    cert: decode(user?.['client-certificate-data']),
    key: decode(user?.['client-key-data']),
  });
  const counts = { inFlight: 0, peakInFlight: 0, shed: 0, passed: 0 };
  const handle = (req: IncomingMessage, res: ServerResponse) => {
    const proxied = { method: req.method ?? 'GET', path: req.url ?? '/' };
    const counted = !isLongRunning(proxied.path);
    if (counted && counts.inFlight >= options.maxInFlight) {
      counts.shed++;
      req.resume();
      res.writeHead(429, {
        'content-type': 'application/json',
        'retry-after': String(options.retryAfterSeconds ?? 1),
      });
      res.end(
        JSON.stringify({
          kind: 'Status',
          apiVersion: 'v1',
          status: 'Failure',
          message: 'Too many requests, please try again later.',
          reason: 'TooManyRequests',
          code: 429,
        }),
      );
      return;
    }
    counts.passed++;
    if (counted) {
      counts.inFlight++;
      counts.peakInFlight = Math.max(counts.peakInFlight, counts.inFlight);
      res.once('close', () => counts.inFlight--);
    }
    const upstream = request(
      `${testbed.endpoint}${proxied.path}`,
      { method: proxied.method, headers: { ...req.headers, host: new URL(testbed.endpoint).host }, agent },
      (answer) => {
        res.writeHead(answer.statusCode ?? 502, answer.headers);
        answer.pipe(res);
      },
    );
    upstream.on('error', () => res.destroy());
    res.on('close', () => upstream.destroy());
    req.pipe(upstream);
  };
  const server = createServer(handle);
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', resolve);
  });
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : 0;
  const name = 'shedding-proxy';
  return {
    kubeconfig: stringify({
      apiVersion: 'v1',
      kind: 'Config',
      // plain HTTP on loopback; client-node speaks it only with TLS verification turned off
      clusters: [{ name, cluster: { server: `http://127.0.0.1:${port}`, 'insecure-skip-tls-verify': true } }],
      users: [{ name, user: {} }],
      contexts: [{ name, context: { cluster: name, user: name } }],
      'current-context': name,
    }),
    get shed() {
      return counts.shed;
    },
    get passed() {
      return counts.passed;
    },
    get peakInFlight() {
      return counts.peakInFlight;
    },
    close: () =>
      new Promise((resolve) => {
        server.closeAllConnections();
        agent.destroy();
        server.close(() => resolve());
      }),
  };
}
