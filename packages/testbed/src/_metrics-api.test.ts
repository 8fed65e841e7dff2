import type { V1Pod } from '@kubernetes/client-node';
import { describe, expect, it } from 'vitest';
import { matchesSelector } from './_label-selector.ts';
import { metricsAnswer } from './_metrics-api.ts';

const pod = (name: string, labels: Record<string, string>, running: boolean, annotations = {}): V1Pod => ({
  metadata: { name, namespace: 'shop', labels, annotations },
  spec: {
    nodeName: 'kwok-node-0',
    containers: [{ name: 'web', image: 'web:1', resources: { requests: { cpu: '200m' } } }],
  },
  status: {
    containerStatuses: [
      {
        name: 'web',
        image: 'web:1',
        imageID: '',
        ready: running,
        restartCount: 0,
        state: running ? { running: {} } : { waiting: { reason: 'ContainerCreating' } },
      },
    ],
  },
});
const NOW = '2026-12-01T10:00:00Z';
const query = (selector?: string) => new URLSearchParams(selector ? { labelSelector: selector } : {});

describe('the testbed metrics API', () => {
  const pods = [
    pod('web-1', { app: 'web' }, true),
    pod('web-2', { app: 'web' }, true, { 'metrics.testbed.kubeship.dev/cpu': '180m' }),
    pod('web-3', { app: 'web' }, false),
    pod('db-1', { app: 'db' }, true),
  ];

  it('lists the running pods the HPA selects, with their usage and a sample window', () => {
    const answer = metricsAnswer(
      '/apis/metrics.k8s.io/v1beta1/namespaces/shop/pods',
      query('app=web'),
      pods,
      NOW,
    );
    expect(answer.status).toBe(200);
    const body = answer.body as {
      kind: string;
      items: Array<{ metadata: { name: string }; timestamp: string; window: string; containers: unknown[] }>;
    };
    expect(body.kind).toBe('PodMetricsList');
    expect(body.items.map((i) => [i.metadata.name, i.containers])).toEqual([
      ['web-1', [{ name: 'web', usage: { cpu: '20000000n', memory: '16Mi' } }]],
      ['web-2', [{ name: 'web', usage: { cpu: '180m', memory: '16Mi' } }]],
    ]);
    expect(body.items[0]).toMatchObject({ timestamp: NOW, window: '1s' });
  });

  it('answers discovery, one pod, node metrics, and 404 for what it does not serve', () => {
    expect(metricsAnswer('/apis/metrics.k8s.io/v1beta1', query(), pods, NOW).body).toMatchObject({
      kind: 'APIResourceList',
      groupVersion: 'metrics.k8s.io/v1beta1',
    });
    expect(
      metricsAnswer('/apis/metrics.k8s.io/v1beta1/namespaces/shop/pods/db-1', query(), pods, NOW).body,
    ).toMatchObject({
      kind: 'PodMetrics',
      metadata: { name: 'db-1' },
    });
    expect(
      metricsAnswer('/apis/metrics.k8s.io/v1beta1/nodes/kwok-node-0', query(), pods, NOW).body,
    ).toMatchObject({
      kind: 'NodeMetrics',
      usage: { cpu: '220000000n' },
    });
    expect(
      metricsAnswer('/apis/metrics.k8s.io/v1beta1/namespaces/shop/pods/web-3', query(), pods, NOW).status,
    ).toBe(404);
    expect(metricsAnswer('/apis/other', query(), pods, NOW).status).toBe(404);
  });
});

describe('label selectors', () => {
  it.each([
    ['app=web', true],
    ['app==web,tier!=db', true],
    ['app in (web, api)', true],
    ['app notin (web)', false],
    ['tier', false],
    ['!tier', true],
    ['', true],
    ['app=db', false],
  ])('%s', (selector, expected) => {
    expect(matchesSelector({ app: 'web' }, selector)).toBe(expected);
  });
});
