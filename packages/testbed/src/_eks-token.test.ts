import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { canonicalPrincipalArn, type KnownCredentials, verifyEksToken } from './_eks-token.ts';

const golden = JSON.parse(
  readFileSync(new URL('../test/fixtures/golden-tokens.json', import.meta.url), 'utf8'),
) as {
  signedAt: string;
  clusterName: string;
  user: { region: string; credentials: KnownCredentials; token: string };
  session: { region: string; credentials: KnownCredentials; token: string };
};
const signedAt = new Date(golden.signedAt);
const at = (minutes: number) => new Date(signedAt.getTime() + minutes * 60_000);

function verify(
  token: string,
  overrides: { now?: Date; clusterName?: string; region?: string; known?: KnownCredentials[] } = {},
) {
  const known = overrides.known ?? [golden.user.credentials, golden.session.credentials];
  return verifyEksToken(token, {
    clusterName: overrides.clusterName ?? golden.clusterName,
    region: overrides.region ?? golden.user.region,
    now: overrides.now ?? at(1),
    lookup: (id) => known.find((c) => c.accessKeyId === id),
  });
}

/** Decodes the token's URL, lets `edit` change it, and encodes it again. */
function editUrl(token: string, edit: (url: URL) => void): string {
  const url = new URL(Buffer.from(token.slice('k8s-aws-v1.'.length), 'base64url').toString());
  edit(url);
  return `k8s-aws-v1.${Buffer.from(url.toString()).toString('base64url')}`;
}

describe('verifyEksToken (against tokens minted by awscli)', () => {
  it('accepts a valid token for the whole 15 minutes and maps the user', () => {
    for (const minutes of [0, 1, 14.9]) {
      expect(verify(golden.user.token, { now: at(minutes) })).toEqual({
        ok: true,
        identity: {
          arn: 'arn:aws:iam::123456789012:user/ci',
          canonicalArn: 'arn:aws:iam::123456789012:user/ci',
          accountId: '123456789012',
          accessKeyId: 'AKIAEXAMPLEKUBESHIP1',
        },
      });
    }
  });

  it('accepts a session-credential token and canonicalises the assumed-role ARN', () => {
    const verdict = verify(golden.session.token, { region: golden.session.region });
    expect(verdict).toMatchObject({
      ok: true,
      identity: { canonicalArn: 'arn:aws:iam::123456789012:role/deployer', sessionName: 'codebuild-42' },
    });
  });

  it.each([
    ['an expired token', () => verify(golden.user.token, { now: at(15.1) }), 'token expired'],
    [
      'a token from the future',
      () => verify(golden.user.token, { now: at(-6) }),
      'token is dated in the future',
    ],
    ['another cluster', () => verify(golden.user.token, { clusterName: 'other' }), 'signature mismatch'],
    [
      'another region',
      () => verify(golden.user.token, { region: 'eu-west-1' }),
      'STS host sts.us-east-1.amazonaws.com is not allowed',
    ],
    ['unknown credentials', () => verify(golden.user.token, { known: [] }), 'unknown access key'],
    ['a missing prefix', () => verify(golden.user.token.slice(3)), 'token does not start with k8s-aws-v1.'],
    [
      'a changed signature digit',
      () =>
        verify(
          editUrl(golden.user.token, (u) => {
            const signature = u.searchParams.get('X-Amz-Signature') ?? '';
            u.searchParams.set(
              'X-Amz-Signature',
              `${signature.slice(0, -1)}${signature.endsWith('0') ? '1' : '0'}`,
            );
          }),
        ),
      'signature mismatch',
    ],
    [
      'no signed cluster header',
      () => verify(editUrl(golden.user.token, (u) => u.searchParams.set('X-Amz-SignedHeaders', 'host'))),
      'x-k8s-aws-id is not a signed header',
    ],
    [
      'an unknown signed header',
      () =>
        verify(
          editUrl(golden.user.token, (u) =>
            u.searchParams.set('X-Amz-SignedHeaders', 'host;x-k8s-aws-id;x-evil'),
          ),
        ),
      'signed header x-evil cannot be verified',
    ],
    [
      'another action',
      () => verify(editUrl(golden.user.token, (u) => u.searchParams.set('Action', 'AssumeRole'))),
      'action is not GetCallerIdentity',
    ],
    [
      'an extra query parameter',
      () => verify(editUrl(golden.user.token, (u) => u.searchParams.set('RoleArn', 'x'))),
      'query parameter RoleArn is not allowed',
    ],
    [
      'a long expiry',
      () => verify(editUrl(golden.user.token, (u) => u.searchParams.set('X-Amz-Expires', '3600'))),
      'X-Amz-Expires is not 1..900',
    ],
    [
      'another host',
      () => verify(editUrl(golden.user.token, (u) => (u.hostname = 'sts.evil.example'))),
      'STS host sts.evil.example is not allowed',
    ],
    [
      'http',
      () => verify(editUrl(golden.user.token, (u) => (u.protocol = 'http:'))),
      'presigned URL is not https',
    ],
    [
      'a dropped session token',
      () =>
        verify(
          editUrl(golden.session.token, (u) => u.searchParams.delete('X-Amz-Security-Token')),
          { region: golden.session.region },
        ),
      'security token does not match the credentials',
    ],
  ])('rejects %s', (_, run, reason) => {
    expect(run()).toEqual({ ok: false, reason });
  });
});

describe('verifyEksToken on raw token bytes', () => {
  it('rejects the token with any single byte changed', () => {
    const token = golden.user.token;
    // every position from the prefix to the last full base64 group (the final character may carry padding bits)
    for (let i = 0; i < token.length - 1; i += 7) {
      const changed = token.slice(0, i) + (token[i] === 'A' ? 'B' : 'A') + token.slice(i + 1);
      expect(verify(changed).ok, `byte ${i}`).toBe(false);
    }
  });
});

describe('canonicalPrincipalArn', () => {
  it('turns assumed-role ARNs into role ARNs and leaves others alone', () => {
    expect(canonicalPrincipalArn('arn:aws:sts::111122223333:assumed-role/Deploy/s-1')).toEqual({
      canonicalArn: 'arn:aws:iam::111122223333:role/Deploy',
      accountId: '111122223333',
      sessionName: 's-1',
    });
    expect(canonicalPrincipalArn('arn:aws:iam::111122223333:role/Deploy').canonicalArn).toBe(
      'arn:aws:iam::111122223333:role/Deploy',
    );
  });
});
