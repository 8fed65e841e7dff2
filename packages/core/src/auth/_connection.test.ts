import { delimiter } from 'node:path';
import { fileURLToPath } from 'node:url';
import { inspect } from 'node:util';
import { HttpMethod, RequestContext } from '@kubernetes/client-node';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { SecretValue } from '../_secret-value.ts';
import { clusterConnection, connectWithKubeconfig, eksKubeConfig } from './_connection.ts';
import type { TokenSource } from './_token-source.ts';

const fixture = (name: string) => fileURLToPath(new URL(`../../test/fixtures/auth/${name}`, import.meta.url));

afterEach(() => {
  vi.unstubAllEnvs();
});

/** A token source whose current token the test sets. */
function settableTokens(): TokenSource & { set(value: string): void; calls: number } {
  let value = 'k8s-aws-v1.first';
  return {
    calls: 0,
    set(next: string) {
      value = next;
    },
    async current() {
      this.calls += 1;
      return new SecretValue(value);
    },
  };
}

describe('eksKubeConfig', () => {
  const options = (tokens: TokenSource) => ({
    clusterName: 'prod',
    server: 'https://abc.eks.amazonaws.com',
    caData: Buffer.from('ca').toString('base64'),
    tokens,
  });

  it('asks the token source on every request of API clients, Watch and Log (applySecurityAuthentication)', async () => {
    const tokens = settableTokens();
    const kubeConfig = await eksKubeConfig(options(tokens));
    const authorization = async () => {
      const context = new RequestContext('https://abc.eks.amazonaws.com/api', HttpMethod.GET);
      await kubeConfig.applySecurityAuthentication(context);
      return context.getHeaders().Authorization;
    };
    expect(await authorization()).toBe('Bearer k8s-aws-v1.first');
    tokens.set('k8s-aws-v1.second');
    expect(await authorization()).toBe('Bearer k8s-aws-v1.second');
    expect(tokens.calls).toBe(2);
  });

  it('also authenticates WebSocket and https.request users (applyToHTTPSOptions)', async () => {
    const tokens = settableTokens();
    const kubeConfig = await eksKubeConfig(options(tokens));
    const opts: { headers?: Record<string, string> } = { headers: { 'X-Other': 'kept' } };
    await kubeConfig.applyToHTTPSOptions(opts);
    expect(opts.headers).toEqual({ 'X-Other': 'kept', Authorization: 'Bearer k8s-aws-v1.first' });
  });

  it('keeps no token in the KubeConfig, its export or the printed connection', async () => {
    const tokens = settableTokens();
    const kubeConfig = await eksKubeConfig(options(tokens));
    await kubeConfig.applyToHTTPSOptions({});
    const connection = clusterConnection({
      kubeConfig,
      server: 'https://abc.eks.amazonaws.com',
      principal: 'arn:aws:iam::1:user/ci',
      description: 'EKS cluster prod (us-east-1) as arn:aws:iam::1:user/ci',
    });
    const printed = [
      inspect(kubeConfig, { depth: Infinity }),
      kubeConfig.exportConfig(),
      inspect(connection, { depth: Infinity }),
      JSON.stringify(connection),
      String(connection),
    ].join('\n');
    expect(printed).not.toContain('k8s-aws-v1');
    expect(inspect(connection)).toBe(
      'ClusterConnection { EKS cluster prod (us-east-1) as arn:aws:iam::1:user/ci }',
    );
    expect(Object.keys(connection)).toEqual(['server', 'principal', 'description']);
    expect(connection.kubeConfig).toBe(kubeConfig);
  });
});

describe('connectWithKubeconfig', () => {
  it('uses the named context, not the current one', async () => {
    const connection = await connectWithKubeconfig({
      kubeconfig: fixture('two-clusters.kubeconfig'),
      context: 'prod-admin',
    });
    expect(connection.server).toBe('https://prod.example.test');
    expect(connection.kubeConfig.getCurrentContext()).toBe('prod-admin');
    expect(connection.principal).toBe('kubeconfig user "admin"');
    expect(connection.description).toBe(
      'kubeconfig context prod-admin (https://prod.example.test) as kubeconfig user "admin"',
    );
    const printed = `${inspect(connection, { depth: Infinity })}${JSON.stringify(connection)}`;
    expect(printed).not.toContain('Zml4dHVyZS1rZXktZG8tbm90LXByaW50');
  });

  it('names the available contexts when the context is unknown', async () => {
    await expect(
      connectWithKubeconfig({ kubeconfig: fixture('two-clusters.kubeconfig'), context: 'production' }),
    ).rejects.toMatchObject({
      code: 'INVALID_INPUT',
      message: expect.stringContaining('available contexts: "staging", "prod-admin", "dangling"'),
      details: { availableContexts: ['staging', 'prod-admin', 'dangling'] },
    });
  });

  it('rejects a context whose cluster is missing, an empty context, a missing or malformed file', async () => {
    await expect(
      connectWithKubeconfig({ kubeconfig: fixture('two-clusters.kubeconfig'), context: 'dangling' }),
    ).rejects.toMatchObject({
      code: 'INVALID_INPUT',
      message: expect.stringContaining('refers to a cluster that is not defined'),
    });
    await expect(
      connectWithKubeconfig({ kubeconfig: fixture('two-clusters.kubeconfig'), context: '' }),
    ).rejects.toMatchObject({
      code: 'INVALID_INPUT',
    });
    await expect(
      connectWithKubeconfig({ kubeconfig: fixture('absent.kubeconfig'), context: 'x' }),
    ).rejects.toMatchObject({
      code: 'INVALID_INPUT',
      message: expect.stringContaining('does not exist'),
    });
    await expect(
      connectWithKubeconfig({ kubeconfig: fixture('malformed.kubeconfig'), context: 'x' }),
    ).rejects.toMatchObject({
      code: 'INVALID_INPUT',
      message: expect.stringContaining('cannot read kubeconfig'),
    });
  });

  it('merges the files of $KUBECONFIG, skipping missing ones, and falls back to ~/.kube/config', async () => {
    vi.stubEnv(
      'KUBECONFIG',
      [fixture('absent'), fixture('two-clusters.kubeconfig'), fixture('extra.kubeconfig')].join(delimiter),
    );
    expect((await connectWithKubeconfig({ context: 'kind' })).server).toBe('https://127.0.0.1:6443');
    expect((await connectWithKubeconfig({ context: 'staging' })).server).toBe(
      'https://staging.example.test:6443',
    );

    vi.stubEnv('KUBECONFIG', '');
    vi.stubEnv('HOME', fileURLToPath(new URL('../../test/fixtures/auth/no-home', import.meta.url)));
    await expect(connectWithKubeconfig({ context: 'kind' })).rejects.toMatchObject({
      code: 'INVALID_INPUT',
      message: expect.stringMatching(/no-home\/\.kube\/config does not exist/),
    });
  });
});
