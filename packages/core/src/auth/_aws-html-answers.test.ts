import { createServer, type Server } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createSsmClient } from '../config/_client.ts';
import { readParameters } from '../config/_read.ts';
import { checkAlarmsBeforeDeploy, createCloudWatchClient } from '../gates/alarms.ts';
import { connectToEks } from './_eks.ts';

// A proxy or load balancer in front of AWS answers with its own error page: every AWS client
// kubeship uses must name the status and the start of that page, and call AWS unreachable.
const PAGE =
  '<html>\n  <head><title>500 Internal Server Error</title></head>\n  <body>upstream down</body>\n</html>';
const credentials = { accessKeyId: 'AKIDEXAMPLE', secretAccessKey: 'secret' };
const limits = { requestTimeoutMs: 2000, connectTimeoutMs: 2000, maxAttempts: 1 };

let server: Server;
let endpoint = '';
const saved = { ...process.env };

beforeAll(async () => {
  server = createServer((request, response) => {
    request.resume();
    response.writeHead(500, { 'content-type': 'text/html' }).end(PAGE);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  endpoint = `http://127.0.0.1:${(server.address() as { port: number }).port}`;
  process.env.AWS_ENDPOINT_URL_EKS = endpoint;
  process.env.AWS_ENDPOINT_URL_STS = endpoint;
});
afterAll(async () => {
  for (const key of ['AWS_ENDPOINT_URL_EKS', 'AWS_ENDPOINT_URL_STS'] as const) {
    if (saved[key] === undefined) delete process.env[key];
    else process.env[key] = saved[key];
  }
  await new Promise((resolve) => server.close(resolve));
});

const failureOf = (call: () => Promise<unknown>) =>
  call().then(
    () => {
      throw new Error('expected the call to fail');
    },
    (error: unknown) => error as { code?: string; message: string },
  );

describe('AWS answers that are not AWS answers (HTTP 500 with an HTML page, on loopback)', () => {
  it.each([
    [
      'SSM GetParametersByPath',
      () => {
        const ssm = createSsmClient({ region: 'eu-west-1', endpoint, credentials, maxAttempts: 1, limits });
        return readParameters(ssm, { paths: ['/app'], names: [] }).finally(() => ssm.destroy());
      },
    ],
    [
      'CloudWatch DescribeAlarms',
      () =>
        checkAlarmsBeforeDeploy({
          names: ['web-5xx'],
          bakeMs: 0,
          client: createCloudWatchClient({ region: 'eu-west-1', endpoint, credentials, limits }),
        }),
    ],
    [
      'EKS DescribeCluster',
      () =>
        connectToEks({
          clusterName: 'shop',
          region: 'eu-west-1',
          credentials: async () => credentials,
          limits,
        }),
    ],
    [
      'STS AssumeRole',
      () =>
        connectToEks({
          clusterName: 'shop',
          region: 'eu-west-1',
          roleArn: 'arn:aws:iam::123456789012:role/deployer',
          credentials: async () => credentials,
          limits,
        }),
    ],
  ])('%s: AWS_UNREACHABLE naming the status and the start of the page', async (operation, call) => {
    const error = await failureOf(call);
    expect(error.code).toBe('AWS_UNREACHABLE');
    expect(error.message).toContain(operation);
    expect(error.message).toContain(
      'HTTP 500, not an AWS answer: "<html> <head><title>500 Internal Server Error',
    );
    expect(error.message).not.toMatch(/SyntaxError|Deserialization error/);
  });
});
