import { createServer, type Server } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createSsmClient } from '../config/_client.ts';
import { readParameters } from '../config/_read.ts';
import { AWS_REQUEST_DEFAULTS, awsClientSettings, networkCause } from './_aws-requests.ts';

const credentials = { accessKeyId: 'AKIDEXAMPLE', secretAccessKey: 'secret' };

describe('AWS request limits', () => {
  it('every client gets both timeouts, throwing, and bounded attempts', () => {
    expect(awsClientSettings()).toEqual({
      requestHandler: {
        connectionTimeout: AWS_REQUEST_DEFAULTS.connectTimeoutMs,
        requestTimeout: AWS_REQUEST_DEFAULTS.requestTimeoutMs,
        throwOnRequestTimeout: true,
      },
      maxAttempts: 3,
    });
    expect(awsClientSettings({ requestTimeoutMs: 1000, maxAttempts: 1 })).toMatchObject({
      requestHandler: { connectionTimeout: 1000, requestTimeout: 1000 },
      maxAttempts: 1,
    });
  });

  it('names the network cause, and nothing for errors AWS returned', () => {
    const refused = Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:1'), {
      code: 'ECONNREFUSED',
      $metadata: { attempts: 3 },
    });
    expect(networkCause(refused)).toBe(
      'connection refused (connect ECONNREFUSED 127.0.0.1:1, after 3 attempts)',
    );
    const timeout = Object.assign(
      new Error('a request has exceeded the configured 2000 ms requestTimeout.'),
      {
        name: 'TimeoutError',
      },
    );
    expect(networkCause(timeout)).toBe('no answer within 2 s (timeout)');
    const denied = Object.assign(new Error('not allowed'), {
      name: 'AccessDeniedException',
      $fault: 'client',
    });
    expect(networkCause(denied)).toBeUndefined();
  });
});

describe('SSM against endpoints that fail on the network (real sockets on loopback)', () => {
  let silent: Server;
  let silentPort = 0;
  let closedPort = 0;
  const sockets = new Set<import('node:net').Socket>();

  beforeAll(async () => {
    // accepts connections and never answers
    silent = createServer((socket) => {
      sockets.add(socket);
    });
    await new Promise<void>((resolve) => silent.listen(0, '127.0.0.1', resolve));
    silentPort = (silent.address() as { port: number }).port;
    const probe = createServer();
    await new Promise<void>((resolve) => probe.listen(0, '127.0.0.1', resolve));
    closedPort = (probe.address() as { port: number }).port;
    await new Promise<void>((resolve) => probe.close(() => resolve()));
  });
  afterAll(async () => {
    for (const socket of sockets) socket.destroy();
    await new Promise<void>((resolve) => silent.close(() => resolve()));
  });

  const client = (port: number) =>
    createSsmClient({
      region: 'eu-west-1',
      endpoint: `http://127.0.0.1:${port}`,
      credentials,
      maxAttempts: 2,
      limits: { requestTimeoutMs: 300 },
    });

  it('an endpoint that never answers: AWS_UNREACHABLE naming service, operation, endpoint and the timeout', async () => {
    const ssm = client(silentPort);
    const started = Date.now();
    const error = await readParameters(ssm, { paths: ['/app'], names: [] }).catch((e: unknown) => e);
    expect(Date.now() - started).toBeLessThan(5000);
    expect(error).toMatchObject({
      code: 'AWS_UNREACHABLE',
      message: expect.stringMatching(
        new RegExp(
          `^SSM GetParametersByPath \\(path /app\\) at http://127\\.0\\.0\\.1:${silentPort} failed: no answer within 0\\.3 s \\(timeout`,
        ),
      ),
      details: { service: 'SSM', operation: 'GetParametersByPath' },
    });
    ssm.destroy();
  });

  it('a refused connection: the cause is ECONNREFUSED, not "Error"', async () => {
    const ssm = client(closedPort);
    const error = await readParameters(ssm, { paths: [], names: ['/app/x'] }).catch((e: unknown) => e);
    expect(error).toMatchObject({
      code: 'AWS_UNREACHABLE',
      message: expect.stringContaining(
        `SSM GetParameters (parameters /app/x) at http://127.0.0.1:${closedPort} failed: connection refused`,
      ),
    });
    ssm.destroy();
  });

  it('a deadline signal that fires says so, and is not "interrupted"', async () => {
    const ssm = client(silentPort);
    const controller = new AbortController();
    setTimeout(() => {
      const reason = new Error('no answer from AWS within 0.1 s (KUBESHIP_AWS_TIMEOUT)');
      reason.name = 'TimeoutError';
      controller.abort(reason);
    }, 100);
    const error = await readParameters(ssm, { paths: ['/app'], names: [], signal: controller.signal }).catch(
      (e: unknown) => e,
    );
    expect(error).toMatchObject({
      code: 'AWS_UNREACHABLE',
      message: expect.stringContaining('KUBESHIP_AWS_TIMEOUT'),
    });
    ssm.destroy();
  });

  it('no credentials at all: AWS_CREDENTIALS saying none were found, not that they were refused', async () => {
    const ssm = createSsmClient({
      region: 'eu-west-1',
      credentials: async () => {
        throw Object.assign(new Error('Could not load credentials from any providers'), {
          name: 'CredentialsProviderError',
        });
      },
    });
    const error = await readParameters(ssm, { paths: [], names: ['/app/x'] }).catch((e: unknown) => e);
    expect(error).toMatchObject({
      code: 'AWS_CREDENTIALS',
      message: expect.stringContaining('no AWS credentials were found'),
    });
    expect((error as Error).message).not.toMatch(/refused/);
    ssm.destroy();
  });
});
