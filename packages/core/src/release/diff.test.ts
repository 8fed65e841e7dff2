import type { KubeObject } from '@kubeship/manifests';
import { describe, expect, it } from 'vitest';
import { diffReleases } from './diff.ts';

const deployment = (image: string, extra: Record<string, unknown> = {}): KubeObject => ({
  apiVersion: 'apps/v1',
  kind: 'Deployment',
  metadata: { name: 'web', namespace: 'shop' },
  spec: { template: { spec: { containers: [{ name: 'web', image, ...extra }] } } },
});
const secret = (value: string): KubeObject => ({
  apiVersion: 'v1',
  kind: 'Secret',
  metadata: { name: 'web-secrets', namespace: 'shop' },
  data: { DB_PASSWORD: Buffer.from(value).toString('base64') },
});
const ingress: KubeObject = {
  apiVersion: 'networking.k8s.io/v1',
  kind: 'Ingress',
  metadata: { name: 'web', namespace: 'shop' },
};
const service: KubeObject = {
  apiVersion: 'v1',
  kind: 'Service',
  metadata: { name: 'web', namespace: 'shop' },
  spec: { ports: [{ name: 'http', port: 80 }] },
};

describe('diffReleases', () => {
  it('names objects added, removed, changed (fields both ways) and unchanged', () => {
    const from = { objects: [deployment('web:1', { args: ['--old'] }), ingress, service] };
    const to = { objects: [deployment('web:2'), service, secret('x')] };
    expect(diffReleases(from, to)).toEqual([
      {
        id: 'Deployment shop/web',
        action: 'changed',
        changes: [
          { path: 'spec.template.spec.containers[web].image', from: 'web:1', to: 'web:2' },
          // only the earlier release set it: unset in the later one
          { path: 'spec.template.spec.containers[web].args', from: ['--old'] },
        ],
      },
      { id: 'Service shop/web', action: 'unchanged', changes: [] },
      { id: 'Secret shop/web-secrets', action: 'added', changes: [] },
      { id: 'Ingress shop/web', action: 'removed', changes: [] },
    ]);
  });

  it('never puts a Secret value in the result, in either direction', () => {
    const from = {
      objects: [secret('old-password'), { ...secret('gone'), metadata: { name: 'b', namespace: 'shop' } }],
    };
    const to = {
      objects: [
        { ...secret('new-password'), data: { OTHER: Buffer.from('new-password').toString('base64') } },
        { ...secret('gone'), metadata: { name: 'b', namespace: 'shop' }, data: {} },
      ],
    };
    const text = JSON.stringify(diffReleases(from, to));
    for (const value of ['old-password', 'new-password', 'gone']) {
      expect(text).not.toContain(value);
      expect(text).not.toContain(Buffer.from(value).toString('base64'));
    }
    expect(diffReleases(from, to)[0]).toEqual({
      id: 'Secret shop/web-secrets',
      action: 'changed',
      changes: [
        { path: 'data.OTHER', to: '[redacted]' },
        { path: 'data.DB_PASSWORD', from: '[redacted]' },
      ],
    });
  });
});
