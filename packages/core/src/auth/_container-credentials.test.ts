import { mkdtempSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { containerCredentials, containerEndpoint } from './_container-credentials.ts';

const servers: Server[] = [];
afterEach(async () => {
  for (const server of servers.splice(0)) {
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
  }
});

async function endpoint(answer: (authorization: string | undefined) => { status: number; body: string }) {
  const server = createServer((request, response) => {
    const { status, body } = answer(request.headers.authorization);
    if (status === 0) return; // never answers
    response.writeHead(status, { 'content-type': 'application/json' }).end(body);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  servers.push(server);
  return new URL(`http://127.0.0.1:${(server.address() as AddressInfo).port}/v2/credentials/build`);
}

const CREDENTIALS = {
  AccessKeyId: 'ASIACONTAINER',
  SecretAccessKey: 'container-secret',
  Token: 'container-token',
  Expiration: '2026-12-07T13:00:00Z',
  RoleArn: 'arn:aws:iam::123456789012:role/build',
};

describe('containerEndpoint', () => {
  it("puts CodeBuild's relative URI on the ECS host (before a full URI, as the SDK does)", () => {
    expect(
      containerEndpoint({
        AWS_CONTAINER_CREDENTIALS_RELATIVE_URI: '/v2/credentials/abc',
        AWS_CONTAINER_CREDENTIALS_FULL_URI: 'http://127.0.0.1:9/x',
      })?.href,
    ).toBe('http://169.254.170.2/v2/credentials/abc');
  });

  it.each([
    ['http://127.0.0.1:8080/creds', true],
    ['http://localhost/creds', true],
    ['http://[::1]/creds', true],
    ['http://169.254.170.23/v1/credentials', true],
    ['http://198.51.100.7/creds', false],
    ['https://creds.example.com/', false],
    ['not a url', false],
  ])('takes a full URI %s over plain HTTP only on a local host: %s', (full, taken) => {
    expect(containerEndpoint({ AWS_CONTAINER_CREDENTIALS_FULL_URI: full }) !== undefined).toBe(taken);
  });

  it('names none without either variable', () => {
    expect(containerEndpoint({})).toBeUndefined();
  });
});

describe('containerCredentials', () => {
  it('reads the session, with the authorization token of the environment', async () => {
    let seen: string | undefined;
    const url = await endpoint((authorization) => {
      seen = authorization;
      return { status: 200, body: JSON.stringify(CREDENTIALS) };
    });
    expect(await containerCredentials(url, { AWS_CONTAINER_AUTHORIZATION_TOKEN: 'auth-token' })).toEqual({
      accessKeyId: 'ASIACONTAINER',
      secretAccessKey: 'container-secret',
      sessionToken: 'container-token',
      expiration: new Date('2026-12-07T13:00:00Z'),
    });
    expect(seen).toBe('auth-token');
  });

  it('takes the token file before the token (EKS Pod Identity)', async () => {
    const file = join(mkdtempSync(join(tmpdir(), 'kubeship-token-')), 'token');
    writeFileSync(file, 'from-file');
    let seen: string | undefined;
    const url = await endpoint((authorization) => {
      seen = authorization;
      return { status: 200, body: JSON.stringify(CREDENTIALS) };
    });
    await containerCredentials(url, {
      AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE: file,
      AWS_CONTAINER_AUTHORIZATION_TOKEN: 'from-env',
    });
    expect(seen).toBe('from-file');
  });

  it.each([
    ['an HTTP error', { status: 403, body: '{"message":"denied"}' }],
    [
      'an answer without a session token',
      { status: 200, body: JSON.stringify({ ...CREDENTIALS, Token: undefined }) },
    ],
    [
      'an expiration that is no date',
      { status: 200, body: JSON.stringify({ ...CREDENTIALS, Expiration: 'soon' }) },
    ],
    ['an answer that is not JSON', { status: 200, body: '<html>' }],
  ])('throws on %s', async (_, answer) => {
    const url = await endpoint(() => answer);
    await expect(containerCredentials(url, {})).rejects.toThrow();
  });

  it('gives up after 1 s without an answer', async () => {
    const url = await endpoint(() => ({ status: 0, body: '' }));
    await expect(containerCredentials(url, {})).rejects.toThrow(/no answer within 1000 ms/);
  });
});
