import type { KubeObject } from '@kubeship/manifests';
import { describe, expect, it } from 'vitest';
import { canaryService, weightedIngress } from './alb.ts';
import { greenDeployment, switchedService } from './blue-green.ts';
import { canaryDeployment } from './canary.ts';
import { canaryPreset, canaryReplicas, checkCanarySteps } from './presets.ts';

describe('canary presets', () => {
  it('expands CodeDeploy names to steps; promotion is never a step', () => {
    expect(canaryPreset('Canary10Percent5Minutes')).toEqual([{ percent: 10, bakeMs: 300_000 }]);
    expect(canaryPreset('Linear25PercentEvery1Minute')).toEqual([
      { percent: 25, bakeMs: 60_000 },
      { percent: 50, bakeMs: 60_000 },
      { percent: 75, bakeMs: 60_000 },
    ]);
    expect(canaryPreset('Linear10PercentEvery3Minutes')).toHaveLength(9);
  });

  it.each(['AllAtOnce', 'Canary0Percent5Minutes', 'Canary10Percent0Minutes', 'Linear10PercentEvery'])(
    'refuses %s, naming the forms it knows',
    (name) => {
      expect(() => canaryPreset(name)).toThrow(/unknown canary preset .*Canary10Percent5Minutes/);
    },
  );

  it('checks explicit steps', () => {
    expect(() => checkCanarySteps([])).toThrow(/at least one step/);
    expect(() =>
      checkCanarySteps([
        { percent: 50, bakeMs: 0 },
        { percent: 10, bakeMs: 0 },
      ]),
    ).toThrow(/canary step 2: percentages must grow/);
    expect(() => checkCanarySteps([{ percent: 150, bakeMs: 0 }])).toThrow(
      /step 1: percent must be .* not 150/,
    );
    expect(() =>
      checkCanarySteps([
        { percent: 10, bakeMs: 1 },
        { percent: 100, bakeMs: 0 },
      ]),
    ).not.toThrow();
  });

  it('sizes the canary as a share of stable, rounded up, at least one pod', () => {
    expect([
      canaryReplicas(4, 10),
      canaryReplicas(4, 50),
      canaryReplicas(4, 100),
      canaryReplicas(0, 10),
    ]).toEqual([1, 2, 4, 1]);
  });
});

describe('canaryDeployment', () => {
  it('keeps the pod labels the Service selects, adds the track to its own selector', () => {
    const web: KubeObject = {
      apiVersion: 'apps/v1',
      kind: 'Deployment',
      metadata: { name: 'web', namespace: 'shop', labels: { team: 'a' } },
      spec: {
        replicas: 6,
        selector: { matchLabels: { app: 'web' } },
        template: {
          metadata: { labels: { app: 'web' } },
          spec: { containers: [{ name: 'web', image: 'web:2' }] },
        },
      },
    };
    const canary = canaryDeployment(web, 2);
    expect(canary.metadata).toMatchObject({ name: 'web-canary', namespace: 'shop', labels: { team: 'a' } });
    expect(canary.spec).toMatchObject({
      replicas: 2,
      selector: { matchLabels: { app: 'web', 'kubeship.dev/track': 'canary' } },
      template: { metadata: { labels: { app: 'web', 'kubeship.dev/track': 'canary' } } },
    });
    expect(web.spec).toMatchObject({ replicas: 6, selector: { matchLabels: { app: 'web' } } });
  });
});

describe('ALB weighted canary', () => {
  const service: KubeObject = {
    apiVersion: 'v1',
    kind: 'Service',
    metadata: { name: 'web', namespace: 'shop' },
    spec: { clusterIP: '10.0.0.7', selector: { app: 'web' }, ports: [{ name: 'http', port: 80 }] },
  };
  const ingress: KubeObject = {
    apiVersion: 'networking.k8s.io/v1',
    kind: 'Ingress',
    metadata: {
      name: 'web',
      namespace: 'shop',
      annotations: { 'alb.ingress.kubernetes.io/scheme': 'internal' },
    },
    spec: {
      rules: [
        {
          http: {
            paths: [
              { path: '/', backend: { service: { name: 'web', port: { name: 'http' } } } },
              { path: '/static', backend: { service: { name: 'cdn', port: { number: 80 } } } },
            ],
          },
        },
      ],
    },
  };

  it('sends the Service backends through a forward action with the step weights; other backends stay', () => {
    const weighted = weightedIngress(ingress, 'web', 25);
    expect(weighted.metadata.annotations).toMatchObject({ 'alb.ingress.kubernetes.io/scheme': 'internal' });
    expect(
      JSON.parse(weighted.metadata.annotations?.['alb.ingress.kubernetes.io/actions.web-weighted'] ?? ''),
    ).toEqual({
      type: 'forward',
      forwardConfig: {
        targetGroups: [
          { serviceName: 'web', servicePort: 'http', weight: 75 },
          { serviceName: 'web-canary', servicePort: 'http', weight: 25 },
        ],
      },
    });
    const paths = (weighted.spec as { rules: Array<{ http: { paths: Array<{ backend: unknown }> } }> })
      .rules[0]?.http.paths;
    expect(paths?.map((p) => p.backend)).toEqual([
      { service: { name: 'web-weighted', port: { name: 'use-annotation' } } },
      { service: { name: 'cdn', port: { number: 80 } } },
    ]);
  });

  it('keeps canary pods out of the stable Service and gives them a Service of their own', () => {
    const web: KubeObject = {
      apiVersion: 'apps/v1',
      kind: 'Deployment',
      metadata: { name: 'web', namespace: 'shop' },
      spec: {
        selector: { matchLabels: { app: 'web' } },
        template: { metadata: { labels: { app: 'web', tier: 'front' } }, spec: { containers: [] } },
      },
    };
    const canary = canaryDeployment(web, 1, { apartFrom: { app: 'web' } });
    const selector = { 'kubeship.dev/track': 'canary', 'kubeship.dev/canary-of': 'web' };
    expect(canary.spec).toMatchObject({
      selector: { matchLabels: selector },
      template: { metadata: { labels: { tier: 'front', ...selector } } },
    });
    expect(
      (canary.spec as { template: { metadata: { labels: object } } }).template.metadata.labels,
    ).not.toHaveProperty('app');
    const own = canaryService(service, selector);
    expect(own.metadata.name).toBe('web-canary');
    expect(own.spec).toEqual({ selector, ports: [{ name: 'http', port: 80 }] });
  });
});

describe('blue/green', () => {
  it('green runs at the stable size outside the Service, which is switched by selector', () => {
    const web: KubeObject = {
      apiVersion: 'apps/v1',
      kind: 'Deployment',
      metadata: { name: 'web', namespace: 'shop' },
      spec: {
        selector: { matchLabels: { app: 'web' } },
        template: { metadata: { labels: { app: 'web' } }, spec: { containers: [] } },
      },
    };
    const service: KubeObject = {
      apiVersion: 'v1',
      kind: 'Service',
      metadata: { name: 'web', namespace: 'shop' },
      spec: { selector: { app: 'web' }, ports: [{ port: 80 }] },
    };
    const green = greenDeployment({ desired: web, stableReplicas: 3, service });
    const selector = { 'kubeship.dev/track': 'green', 'kubeship.dev/canary-of': 'web' };
    expect(green.metadata.name).toBe('web-green');
    expect(green.spec).toMatchObject({ replicas: 3, selector: { matchLabels: selector } });
    expect(switchedService(service, selector).spec).toEqual({ selector, ports: [{ port: 80 }] });
    expect(service.spec).toEqual({ selector: { app: 'web' }, ports: [{ port: 80 }] });
  });
});
