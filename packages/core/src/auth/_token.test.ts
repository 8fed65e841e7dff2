import { readFileSync } from 'node:fs';
import { inspect } from 'node:util';
import { describe, expect, it } from 'vitest';
import { mintEksToken, stsHost } from './_token.ts';

interface GoldenCase {
  region: string;
  credentials: { accessKeyId: string; secretAccessKey: string; sessionToken?: string; arn: string };
  token: string;
}
const golden = JSON.parse(
  readFileSync(new URL('../../../testbed/test/fixtures/golden-tokens.json', import.meta.url), 'utf8'),
) as { signedAt: string; clusterName: string; user: GoldenCase; session: GoldenCase };
const signedAt = Date.parse(golden.signedAt);

function decode(token: string): URL {
  return new URL(Buffer.from(token.slice('k8s-aws-v1.'.length), 'base64url').toString('utf8'));
}

describe('mintEksToken', () => {
  it.each([
    ['user keys in us-east-1', golden.user],
    ['session credentials in eu-west-1', golden.session],
  ])('mints the same bytes as awscli v1 for %s', async (_, example) => {
    const { arn: _arn, ...credentials } = example.credentials;
    // Milliseconds inside the second must not matter: X-Amz-Date has whole seconds.
    const minted = await mintEksToken({
      clusterName: golden.clusterName,
      region: example.region,
      credentials,
      now: () => signedAt + 734,
    });
    expect(minted.token.reveal()).toBe(example.token);
    expect(minted.signedAt.toISOString()).toBe('2026-11-22T12:00:00.000Z');
    expect(minted.expiresAt.toISOString()).toBe('2026-11-22T12:15:00.000Z');
  });

  it('signs the cluster header on the regional STS host, with a 60 s presign and the session token', async () => {
    const { arn: _arn, ...credentials } = golden.session.credentials;
    const minted = await mintEksToken({
      clusterName: 'prod',
      region: 'ap-southeast-2',
      credentials,
      now: () => signedAt,
    });
    const token = minted.token.reveal();
    expect(token).toMatch(/^k8s-aws-v1\.[A-Za-z0-9_-]+$/);
    const url = decode(token);
    expect(url.origin).toBe('https://sts.ap-southeast-2.amazonaws.com');
    expect(url.pathname).toBe('/');
    expect(url.searchParams.get('Action')).toBe('GetCallerIdentity');
    expect(url.searchParams.get('Version')).toBe('2011-06-15');
    expect(url.searchParams.get('X-Amz-Expires')).toBe('60');
    expect(url.searchParams.get('X-Amz-SignedHeaders')).toBe('host;x-k8s-aws-id');
    expect(url.searchParams.get('X-Amz-Security-Token')).toBe(credentials.sessionToken);
  });

  it('ignores endpoint overrides from the environment and leaves out the security token for user keys', async () => {
    const saved = process.env.AWS_ENDPOINT_URL;
    process.env.AWS_ENDPOINT_URL = 'http://127.0.0.1:1';
    try {
      const { arn: _arn, ...credentials } = golden.user.credentials;
      const url = decode(
        (await mintEksToken({ clusterName: 'c', region: 'eu-central-1', credentials })).token.reveal(),
      );
      expect(url.host).toBe('sts.eu-central-1.amazonaws.com');
      expect(url.searchParams.has('X-Amz-Security-Token')).toBe(false);
    } finally {
      if (saved === undefined) delete process.env.AWS_ENDPOINT_URL;
      else process.env.AWS_ENDPOINT_URL = saved;
    }
  });

  it('uses the China partition host for cn- regions', () => {
    expect(stsHost('cn-north-1')).toBe('sts.cn-north-1.amazonaws.com.cn');
    expect(stsHost('us-gov-west-1')).toBe('sts.us-gov-west-1.amazonaws.com');
  });

  it('never prints the token', async () => {
    const { arn: _arn, ...credentials } = golden.session.credentials;
    const minted = await mintEksToken({ clusterName: 'c', region: 'eu-west-1', credentials });
    const printed = [inspect(minted, { depth: Infinity }), JSON.stringify(minted), `${minted.token}`].join(
      '\n',
    );
    expect(printed).not.toContain('k8s-aws-v1');
    expect(printed).toContain('[redacted]');
  });

  it('rejects a malformed cluster name or region before signing', async () => {
    const credentials = { accessKeyId: 'AKIA', secretAccessKey: 's' };
    await expect(
      mintEksToken({ clusterName: 'a b', region: 'us-east-1', credentials }),
    ).rejects.toMatchObject({
      code: 'INVALID_INPUT',
    });
    await expect(mintEksToken({ clusterName: 'a', region: 'mars', credentials })).rejects.toMatchObject({
      code: 'INVALID_INPUT',
    });
  });
});
