// biome-ignore-all lint/suspicious/noExplicitAny: assertions read deep into rendered objects
// Every rendered object of the matrix goes to the testbed's real apiserver as a server-side apply with
// dryRun=All and fieldValidation=Strict: a rejection, an unknown field or a warning fails the test.
// The body is sent as rendered: client-node's KubernetesObjectApi.patch re-serializes objects through its
// typed models, which silently drops fields the models do not know, so it cannot prove field names.
import { randomBytes } from 'node:crypto';
import { type RequestOptions, request } from 'node:https';
import * as k8s from '@kubernetes/client-node';
import { afterEach, describe, expect, inject, it } from 'vitest';
import { type KubeObject, render } from '../../src/index.ts';
import { type MatrixCase, matrix } from '../fixtures/matrix.ts';

const cleanups: Array<() => Promise<void>> = [];
afterEach(async () => {
  await Promise.all(cleanups.splice(0).map((cleanup) => cleanup()));
});

function kubeConfig(): k8s.KubeConfig {
  const kc = new k8s.KubeConfig();
  kc.loadFromString(inject('testbed').adminKubeconfig);
  return kc;
}

async function testNamespace(kc: k8s.KubeConfig): Promise<string> {
  const core = kc.makeApiClient(k8s.CoreV1Api);
  const name = `manifests-${randomBytes(3).toString('hex')}`;
  await core.createNamespace({ body: { metadata: { name } } });
  cleanups.push(async () => void (await core.deleteNamespace({ name })));
  return name;
}

/** Only for its discovery-backed resource paths. */
class ResourcePaths extends k8s.KubernetesObjectApi {
  pathOf(object: KubeObject): Promise<string> {
    return this.specUriPath(object, 'patch');
  }
}

interface DryRun {
  readonly status: number;
  readonly body: string;
  readonly warnings: string[];
}

/** Server-side apply of `object` exactly as rendered, with dryRun=All and fieldValidation=Strict. */
async function dryRunApply(kc: k8s.KubeConfig, object: KubeObject): Promise<DryRun> {
  const server = kc.getCurrentCluster()?.server;
  if (!server) throw new Error('the testbed kubeconfig has no cluster');
  const url = new URL(`${server}${await kc.makeApiClient(ResourcePaths).pathOf(object)}`);
  for (const [key, value] of Object.entries({
    dryRun: 'All',
    fieldManager: 'kubeship',
    force: 'true',
    fieldValidation: 'Strict',
  }))
    url.searchParams.set(key, value);
  const options: RequestOptions = {
    method: 'PATCH',
    headers: { 'content-type': 'application/apply-patch+yaml', accept: 'application/json' },
  };
  await kc.applyToHTTPSOptions(options);
  return new Promise((resolve, reject) => {
    const req = request(url, options, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (chunk: Buffer) => chunks.push(chunk));
      res.on('error', reject);
      res.on('end', () =>
        resolve({
          status: res.statusCode ?? 0,
          body: Buffer.concat(chunks).toString('utf8'),
          warnings: res.rawHeaders.filter(
            (_, i, all) => i % 2 === 1 && all[i - 1]?.toLowerCase() === 'warning',
          ),
        }),
      );
    });
    req.on('error', reject);
    req.end(JSON.stringify(object));
  });
}

/** Problems the apiserver reported for `objects`: rejections and warnings, one line each. */
async function dryRunAll(kc: k8s.KubeConfig, objects: readonly KubeObject[]): Promise<string[]> {
  const problems: string[] = [];
  for (const object of objects) {
    const result = await dryRunApply(kc, object);
    const name = `${object.kind}/${object.metadata.name}`;
    if (result.status !== 200 && result.status !== 201)
      problems.push(`${name}: HTTP ${result.status} ${result.body}`);
    problems.push(...result.warnings.map((warning) => `${name}: warning ${warning}`));
  }
  return problems;
}

describe('rendered manifests against the real apiserver (server-side dry-run)', () => {
  it.each(matrix.map((c) => [c.title, c] as const))(
    '%s: every object is accepted, no warnings',
    async (_, c: MatrixCase) => {
      const kc = kubeConfig();
      const namespace = await testNamespace(kc);
      const objects = render({ ...c.spec, namespace }, c.options);

      expect(await dryRunAll(kc, objects)).toEqual([]);
      expect(
        objects.filter((o) => o.kind !== 'Namespace').every((o) => o.metadata.namespace === namespace),
      ).toBe(true);
    },
  );

  it('is not vacuous: a forbidden value and an unknown field are rejected, a deprecated label warns', async () => {
    const kc = kubeConfig();
    const namespace = await testNamespace(kc);
    const minimal = matrix.find((c) => c.title === 'minimal defaults');
    const deployment = render({ ...minimal?.spec, namespace } as MatrixCase['spec']).find(
      (o) => o.kind === 'Deployment',
    );
    if (!deployment) throw new Error('no Deployment rendered');
    const edited = (edit: (pod: Record<string, any>, spec: Record<string, any>) => void) => {
      const copy = structuredClone(deployment) as KubeObject & { spec: Record<string, any> };
      edit(copy.spec.template, copy.spec);
      return copy;
    };

    const problems = await dryRunAll(kc, [
      edited((_pod, spec) => {
        spec.replicas = -1;
      }),
      edited((pod) => {
        pod.spec.containers[0].imagePullPolice = 'Always';
      }),
      edited((pod) => {
        pod.spec.nodeSelector = { 'beta.kubernetes.io/os': 'linux' };
      }),
    ]);

    expect(problems).toEqual([
      expect.stringMatching(/HTTP 422 .*spec\.replicas/),
      // server-side apply answers an undeclared field with 500 "field not declared in schema"
      expect.stringMatching(/HTTP 500 .*imagePullPolice: field not declared in schema/),
      expect.stringMatching(/warning .*beta\.kubernetes\.io\/os.*deprecated/),
    ]);
  });
});
