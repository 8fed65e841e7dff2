import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import {
  defaultCredentials,
  environmentCredentials,
  onlyTheContainerAnswers,
} from './_default-credentials.ts';

// The SDK's chain, replaced: it would look in files, the container endpoint and IMDS.
const chain = vi.hoisted(() => ({ defaultProvider: vi.fn() }));
vi.mock('@aws-sdk/credential-provider-node', () => chain);

const FROM_CHAIN = { accessKeyId: 'ASIACHAIN', secretAccessKey: 'chain-secret', sessionToken: 'chain-token' };
const KEYS = { AWS_ACCESS_KEY_ID: 'AKIDEXAMPLE', AWS_SECRET_ACCESS_KEY: 'env-secret' };

beforeEach(() => {
  chain.defaultProvider.mockReset().mockReturnValue(async () => FROM_CHAIN);
});

const servers: Server[] = [];
afterEach(async () => {
  for (const server of servers.splice(0)) await new Promise((resolve) => server.close(resolve));
});

/** A loopback container credentials endpoint answering `status` (200: credentials expiring in `validMs`). */
async function containerEndpointServer(status = 200, validMs = 3_600_000) {
  const asked: Array<string | undefined> = [];
  const server = createServer((request, response) => {
    asked.push(request.headers.authorization);
    response.writeHead(status, { 'content-type': 'application/json' });
    response.end(
      JSON.stringify({
        AccessKeyId: 'ASIACONTAINER',
        SecretAccessKey: 'container-secret',
        Token: 'container-token',
        Expiration: new Date(Date.now() + validMs).toISOString(),
      }),
    );
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  servers.push(server);
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/v2/credentials/build`, asked };
}

/** A CodeBuild container's environment: its endpoint, and no shared file where the chain looks. */
function codeBuild(extra: NodeJS.ProcessEnv = {}): NodeJS.ProcessEnv {
  const home = mkdtempSync(join(tmpdir(), 'kubeship-home-'));
  return { HOME: home, AWS_CONTAINER_CREDENTIALS_RELATIVE_URI: '/v2/credentials/abc', ...extra };
}

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

describe('defaultCredentials in a CodeBuild or ECS container', () => {
  it("asks the container's endpoint (not the chain), once while its answer is fresh", async () => {
    const endpoint = await containerEndpointServer();
    const provider = defaultCredentials(
      codeBuild({
        AWS_CONTAINER_CREDENTIALS_RELATIVE_URI: '',
        AWS_CONTAINER_CREDENTIALS_FULL_URI: endpoint.url,
      }),
    );
    const credentials = await provider();
    expect(credentials).toMatchObject({
      accessKeyId: 'ASIACONTAINER',
      secretAccessKey: 'container-secret',
      sessionToken: 'container-token',
    });
    expect(await provider()).toBe(credentials);
    expect(endpoint.asked).toHaveLength(1);
    expect(chain.defaultProvider).not.toHaveBeenCalled();
  });

  it('asks the endpoint again when its answer is within 5 minutes of expiring', async () => {
    const endpoint = await containerEndpointServer(200, 60_000);
    const provider = defaultCredentials(
      codeBuild({
        AWS_CONTAINER_CREDENTIALS_FULL_URI: endpoint.url,
        AWS_CONTAINER_CREDENTIALS_RELATIVE_URI: '',
      }),
    );
    await provider();
    await provider();
    expect(endpoint.asked).toHaveLength(2);
  });

  it('falls back to the whole chain when the endpoint fails', async () => {
    const endpoint = await containerEndpointServer(500);
    const env = codeBuild({
      AWS_CONTAINER_CREDENTIALS_FULL_URI: endpoint.url,
      AWS_CONTAINER_CREDENTIALS_RELATIVE_URI: '',
    });
    expect(await defaultCredentials(env)()).toEqual(FROM_CHAIN);
    expect(endpoint.asked).toHaveLength(1);
  });

  it.each([
    ['a profile', { AWS_PROFILE: 'deploy' }],
    ['a web identity', { AWS_WEB_IDENTITY_TOKEN_FILE: '/var/run/token' }],
    [
      'a full URI on a host that is not local',
      {
        AWS_CONTAINER_CREDENTIALS_RELATIVE_URI: '',
        AWS_CONTAINER_CREDENTIALS_FULL_URI: 'http://198.51.100.7/creds',
      },
    ],
  ])('leaves the order to the chain when the environment names %s', async (_, extra) => {
    const endpoint = await containerEndpointServer();
    expect(
      await defaultCredentials(codeBuild({ AWS_CONTAINER_CREDENTIALS_FULL_URI: endpoint.url, ...extra }))(),
    ).toEqual(FROM_CHAIN);
    expect(endpoint.asked).toHaveLength(0);
  });

  it.each(['config', 'credentials'])(
    'leaves the order to the chain when a shared %s file has content (its profile comes first)',
    (name) => {
      const env = codeBuild();
      mkdirSync(join(env.HOME ?? '', '.aws'));
      writeFileSync(join(env.HOME ?? '', '.aws', name), '');
      expect(onlyTheContainerAnswers(env)).toBe(true);
      writeFileSync(join(env.HOME ?? '', '.aws', name), '[default]\n');
      expect(onlyTheContainerAnswers(env)).toBe(false);
    },
  );

  it('reads AWS_CONFIG_FILE and AWS_SHARED_CREDENTIALS_FILE where they point', () => {
    const file = join(mkdtempSync(join(tmpdir(), 'kubeship-aws-')), 'config');
    writeFileSync(file, '[default]\n');
    expect(onlyTheContainerAnswers(codeBuild({ AWS_CONFIG_FILE: file }))).toBe(false);
    expect(onlyTheContainerAnswers(codeBuild({ AWS_SHARED_CREDENTIALS_FILE: file }))).toBe(false);
    expect(onlyTheContainerAnswers(codeBuild({ AWS_CONFIG_FILE: '/dev/null' }))).toBe(true);
    expect(onlyTheContainerAnswers({ HOME: tmpdir() })).toBe(false);
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
