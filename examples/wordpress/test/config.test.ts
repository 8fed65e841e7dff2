// kubeship.config.ts: both environments render a valid app with the right SSM paths, HTTPS only
// and reachable from the configured CIDRs only, and the cluster, namespace and namespace creation
// can be overridden from the environment (the testbed and CodeBuild use that).
import type { AppSpec } from '@kubeship/manifests';
import { render, ssmReferences, validateApp } from '@kubeship/manifests';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';

const CERTIFICATE = 'arn:aws:acm:eu-west-1:123456789012:certificate/0f1e2d3c-aaaa-bbbb-cccc-000000000001';

const load = async () => {
  vi.resetModules();
  return (await import('../kubeship.config.ts')).default;
};
const appOf = (config: Awaited<ReturnType<typeof load>>, name: 'test' | 'prod', namespace = 'wordpress') =>
  config.app({ name, namespace, variables: {} }) as AppSpec;

describe('kubeship.config.ts', () => {
  beforeEach(() => {
    vi.stubEnv('WORDPRESS_CERTIFICATE_ARN', CERTIFICATE);
    vi.stubEnv('WORDPRESS_INBOUND_CIDRS', '203.0.113.0/24, 198.51.100.7/32');
  });
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
        ['DB_HOST', 'DB_PASSWORD', 'DB_USER', 'INSTALL_KEY', 'MEMCACHED_ENDPOINT'].map(
          (p) => `/wordpress/${name}/${p}`,
        ),
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

  it('serves HTTPS only (80 redirects to 443) and admits only WORDPRESS_INBOUND_CIDRS', async () => {
    const config = await load();
    const ingress = render(appOf(config, 'prod'), {
      ssmBinding: (name) => ({
        kind: 'Secret',
        name: 'wordpress-secrets',
        key: name.split('/').pop() as string,
      }),
    }).find((o) => o.kind === 'Ingress');
    expect(ingress?.metadata.annotations).toMatchObject({
      'alb.ingress.kubernetes.io/scheme': 'internet-facing',
      'alb.ingress.kubernetes.io/listen-ports': '[{"HTTP":80},{"HTTPS":443}]',
      'alb.ingress.kubernetes.io/certificate-arn': CERTIFICATE,
      'alb.ingress.kubernetes.io/ssl-redirect': '443',
      'alb.ingress.kubernetes.io/ssl-policy': 'ELBSecurityPolicy-TLS13-1-2-2021-06',
      'alb.ingress.kubernetes.io/inbound-cidrs': '203.0.113.0/24,198.51.100.7/32',
    });
  });

  it('refuses to render without a certificate or without the inbound CIDRs', async () => {
    const awaitedConfig = await load();
    vi.stubEnv('WORDPRESS_CERTIFICATE_ARN', '');
    expect(() => appOf(awaitedConfig, 'test')).toThrow(/WORDPRESS_CERTIFICATE_ARN is not set/);
    vi.stubEnv('WORDPRESS_CERTIFICATE_ARN', CERTIFICATE);
    vi.stubEnv('WORDPRESS_INBOUND_CIDRS', ' ');
    expect(() => appOf(awaitedConfig, 'test')).toThrow(/WORDPRESS_INBOUND_CIDRS is not set/);
  });
});
