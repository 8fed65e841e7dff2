import type { KubeObject } from '@kubeship/manifests';
import { describe, expect, it } from 'vitest';
import { hookJob } from '../gates/hooks.ts';
import { APPLYSET } from '../release/applyset.ts';
import { nextRevision, recordNamespace, releaseObjects } from './release-objects.ts';

const job = (name: string, annotations: Record<string, string> = {}): KubeObject => ({
  apiVersion: 'batch/v1',
  kind: 'Job',
  metadata: { name, namespace: 'shop', annotations },
  spec: { template: { spec: { restartPolicy: 'Never', containers: [{ name: 'm', image: 'flyway' }] } } },
});
const web: KubeObject = {
  apiVersion: 'apps/v1',
  kind: 'Deployment',
  metadata: { name: 'web', namespace: 'shop' },
  spec: { template: { spec: { containers: [{ name: 'web', image: 'r.io/web:2' }] } } },
};
const config: KubeObject = {
  apiVersion: 'v1',
  kind: 'ConfigMap',
  metadata: { name: 'c', namespace: 'shop' },
};

describe('releaseObjects: the objects as a deploy applies them (the engine and `kubeship diff`)', () => {
  const release = releaseObjects({
    app: 'web',
    objects: [web, config, job('migrate', { 'kubeship.dev/hook': 'pre-deploy' }), job('report')],
    changeCause: 'kubeship deploy r.io/web:2',
  });

  it('keeps hooks apart from the members, and other Jobs as members', () => {
    expect(release.objects.map((o) => `${o.kind} ${o.metadata.name}`)).toEqual([
      'Deployment web',
      'ConfigMap c',
      'Job report',
    ]);
    expect(release.hooks.map((h) => `${h.phase} ${h.name}`)).toEqual(['pre-deploy migrate']);
    expect(
      hookJob(release.hooks[0] as (typeof release.hooks)[0], { app: 'web', revision: 4 }).metadata.name,
    ).toBe('migrate-r4');
  });

  it('stamps every member with the ApplySet membership label, and workloads with the change cause', () => {
    for (const object of release.objects)
      expect(object.metadata.labels?.[APPLYSET.partOf]).toBe(release.applySetId);
    const cause = (name: string) =>
      release.objects.find((o) => o.metadata.name === name)?.metadata.annotations?.[
        'kubernetes.io/change-cause'
      ];
    expect(cause('web')).toBe('kubeship deploy r.io/web:2');
    expect(cause('report')).toBe('kubeship deploy r.io/web:2');
    expect(cause('c')).toBeUndefined();
  });

  it('records in the given namespace, else the first Deployment one, else any, else default', () => {
    expect(recordNamespace({ app: 'web', objects: [web] })).toBe('shop');
    expect(recordNamespace({ app: 'web', namespace: 'ops', objects: [web] })).toBe('ops');
    expect(recordNamespace({ app: 'web', objects: [{ ...config, metadata: { name: 'c' } }] })).toBe(
      'default',
    );
  });

  it('gives the next release the revision after the highest recorded', () => {
    expect(nextRevision([])).toBe(1);
    expect(nextRevision([{ revision: 2 }, { revision: 7 }, { revision: 5 }] as never)).toBe(8);
  });
});
