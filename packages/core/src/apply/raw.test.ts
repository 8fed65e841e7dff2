import { createServer, type Server, type ServerResponse } from 'node:http';
import * as k8s from '@kubernetes/client-node';
import { afterEach, describe, expect, it } from 'vitest';
import { boundKubernetesRequests } from '../auth/_kubernetes-requests.ts';
import { RawObjectClient } from './_raw.ts';

const servers: Server[] = [];
afterEach(async () => {
  for (const server of servers.splice(0)) {
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
  }
});

/**
 * A loopback API server that answers discovery of core v1 and, to a PATCH, `patch`: never a word,
 * the connection cut, a 200 with two Warning headers, or that 200 after one 429 (Retry-After: 1).
 */
async function apiServer(patch: 'silent' | 'reset' | 'answer' | 'busy once'): Promise<string> {
  const held: ServerResponse[] = [];
  let shed = 0;
  const server = createServer((req, res) => {
    if (req.method === 'GET' && req.url === '/api/v1') {
      res.setHeader('content-type', 'application/json');
      res.end(
        JSON.stringify({
          kind: 'APIResourceList',
          groupVersion: 'v1',
          resources: [{ name: 'secrets', namespaced: true, kind: 'Secret', verbs: ['get', 'patch'] }],
        }),
      );
    } else if (patch === 'busy once' && shed++ === 0) {
      res.statusCode = 429;
      res.setHeader('retry-after', '1');
      res.end(JSON.stringify({ kind: 'Status', code: 429, message: 'too many requests' }));
    } else if (patch === 'reset') req.socket.destroy();
    else if (patch === 'silent') held.push(res);
    else {
      res.setHeader('content-type', 'application/json');
      res.setHeader('warning', ['299 - "first, with a comma"', '299 - "second"']);
      res.end(JSON.stringify({ kind: 'Secret', metadata: { name: 'x', namespace: 'shop' } }));
    }
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  servers.push(server);
  return `http://127.0.0.1:${(server.address() as { port: number }).port}`;
}

async function clientFor(server: string): Promise<RawObjectClient> {
  const kc = new k8s.KubeConfig();
  kc.loadFromOptions({
    clusters: [{ name: 'c', server, skipTLSVerify: true }],
    users: [{ name: 'u', token: 'not-a-secret' }],
    contexts: [{ name: 'x', cluster: 'c', user: 'u' }],
    currentContext: 'x',
  });
  return new RawObjectClient(await boundKubernetesRequests(kc, { requestTimeoutMs: 300 }));
}

const secret = { apiVersion: 'v1', kind: 'Secret', metadata: { name: 'x', namespace: 'shop' } };
const apply = (client: RawObjectClient, onWarnings?: (w: readonly string[]) => void) =>
  client.apply(secret, {
    fieldManager: 'kubeship',
    force: false,
    dryRun: false,
    ...(onWarnings ? { onWarnings } : {}),
  });

describe('RawObjectClient requests carry the central Kubernetes time bound', () => {
  it.each([
    ['never answers', 'silent', /no answer within 0.3 s \(timeout\)/],
    ['cuts the connection', 'reset', /closed|reset|socket/i],
  ] as const)('an API server that %s: CLUSTER_UNREACHABLE naming the request', async (_, mode, cause) => {
    const server = await apiServer(mode);
    const error = await apply(await clientFor(server)).then(
      () => undefined,
      (failure: unknown) => failure,
    );
    expect(error).toMatchObject({
      code: 'CLUSTER_UNREACHABLE',
      details: { endpoint: server, method: 'PATCH' },
    });
    expect((error as Error).message).toContain(
      `the Kubernetes API at ${server} failed PATCH /api/v1/namespaces/shop/secrets/x`,
    );
    expect((error as Error).message).toMatch(cause);
  });

  it('a request the server sheds with 429 is sent again after its Retry-After, and succeeds', async () => {
    const client = await clientFor(await apiServer('busy once'));
    await expect(apply(client)).resolves.toMatchObject({ kind: 'Secret', metadata: { name: 'x' } });
  });

  it('an answer: the object, and each Warning header on its own', async () => {
    const warnings: string[] = [];
    const applied = await apply(await clientFor(await apiServer('answer')), (w) => warnings.push(...w));
    expect(applied.metadata?.name).toBe('x');
    expect(warnings).toEqual(['first, with a comma', 'second']);
  });
});

describe('RawObjectClient discovery', () => {
  it('looks an apiVersion up once for objects read side by side', async () => {
    let discoveries = 0;
    const server = createServer((req, res) => {
      res.setHeader('content-type', 'application/json');
      if (req.url === '/api/v1') {
        discoveries++;
        res.end(
          JSON.stringify({
            kind: 'APIResourceList',
            groupVersion: 'v1',
            resources: [{ name: 'secrets', namespaced: true, kind: 'Secret', verbs: ['get'] }],
          }),
        );
        return;
      }
      res.statusCode = 404;
      res.end(JSON.stringify({ kind: 'Status', code: 404 }));
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    servers.push(server);
    const client = await clientFor(`http://127.0.0.1:${(server.address() as { port: number }).port}`);
    const reads = Array.from({ length: 40 }, (_, i) =>
      client.read({ ...secret, metadata: { ...secret.metadata, name: `s-${i}` } }),
    );
    expect(await Promise.all(reads)).toEqual(Array.from({ length: 40 }, () => undefined));
    expect(discoveries).toBe(1);
  });
});
