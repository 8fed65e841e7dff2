import { Readable } from 'node:stream';
import { GetParametersCommand } from '@aws-sdk/client-ssm';
import { HttpResponse } from '@smithy/protocol-http';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { createSsmClient, SSM_MAX_ATTEMPTS } from './_client.ts';
import { readParameters } from './_read.ts';

const credentials = { accessKeyId: 'AKIDEXAMPLE', secretAccessKey: 'secret' };

/** A request handler that answers with the given HTTP responses in turn (the SDK's middleware runs for real). */
function scripted(responses: Array<{ status: number; body: object; type?: string }>) {
  const requests: string[] = [];
  return {
    requests,
    handler: {
      async handle(request: { headers: Record<string, string> }) {
        requests.push(request.headers['x-amz-target'] ?? '');
        const next = responses.shift();
        if (!next) throw new Error('no scripted response left');
        const headers: Record<string, string> = { 'content-type': 'application/x-amz-json-1.1' };
        if (next.type) headers['x-amzn-errortype'] = next.type;
        return {
          response: new HttpResponse({
            statusCode: next.status,
            headers,
            body: Readable.from([Buffer.from(JSON.stringify(next.body))]),
          }),
        };
      },
    },
  };
}

const saved = { ...process.env };
afterEach(() => {
  process.env = { ...saved };
  vi.useRealTimers();
});

/** Settles `promise` while advancing fake time, so backoff and the adaptive rate limiter cost no real time. */
async function withFakeTime<T>(run: () => Promise<T>): Promise<{ value: T; elapsedMs: number }> {
  vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout', 'Date'] });
  const started = Date.now();
  let settled = false;
  const promise = run().finally(() => {
    settled = true;
  });
  promise.catch(() => {});
  while (!settled) await vi.advanceTimersByTimeAsync(50);
  return { value: await promise, elapsedMs: Date.now() - started };
}

describe('createSsmClient', () => {
  it('uses adaptive retry with more attempts than the SDK default', async () => {
    const client = createSsmClient({ region: 'eu-west-1', credentials });
    expect(await client.config.maxAttempts()).toBe(SSM_MAX_ATTEMPTS);
    expect(SSM_MAX_ATTEMPTS).toBeGreaterThan(3);
    expect(((await client.config.retryStrategy()) as { mode?: string }).mode).toBe('adaptive');
    expect(await client.config.region()).toBe('eu-west-1');
    client.destroy();
  });

  it('honours AWS_ENDPOINT_URL from the environment', async () => {
    process.env.AWS_ENDPOINT_URL = 'http://127.0.0.1:4566';
    const { handler } = scripted([{ status: 200, body: { Parameters: [], InvalidParameters: ['/x'] } }]);
    const client = createSsmClient({ region: 'eu-west-1', credentials });
    let host = '';
    client.middlewareStack.add(
      (next) => async (args) => {
        const request = args.request as { hostname: string; port?: number; protocol: string };
        host = `${request.protocol}//${request.hostname}:${request.port}`;
        return next(args);
      },
      { step: 'finalizeRequest' },
    );
    client.config.requestHandler = handler as never;
    await client.send(new GetParametersCommand({ Names: ['/x'] }));
    expect(host).toBe('http://127.0.0.1:4566');
    client.destroy();
  });

  it('retries ThrottlingException with backoff until SSM answers', async () => {
    const throttled = { status: 400, body: { __type: 'ThrottlingException', message: 'Rate exceeded' } };
    const script = scripted([
      throttled,
      throttled,
      throttled,
      {
        status: 200,
        body: { Parameters: [{ Name: '/x', Type: 'String', Value: 'v', Version: 1 }], InvalidParameters: [] },
      },
    ]);
    const client = createSsmClient({ region: 'eu-west-1', credentials });
    client.config.requestHandler = script.handler as never;
    const { value: result, elapsedMs } = await withFakeTime(() =>
      readParameters(client, { paths: [], names: ['/x'] }),
    );
    expect(result.byName.map((p) => p.name)).toEqual(['/x']);
    expect(script.requests).toEqual(Array(4).fill('AmazonSSM.GetParameters'));
    expect(elapsedMs).toBeGreaterThan(1000); // it backed off (in fake time)
    client.destroy();
  }, 20_000);

  it('turns throttling that outlasts every attempt into API_ERROR', async () => {
    const throttled = { status: 400, body: { __type: 'ThrottlingException', message: 'Rate exceeded' } };
    const script = scripted([throttled, throttled]);
    const client = createSsmClient({ region: 'eu-west-1', credentials, maxAttempts: 2 });
    client.config.requestHandler = script.handler as never;
    const outcome = withFakeTime(() => readParameters(client, { paths: [], names: ['/x'] }));
    await expect(outcome).rejects.toMatchObject({
      code: 'API_ERROR',
      message: expect.stringContaining('ThrottlingException: Rate exceeded'),
    });
    expect(script.requests).toHaveLength(2);
    client.destroy();
  }, 20_000);
});
