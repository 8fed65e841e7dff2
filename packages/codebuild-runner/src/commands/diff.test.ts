import type { Manifest } from '@kubeship/core';
import { describe, expect, it } from 'vitest';
import { asApplied } from './diff.ts';

const job = (name: string, annotations: Record<string, string> = {}): Manifest => ({
  apiVersion: 'batch/v1',
  kind: 'Job',
  metadata: { name, namespace: 'shop', annotations },
  spec: { template: { spec: { restartPolicy: 'Never', containers: [{ name: 'm', image: 'flyway' }] } } },
});
const web: Manifest = {
  apiVersion: 'apps/v1',
  kind: 'Deployment',
  metadata: { name: 'web', namespace: 'shop' },
};

describe('diff: objects as the deploy applies them', () => {
  it('lists a hook Job as its run of the next release (<name>-r<revision>), other Jobs as they are', () => {
    const { objects, hooks } = asApplied(
      [web, job('migrate', { 'kubeship.dev/hook': 'pre-deploy' }), job('report')],
      { app: 'web', revision: 4 },
    );
    expect(objects.map((o) => `${o.kind} ${o.metadata.name}`)).toEqual([
      'Deployment web',
      'Job report',
      'Job migrate-r4',
    ]);
    expect([...hooks]).toEqual([['Job shop/migrate-r4', 'pre-deploy']]);
  });
});
