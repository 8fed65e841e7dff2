import type { KubeObject } from '@kubeship/manifests';
import { describe, expect, it } from 'vitest';
import { CONTENT_CHECKSUM_ANNOTATION, withContentChecksums } from './_content-checksum.ts';

const own = { configMap: 'web-config', secret: 'web-secrets' };
const configMap = (name: string, data: Record<string, string>): KubeObject => ({
  apiVersion: 'v1',
  kind: 'ConfigMap',
  metadata: { name, namespace: 'shop' },
  data,
});
const web = (envFrom: object[]): KubeObject => ({
  apiVersion: 'apps/v1',
  kind: 'Deployment',
  metadata: { name: 'web', namespace: 'shop' },
  spec: {
    selector: { matchLabels: { app: 'web' } },
    template: { metadata: { labels: { app: 'web' } }, spec: { containers: [{ name: 'web', envFrom }] } },
  },
});
type Templated = { template: { metadata: { annotations?: Record<string, string> } } };
const checksumOf = (objects: readonly KubeObject[]) =>
  (objects.find((o) => o.kind === 'Deployment') as KubeObject & { spec: Templated }).spec.template.metadata
    .annotations?.[CONTENT_CHECKSUM_ANNOTATION];

describe('withContentChecksums', () => {
  const reads = web([{ configMapRef: { name: 'settings' } }]);

  it('stamps a workload that reads a ConfigMap of the release, and changes only when the content does', () => {
    const first = checksumOf(withContentChecksums([configMap('settings', { A: '1', B: '2' }), reads], own));
    const reordered = checksumOf(
      withContentChecksums([reads, configMap('settings', { B: '2', A: '1' })], own),
    );
    const changed = checksumOf(withContentChecksums([configMap('settings', { A: '1', B: '3' }), reads], own));
    expect(first).toMatch(/^[0-9a-f]{64}$/);
    expect(reordered).toBe(first);
    expect(changed).not.toBe(first);
  });

  it('changes with a Secret the pods read, and the checksum holds no value', () => {
    const secret = (value: string): KubeObject => ({
      apiVersion: 'v1',
      kind: 'Secret',
      metadata: { name: 'db', namespace: 'shop' },
      type: 'Opaque',
      data: { password: Buffer.from(value).toString('base64') },
    });
    const deployment = web([{ secretRef: { name: 'db' } }]);
    const one = withContentChecksums([secret('hunter2'), deployment], own);
    const two = withContentChecksums([secret('hunter3'), deployment], own);
    expect(checksumOf(one)).not.toBe(checksumOf(two));
    const stamped = JSON.stringify(one[1]);
    expect(stamped).not.toContain('hunter2');
    expect(stamped).not.toContain(Buffer.from('hunter2').toString('base64'));
  });

  it("leaves alone workloads that read nothing of the release, kubeship's own SSM config, and the input", () => {
    const unrelated = web([{ configMapRef: { name: 'elsewhere' } }]);
    const ssm = web([{ configMapRef: { name: 'web-config' } }]);
    const input = [configMap('settings', { A: '1' }), configMap('web-config', { X: '1' }), unrelated];
    expect(checksumOf(withContentChecksums(input, own))).toBeUndefined();
    expect(checksumOf(withContentChecksums([configMap('web-config', { X: '1' }), ssm], own))).toBeUndefined();
    const before = structuredClone(reads);
    withContentChecksums([configMap('settings', { A: '1' }), reads], own);
    expect(reads).toEqual(before);
  });

  it('does not count an object of the same name in another namespace', () => {
    const other = {
      ...configMap('settings', { A: '1' }),
      metadata: { name: 'settings', namespace: 'other' },
    };
    expect(checksumOf(withContentChecksums([other, reads], own))).toBeUndefined();
  });
});
