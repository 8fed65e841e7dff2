import { describe, expect, it } from 'vitest';
import type { KubeObject } from '../_kube-object.ts';
import { configReferences, injectEnvFrom } from './config-refs.ts';

const deployment = (name: string, containers: object[], volumes: object[] = []): KubeObject => ({
  apiVersion: 'apps/v1',
  kind: 'Deployment',
  metadata: { name },
  spec: {
    selector: { matchLabels: { app: name } },
    template: { metadata: { labels: { app: name } }, spec: { containers, volumes } },
  },
});

describe('configReferences', () => {
  it('finds env, envFrom, volume and projected references, sorted and once each', () => {
    const object = deployment(
      'web',
      [
        {
          name: 'web',
          image: 'web:1',
          env: [
            { name: 'A', valueFrom: { configMapKeyRef: { name: 'settings', key: 'A' } } },
            { name: 'B', valueFrom: { secretKeyRef: { name: 'db', key: 'password' } } },
          ],
          envFrom: [{ configMapRef: { name: 'flags' } }, { secretRef: { name: 'db' } }],
        },
      ],
      [
        { name: 'files', configMap: { name: 'aardvark' } },
        { name: 'tls', secret: { secretName: 'tls' } },
        {
          name: 'all',
          projected: { sources: [{ configMap: { name: 'zeta' } }, { secret: { name: 'keys' } }] },
        },
      ],
    );
    expect(configReferences(object)).toEqual({
      configMaps: ['aardvark', 'flags', 'settings', 'zeta'],
      secrets: ['db', 'keys', 'tls'],
    });
  });

  it('reads the pod template of a CronJob and nothing of kinds without pods', () => {
    const cronJob: KubeObject = {
      apiVersion: 'batch/v1',
      kind: 'CronJob',
      metadata: { name: 'nightly' },
      spec: {
        jobTemplate: {
          spec: {
            template: { spec: { containers: [{ name: 'c', envFrom: [{ secretRef: { name: 's' } }] }] } },
          },
        },
      },
    };
    expect(configReferences(cronJob)).toEqual({ configMaps: [], secrets: ['s'] });
    expect(configReferences({ apiVersion: 'v1', kind: 'Service', metadata: { name: 'web' } })).toEqual({
      configMaps: [],
      secrets: [],
    });
  });
});

describe('injectEnvFrom', () => {
  const config = { configMap: 'web-config', secret: 'web-secrets' };

  it('wires both objects into the containers running the repository, not into sidecars', () => {
    const input = deployment('web', [
      { name: 'web', image: 'registry.local/web:1', envFrom: [{ configMapRef: { name: 'own' } }] },
      { name: 'proxy', image: 'envoy:1' },
    ]);
    const { objects, injected } = injectEnvFrom([input], config, { repository: 'registry.local/web' });
    expect(injected).toEqual(['Deployment/web web']);
    const [web, proxy] = envFromOfContainers(objects[0]);
    expect(web).toEqual([
      { configMapRef: { name: 'own' } },
      { configMapRef: { name: 'web-config' } },
      { secretRef: { name: 'web-secrets' } },
    ]);
    expect(proxy).toBeUndefined();
    expect(envFromOfContainers(input)[0]).toEqual([{ configMapRef: { name: 'own' } }]);
  });

  it('leaves an object alone where the container or its pod already reads it', () => {
    const input = deployment(
      'web',
      [
        {
          name: 'web',
          image: 'web:2',
          env: [{ name: 'P', valueFrom: { secretKeyRef: { name: 'web-secrets', key: 'P' } } }],
        },
      ],
      [{ name: 'cfg', configMap: { name: 'web-config' } }],
    );
    const { objects, injected } = injectEnvFrom([input], config, { repository: 'docker.io/library/web' });
    expect(injected).toEqual([]);
    expect(objects[0]).toEqual(input);
  });

  it('names containers explicitly, or takes every container of the workload named like the app', () => {
    const worker = deployment('worker', [{ name: 'jobs', image: 'other:1' }]);
    const web = deployment('web', [{ name: 'web', image: 'web:1' }]);
    expect(injectEnvFrom([worker, web], { configMap: 'c' }, { containers: ['jobs'] }).injected).toEqual([
      'Deployment/worker jobs',
    ]);
    expect(injectEnvFrom([worker, web], { secret: 's' }, { workload: 'web' }).injected).toEqual([
      'Deployment/web web',
    ]);
  });
});

type WithContainers = { template: { spec: { containers: Array<{ envFrom?: unknown }> } } };
function envFromOfContainers(object: KubeObject | undefined): unknown[] {
  return (object as KubeObject & { spec: WithContainers }).spec.template.spec.containers.map(
    (c) => c.envFrom,
  );
}
