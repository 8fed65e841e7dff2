import { beforeEach, describe, expect, it, vi } from 'vitest';
import { defaultCredentials, environmentCredentials } from './_default-credentials.ts';

// The SDK's chain, replaced: it would look in files, the container endpoint and IMDS.
const chain = vi.hoisted(() => ({ defaultProvider: vi.fn() }));
vi.mock('@aws-sdk/credential-provider-node', () => chain);

const FROM_CHAIN = { accessKeyId: 'ASIACHAIN', secretAccessKey: 'chain-secret', sessionToken: 'chain-token' };
const KEYS = { AWS_ACCESS_KEY_ID: 'AKIDEXAMPLE', AWS_SECRET_ACCESS_KEY: 'env-secret' };

beforeEach(() => {
  chain.defaultProvider.mockReset().mockReturnValue(async () => FROM_CHAIN);
});

describe('defaultCredentials', () => {
  it('answers with the static keys of the environment without loading the chain', async () => {
    const env = {
      ...KEYS,
      AWS_SESSION_TOKEN: 'env-token',
      AWS_CREDENTIAL_EXPIRATION: '2026-11-22T12:00:00Z',
    };
    expect(await defaultCredentials(env)()).toEqual({
      accessKeyId: 'AKIDEXAMPLE',
      secretAccessKey: 'env-secret',
      sessionToken: 'env-token',
      expiration: new Date('2026-11-22T12:00:00Z'),
    });
    expect(chain.defaultProvider).not.toHaveBeenCalled();
  });

  it.each([
    ['no keys', {}],
    ['only the access key id', { AWS_ACCESS_KEY_ID: 'AKIDEXAMPLE' }],
    ['keys and a profile (the chain prefers the profile)', { ...KEYS, AWS_PROFILE: 'deploy' }],
  ])('asks the SDK chain, created once, when the environment has %s', async (_, env) => {
    const provider = defaultCredentials(env);
    expect(await provider()).toEqual(FROM_CHAIN);
    expect(await provider()).toEqual(FROM_CHAIN);
    expect(chain.defaultProvider).toHaveBeenCalledTimes(1);
  });

  it('reads the environment at each call, as the chain does', async () => {
    const env: NodeJS.ProcessEnv = {};
    const provider = defaultCredentials(env);
    expect(await provider()).toEqual(FROM_CHAIN);
    Object.assign(env, KEYS);
    expect(await provider()).toEqual({ accessKeyId: 'AKIDEXAMPLE', secretAccessKey: 'env-secret' });
  });

  it('passes the chain failure on (no credentials anywhere)', async () => {
    const missing = Object.assign(new Error('Could not load credentials from any providers'), {
      name: 'CredentialsProviderError',
    });
    chain.defaultProvider.mockReturnValue(async () => Promise.reject(missing));
    await expect(defaultCredentials({})()).rejects.toBe(missing);
  });
});

describe('environmentCredentials', () => {
  it('leaves out an empty session token and expiration', () => {
    expect(environmentCredentials({ ...KEYS, AWS_SESSION_TOKEN: '', AWS_CREDENTIAL_EXPIRATION: '' })).toEqual(
      {
        accessKeyId: 'AKIDEXAMPLE',
        secretAccessKey: 'env-secret',
      },
    );
  });
});
