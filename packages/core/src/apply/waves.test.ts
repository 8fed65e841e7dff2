import { describe, expect, it } from 'vitest';
import type { ObjectRef } from './plan.ts';
import { applyWaves } from './waves.ts';

const object = (apiVersion: string, kind: string, name: string): ObjectRef => ({
  apiVersion,
  kind,
  metadata: { name, namespace: 'shop' },
});
const names = (waves: ObjectRef[][]) => waves.map((wave) => wave.map((o) => o.metadata.name));

describe('applyWaves', () => {
  it('puts what others need first, workloads after their config, custom resources last', () => {
    const waves = applyWaves([
      object('apps/v1', 'Deployment', 'web'),
      object('v1', 'ConfigMap', 'web-config'),
      object('example.com/v1', 'Widget', 'w'),
      object('v1', 'Service', 'web-svc'),
      object('apiextensions.k8s.io/v1', 'CustomResourceDefinition', 'widgets'),
      object('v1', 'Secret', 'web-secret'),
      object('v1', 'Namespace', 'shop'),
      object('admissionregistration.k8s.io/v1', 'ValidatingWebhookConfiguration', 'check'),
      object('apps/v1', 'Deployment', 'worker'),
    ]);
    expect(names(waves)).toEqual([
      ['widgets', 'shop'],
      ['web-config', 'web-secret'],
      ['web', 'web-svc', 'worker'],
      ['w', 'check'],
    ]);
  });

  it('leaves empty waves out and keeps a single kind in one wave, in order', () => {
    const many = Array.from({ length: 5 }, (_, i) => object('apps/v1', 'Deployment', `d${i}`));
    expect(names(applyWaves(many))).toEqual([['d0', 'd1', 'd2', 'd3', 'd4']]);
    expect(applyWaves([])).toEqual([]);
  });
});
