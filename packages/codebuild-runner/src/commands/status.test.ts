import type { DeploymentState, ReleaseStatus } from '@kubeship/core';
import { describe, expect, it } from 'vitest';
import { formatStatus } from './status.ts';

const at = Date.UTC(2026, 11, 1, 10, 0, 0);
const summary = (revision: number, outcome: 'deployed' | 'rolled-back') => ({
  app: 'web',
  namespace: 'shop',
  revision,
  outcome,
  images: ['registry.local/web:1'],
  startedAt: at,
  finishedAt: at,
});
const release: ReleaseStatus = {
  app: 'web',
  namespace: 'shop',
  live: summary(3, 'deployed'),
  latest: summary(4, 'rolled-back'),
  objects: [
    {
      id: 'Deployment shop/web',
      kind: 'Deployment',
      namespace: 'shop',
      name: 'web',
      verdict: 'healthy',
      summary: '2/2 updated, 2/2 available',
    },
    {
      id: 'Service shop/web',
      kind: 'Service',
      namespace: 'shop',
      name: 'web',
      verdict: 'applied',
      summary: 'applied (ClusterIP Service: no runtime status)',
    },
    {
      id: 'ConfigMap shop/settings',
      kind: 'ConfigMap',
      namespace: 'shop',
      name: 'settings',
      verdict: 'missing',
      summary: 'not in the cluster (deleted by hand?)',
    },
  ],
};

describe('formatStatus', () => {
  it('the live release, every object with its verdict, the Deployment revision beside it, the release that did not stay', () => {
    const deployment = {
      name: 'web',
      revision: 7,
      images: ['registry.local/web:1'],
    } as unknown as DeploymentState;
    expect(formatStatus('test', release, deployment).split('\n')).toEqual([
      'test: web release 3 is live (deployed 2026-12-01T10:00:00Z): 3 objects, 1 healthy, 1 applied, 1 missing',
      '  healthy     Deployment shop/web: 2/2 updated, 2/2 available (Deployment revision 7, image registry.local/web:1)',
      '  applied     Service shop/web: applied (ClusterIP Service: no runtime status)',
      '  missing     ConfigMap shop/settings: not in the cluster (deleted by hand?)',
      '  latest release 4: failed, rolled back (2026-12-01T10:00:00Z); release 3 is what runs',
      '',
    ]);
  });
});
