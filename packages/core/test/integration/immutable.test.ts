// Releases that change fields the API server keeps immutable: a Job's pod template is replaced
// (deleted with its pods, created anew) on deploy and on rollback; other immutable fields are
// refused before anything changes, naming object and field.
import type * as k8s from '@kubernetes/client-node';
import type { KubeObject } from '@kubeship/manifests';
import { IMAGE_MARKERS } from '@kubeship/testbed';
import { afterAll, describe, expect, it } from 'vitest';
import { namespacedClients } from '../../../testbed/test/helpers.ts';
import { deployObjects } from '../../src/deploy/engine.ts';
import { rollbackRelease } from '../../src/deploy/rollback-release.ts';
import type { DeployObjectsOptions } from '../../src/deploy/types.ts';
import { readHistory } from '../../src/release/history.ts';

const cleanups: Array<() => Promise<void>> = [];
afterAll(async () => {
  await Promise.all(cleanups.splice(0).map((cleanup) => cleanup()));
});

async function setup(prefix: string) {
  const t = await namespacedClients(prefix);
  cleanups.push(t.remove);
  const options = { kubeConfig: t.kc, app: 'shop', namespace: t.ns, timeoutMs: 60_000 };
  const run = (objects: KubeObject[], more: Partial<DeployObjectsOptions> = {}) =>
    deployObjects({ ...options, objects, ...more });
  return { ...t, options, run };
}

const web = (namespace: string, image: string, selector = { app: 'web' }): KubeObject => ({
  apiVersion: 'apps/v1',
  kind: 'Deployment',
  metadata: { name: 'web', namespace },
  spec: {
    selector: { matchLabels: selector },
    template: { metadata: { labels: selector }, spec: { containers: [{ name: 'web', image }] } },
  },
});
const migrate = (namespace: string, version: string): KubeObject => ({
  apiVersion: 'batch/v1',
  kind: 'Job',
  metadata: { name: 'migrate', namespace },
  spec: {
    backoffLimit: 0,
    template: {
      spec: {
        restartPolicy: 'Never',
        containers: [{ name: 'migrate', image: `registry.local/migrate:${version}-${IMAGE_MARKERS.exit0}` }],
      },
    },
  },
});

describe.concurrent('immutable fields', () => {
  it('replaces a Job whose pod template changed, on deploy and on rollback', async () => {
    const t = await setup('job-replace');
    const job = () => t.batch.readNamespacedJob({ name: 'migrate', namespace: t.ns });
    const imageOf = (j: k8s.V1Job) => j.spec?.template.spec?.containers[0]?.image;

    expect((await t.run([web(t.ns, 'registry.local/web:1'), migrate(t.ns, '1')])).outcome).toBe('deployed');
    const first = await job();

    const second = await t.run([web(t.ns, 'registry.local/web:1'), migrate(t.ns, '2')]);
    expect(second.outcome).toBe('deployed');
    expect(second.changes).toContainEqual(
      expect.objectContaining({ id: `Job ${t.ns}/migrate`, action: 'replace' }),
    );
    expect(second.objects.find((o) => o.kind === 'Job')?.verdict).toBe('complete');
    const replaced = await job();
    expect(replaced.metadata?.uid).not.toBe(first.metadata?.uid);
    expect(imageOf(replaced)).toContain('migrate:2');
    // the old run's pods went with it
    const pods = await t.core.listNamespacedPod({ namespace: t.ns, labelSelector: 'job-name=migrate' });
    expect(pods.items.length).toBeGreaterThan(0);
    expect(new Set(pods.items.map((p) => p.metadata?.ownerReferences?.[0]?.uid))).toEqual(
      new Set([replaced.metadata?.uid]),
    );

    // a failed release that changed the Job: the rollback replaces it with release 2's again
    const failed = await t.run([
      web(t.ns, `registry.local/web:2-${IMAGE_MARKERS.crashLoop}`),
      migrate(t.ns, '3'),
    ]);
    expect(failed).toMatchObject({ outcome: 'rolled-back', rollback: { healthy: true } });
    const restored = await job();
    expect(imageOf(restored)).toContain('migrate:2');
    expect(restored.metadata?.uid).not.toBe(replaced.metadata?.uid);

    // and `rollback` to release 1, through the engine
    const back = await rollbackRelease({ ...t.options, toRevision: 1, lease: { holder: 'test' } });
    expect(back.outcome).toBe('deployed');
    expect(back.changes).toContainEqual(
      expect.objectContaining({ id: `Job ${t.ns}/migrate`, action: 'replace' }),
    );
    expect(imageOf(await job())).toContain('migrate:1');
  });

  it('refuses other immutable changes before anything changes, naming object and field', async () => {
    const t = await setup('immutable');
    const service = (clusterIP?: string): KubeObject => ({
      apiVersion: 'v1',
      kind: 'Service',
      metadata: { name: 'web', namespace: t.ns },
      spec: { ...(clusterIP ? { clusterIP } : {}), selector: { app: 'web' }, ports: [{ port: 80 }] },
    });
    await t.run([web(t.ns, 'registry.local/web:1'), service()]);
    const live = await t.core.readNamespacedService({ name: 'web', namespace: t.ns });
    const ip = live.spec?.clusterIP ?? '';
    const otherIp = ip.replace(/\d+$/, (last) => String((Number(last) % 250) + 2));

    const selector = t.run([web(t.ns, 'registry.local/web:2', { app: 'web2' }), service()]);
    await expect(selector).rejects.toMatchObject({
      code: 'DRY_RUN_REJECTED',
      message: expect.stringContaining(`Deployment ${t.ns}/web: spec.selector cannot change once set`),
    });
    const clusterIp = t.run([web(t.ns, 'registry.local/web:2'), service(otherIp)]);
    await expect(clusterIp).rejects.toMatchObject({
      code: 'DRY_RUN_REJECTED',
      message: expect.stringMatching(
        new RegExp(`Service ${t.ns}/web: spec\\.clusterIPs?\\S* cannot change once set`),
      ),
    });
    const deployment = await t.apps.readNamespacedDeployment({ name: 'web', namespace: t.ns });
    expect(deployment.spec?.template.spec?.containers[0]?.image).toBe('registry.local/web:1');
    expect((await t.core.readNamespacedService({ name: 'web', namespace: t.ns })).spec?.clusterIP).toBe(ip);
    expect((await readHistory(t.kc, { app: 'shop', namespace: t.ns })).map((r) => r.revision)).toEqual([1]);
  });
});
