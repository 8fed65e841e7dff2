// kubeship.config.ts: both environments render a valid app with the right SSM paths, and the
// cluster, namespace and namespace creation can be overridden from the environment (the testbed
// and CodeBuild use that).
import type { AppSpec } from '@kubeship/manifests';
import { ssmReferences, validateApp } from '@kubeship/manifests';
import { afterEach, describe, expect, it, vi } from 'vitest';

const load = async () => {
  vi.resetModules();
  return (await import('../kubeship.config.ts')).default;
};
const appOf = (config: Awaited<ReturnType<typeof load>>, name: 'test' | 'prod', namespace = 'wordpress') =>
  config.app({ name, namespace, variables: {} }) as AppSpec;

describe('kubeship.config.ts', () => {
  afterEach(() => {
    vi.unstubAllEnvs();
  });

  it('deploys each environment to its own cluster, reading /wordpress/<env>/ from SSM', async () => {
    const config = await load();
    expect(config.environments.test).toMatchObject({
      cluster: { name: 'wordpress-test' },
      namespace: 'wordpress',
    });
    expect(config.environments.prod).toMatchObject({
      cluster: { name: 'wordpress-prod' },
      lockWaitSeconds: 600,
    });
    for (const name of ['test', 'prod'] as const) {
      const app = appOf(config, name);
      expect(() => validateApp(app, 'kubeship.config.ts')).not.toThrow();
      expect(ssmReferences(app).sort()).toEqual(
        ['DB_HOST', 'DB_PASSWORD', 'DB_USER', 'MEMCACHED_ENDPOINT'].map((p) => `/wordpress/${name}/${p}`),
      );
      expect(app).toMatchObject({
        ports: [{ containerPort: 8080 }],
        podSecurity: { runAsUser: 33 },
        service: { type: 'NodePort' },
        ingress: { alb: { groupName: `wordpress-${name}` } },
      });
    }
  });

  it('takes the cluster, namespace and namespace creation from the environment when set', async () => {
    vi.stubEnv('WORDPRESS_PROD_CLUSTER', 'kubeship-testbed');
    vi.stubEnv('WORDPRESS_PROD_NAMESPACE', 'wordpress-prod-1a2b3c');
    vi.stubEnv('WORDPRESS_CREATE_NAMESPACE', 'false');
    const config = await load();
    expect(config.environments.prod).toMatchObject({
      cluster: { name: 'kubeship-testbed' },
      namespace: 'wordpress-prod-1a2b3c',
    });
    expect(config.environments.test.cluster?.name).toBe('wordpress-test');
    expect(appOf(config, 'prod', 'wordpress-prod-1a2b3c')).toMatchObject({
      namespace: 'wordpress-prod-1a2b3c',
      createNamespace: false,
    });
  });
});
