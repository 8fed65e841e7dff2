import { createServer } from 'node:http';
import * as k8s from '@kubernetes/client-node';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { objectApiOf } from './_raw.ts';

// A loopback API server that answers discovery of `v1` (the kinds of `served`) and counts the asks.
const served = { kinds: ['ConfigMap'] };
const asked: string[] = [];
const server = createServer((request, response) => {
  asked.push(request.url ?? '');
  response.setHeader('content-type', 'application/json');
  if (request.url !== '/api/v1') {
    response.statusCode = 404;
    response.end(JSON.stringify({ kind: 'Status', code: 404, message: 'not found' }));
    return;
  }
  const resources = served.kinds.map((kind) => ({
    name: `${kind.toLowerCase()}s`,
    kind,
    namespaced: true,
    singularName: kind.toLowerCase(),
    verbs: ['get'],
  }));
  response.end(JSON.stringify({ kind: 'APIResourceList', groupVersion: 'v1', resources }));
});
let port = 0;

beforeAll(async () => {
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  port = (server.address() as { port: number }).port;
});
afterAll(() => new Promise((resolve) => server.close(resolve)));
beforeEach(() => {
  asked.length = 0;
  served.kinds = ['ConfigMap'];
});

function kubeConfig(): k8s.KubeConfig {
  const kc = new k8s.KubeConfig();
  kc.loadFromOptions({
    clusters: [{ name: 'c', server: `http://127.0.0.1:${port}`, skipTLSVerify: true }],
    users: [{ name: 'u', token: 'not-a-secret' }],
    contexts: [{ name: 'x', cluster: 'c', user: 'u', namespace: 'web' }],
    currentContext: 'x',
  });
  return kc;
}

/** The URL path client-node works out for `spec` (protected in its types; every object call uses it). */
const pathOf = (kc: k8s.KubeConfig, spec: k8s.KubernetesObject, action: 'read' | 'patch') =>
  (
    objectApiOf(kc) as unknown as {
      specUriPath(spec: k8s.KubernetesObject, action: string): Promise<string>;
    }
  ).specUriPath(spec, action);

const configMap = { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'a', namespace: 'web' } };

describe('objectApiOf', () => {
  it('asks discovery once per apiVersion for all callers of one KubeConfig, side by side or later', async () => {
    const kc = kubeConfig();
    const paths = await Promise.all([
      pathOf(kc, { ...configMap }, 'read'),
      pathOf(kc, { ...configMap, metadata: { name: 'b', namespace: 'web' } }, 'read'),
    ]);
    await pathOf(kc, { ...configMap }, 'patch');
    expect(paths).toEqual(['/api/v1/namespaces/web/configmaps/a', '/api/v1/namespaces/web/configmaps/b']);
    expect(asked).toEqual(['/api/v1']);
    // another KubeConfig (another cluster) has its own, as has this one pointed at another server
    await pathOf(kubeConfig(), { ...configMap }, 'read');
    expect(asked).toEqual(['/api/v1', '/api/v1']);
    const cluster = kc.getCurrentCluster() as { server: string };
    cluster.server = `http://localhost:${port}`;
    await pathOf(kc, { ...configMap }, 'read');
    expect(asked).toEqual(['/api/v1', '/api/v1', '/api/v1']);
  });

  it('looks again for a kind the cached list does not name (a CRD applied since), and keeps no failure', async () => {
    const kc = kubeConfig();
    await pathOf(kc, { ...configMap }, 'read');
    const widget = { apiVersion: 'v1', kind: 'Widget', metadata: { name: 'w', namespace: 'web' } };
    await expect(pathOf(kc, { ...widget }, 'read')).rejects.toThrow(/Unrecognized/);
    served.kinds = ['ConfigMap', 'Widget'];
    expect(await pathOf(kc, { ...widget }, 'read')).toBe('/api/v1/namespaces/web/widgets/w');
    await expect(
      pathOf(kc, { apiVersion: 'example.com/v1', kind: 'Gadget', metadata: {} }, 'read'),
    ).rejects.toThrow();
    expect(asked).toEqual(['/api/v1', '/api/v1', '/api/v1', '/apis/example.com/v1']);
  });
});
