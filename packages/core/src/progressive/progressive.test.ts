import type { KubeObject } from '@kubeship/manifests';
import { describe, expect, it } from 'vitest';
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
