import { describe, expect, it } from 'vitest';
import { describeChange, objectId, planChanges } from './plan.ts';

const deployment = (image: string, replicas = 3) => ({
  apiVersion: 'apps/v1',
  kind: 'Deployment',
  metadata: { name: 'web', namespace: 'app', labels: { app: 'web' } },
  spec: {
    replicas,
    template: { spec: { containers: [{ name: 'web', image, resources: { requests: { cpu: '100m' } } }] } },
  },
});

describe('planChanges', () => {
  it('creates what is missing, updates what differs, leaves the rest', () => {
    const live = new Map<string, unknown>([
      [
        'Deployment app/web',
        {
          ...deployment('web:1'),
          metadata: { ...deployment('web:1').metadata, resourceVersion: '42', uid: 'u' },
          status: { replicas: 3 },
        },
      ],
      [
        'ConfigMap app/same',
        {
          apiVersion: 'v1',
          kind: 'ConfigMap',
          metadata: { name: 'same', namespace: 'app' },
          data: { A: '1' },
        },
      ],
    ]);
    const plan = planChanges(
      [
        deployment('web:2'),
        {
          apiVersion: 'v1',
          kind: 'ConfigMap',
          metadata: { name: 'same', namespace: 'app' },
          data: { A: '1' },
        },
        { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'app' } },
      ],
      live,
    );
    expect(plan.map((p) => [p.id, p.action])).toEqual([
      ['Deployment app/web', 'update'],
      ['ConfigMap app/same', 'unchanged'],
      ['Namespace app', 'create'],
    ]);
    expect(plan[0]?.changes.map(describeChange)).toEqual([
      'spec.template.spec.containers[web].image: "web:1" -> "web:2"',
    ]);
  });

  it('ignores server defaults and normalised quantities', () => {
    const live = deployment('web:1');
    const withDefaults = {
      ...live,
      spec: {
        ...live.spec,
        revisionHistoryLimit: 10,
        template: {
          spec: {
            containers: [
              {
                name: 'web',
                image: 'web:1',
                imagePullPolicy: 'IfNotPresent',
                resources: { requests: { cpu: '100m' } },
              },
            ],
          },
        },
      },
    };
    expect(
      planChanges([deployment('web:1')], new Map([['Deployment app/web', withDefaults]]))[0]?.action,
    ).toBe('unchanged');
    const numeric = { ...live, spec: { ...live.spec, replicas: '3' } };
    expect(planChanges([deployment('web:1')], new Map([['Deployment app/web', numeric]]))[0]?.action).toBe(
      'unchanged',
    );
  });

  it('never shows Secret values, only which keys change', () => {
    const secret = (data: Record<string, string>) => ({
      apiVersion: 'v1',
      kind: 'Secret',
      metadata: { name: 's', namespace: 'app' },
      data,
    });
    const [change] = planChanges(
      [secret({ DB_PASSWORD: Buffer.from('new-pass').toString('base64'), NEW: 'eA==' })],
      new Map([['Secret app/s', secret({ DB_PASSWORD: Buffer.from('old-pass').toString('base64') })]]),
    );
    expect(change?.changes.map(describeChange)).toEqual([
      'data.DB_PASSWORD: "[redacted]" -> "[redacted]"',
      'data.NEW: (unset) -> "[redacted]"',
    ]);
    expect(JSON.stringify(change?.changes)).not.toMatch(/bmV3|b2xk|eA==/);
  });

  it('replaces a Job whose pod template changed; other Job fields and other kinds are updates', () => {
    const job = (image: string, backoffLimit = 0) => ({
      apiVersion: 'batch/v1',
      kind: 'Job',
      metadata: { name: 'migrate', namespace: 'shop' },
      spec: { backoffLimit, template: { spec: { containers: [{ name: 'migrate', image }] } } },
    });
    const live = new Map([['Job shop/migrate', job('migrate:1')]]);
    expect(planChanges([job('migrate:2')], live)[0]?.action).toBe('replace');
    expect(planChanges([job('migrate:1', 3)], live)[0]?.action).toBe('update');
    expect(planChanges([job('migrate:1')], live)[0]?.action).toBe('unchanged');
    const deployment = { ...job('web:2'), apiVersion: 'apps/v1', kind: 'Deployment' };
    expect(
      planChanges(
        [deployment],
        new Map([['Deployment shop/migrate', { ...job('web:1'), kind: 'Deployment' }]]),
      )[0]?.action,
    ).toBe('update');
  });

  it('names objects the way reports do', () => {
    expect(objectId({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'app' } })).toBe(
      'Namespace app',
    );
  });
});
