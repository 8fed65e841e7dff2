import { createServer, type Server, type Socket } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { checkAlarmsBeforeDeploy, createCloudWatchClient } from './alarms.ts';

const servers: Array<{ server: Server; sockets: Socket[] }> = [];
afterEach(async () => {
  await Promise.all(
    servers.splice(0).map(({ server, sockets }) => {
      for (const socket of sockets) socket.destroy();
      return new Promise((resolve) => server.close(resolve));
    }),
  );
});

/** A loopback port that accepts connections and never answers (`open`), or nothing listens on. */
async function loopback(kind: 'open' | 'closed'): Promise<string> {
  const sockets: Socket[] = [];
  const server = createServer((socket) => sockets.push(socket));
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  if (kind === 'closed') await new Promise((resolve) => server.close(resolve));
  else servers.push({ server, sockets });
  return `http://127.0.0.1:${port}`;
}

const gateAt = (endpoint: string) => ({
  names: ['web-5xx'],
  bakeMs: 0,
  client: createCloudWatchClient({
    region: 'eu-west-1',
    endpoint,
    credentials: { accessKeyId: 'AKIDEXAMPLE', secretAccessKey: 'secret' },
    limits: { requestTimeoutMs: 500, connectTimeoutMs: 500, maxAttempts: 2 },
  }),
});

describe('the alarm gate when CloudWatch cannot be reached', () => {
  it.each([
    ['refuses connections', 'closed', /connection refused/],
    ['accepts and never answers', 'open', /no answer within 0.5 s \(timeout/],
  ] as const)(
    'an endpoint that %s: AWS_UNREACHABLE naming service, operation, endpoint and cause',
    async (_, kind, cause) => {
      const endpoint = await loopback(kind);
      const error = await checkAlarmsBeforeDeploy(gateAt(endpoint)).then(
        () => undefined,
        (failure: unknown) => failure,
      );
      expect(error).toMatchObject({
        code: 'AWS_UNREACHABLE',
        details: { service: 'CloudWatch', operation: 'DescribeAlarms', endpoint },
      });
      expect((error as Error).message).toContain(`CloudWatch DescribeAlarms at ${endpoint} failed: `);
      expect((error as Error).message).toMatch(cause);
    },
  );
});
