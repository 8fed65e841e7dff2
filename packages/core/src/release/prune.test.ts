import type { KubeObject } from '@kubeship/manifests';
import { describe, expect, it } from 'vitest';
import { inventoryAfter, missingFrom } from './prune.ts';

const object = (kind: string, name: string, version = '1'): KubeObject => ({
  apiVersion: kind === 'Deployment' ? 'apps/v1' : 'v1',
  kind,
  metadata: { name, ...(kind === 'Namespace' ? {} : { namespace: 'shop' }) },
  data: { version },
});
const names = (objects: readonly KubeObject[]) =>
  objects.map((o) => `${o.kind}/${o.metadata.name}@${(o.data as { version: string }).version}`);

describe('inventoryAfter', () => {
  const previous = [
    object('Namespace', 'shop'),
    object('ConfigMap', 'web-config'),
    object('Deployment', 'web'),
    object('Service', 'web'),
    object('Ingress', 'web'),
  ];

  it('keeps the previous members a release did not ship (set-image), in their place, with its own objects replacing theirs', () => {
    const own = [object('ConfigMap', 'web-config', '2'), object('Deployment', 'web', '2')];
    expect(names(inventoryAfter(previous, own, []))).toEqual([
      'Namespace/shop@1',
      'ConfigMap/web-config@2',
      'Deployment/web@2',
      'Service/web@1',
      'Ingress/web@1',
    ]);
  });

  it('leaves out what the release pruned, and is exactly the release once everything missing is pruned', () => {
    const own = [object('Namespace', 'shop'), object('Deployment', 'web', '2'), object('Secret', 'new')];
    const pruned = missingFrom(previous, own);
    expect(names(inventoryAfter(previous, own, pruned))).toEqual(names(own));
    expect(names(inventoryAfter(previous, own, pruned.slice(0, 1)))).toEqual([
      'Namespace/shop@1',
      'Deployment/web@2',
      'Secret/new@1',
      'Service/web@1',
      'Ingress/web@1',
    ]);
  });

  it('is the release itself when there is no previous one', () => {
    const own = [object('Deployment', 'web')];
    expect(inventoryAfter([], own, [])).toEqual(own);
  });
});
