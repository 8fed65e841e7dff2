import {
  GetParametersByPathCommand,
  GetParametersCommand,
  type Parameter,
  SSMClient,
} from '@aws-sdk/client-ssm';
import { mockClient } from 'aws-sdk-client-mock';
import { beforeEach, describe, expect, it } from 'vitest';
import { answers, concurrencyLimit, readParameters } from './_read.ts';
import { awsError, expectNoValues, rejection } from './_test-fixtures.ts';

const client = new SSMClient({
  region: 'eu-west-1',
  credentials: { accessKeyId: 'a', secretAccessKey: 'b' },
});
const ssm = mockClient(client);
beforeEach(() => ssm.reset());

const param = (name: string, value: string, extra: Partial<Parameter> = {}): Parameter => ({
  Name: name,
  Type: 'String',
  Value: value,
  Version: 1,
  ...extra,
});

describe('readParameters by path', () => {
  it('follows NextToken through empty pages until it is absent', async () => {
    ssm
      .on(GetParametersByPathCommand)
      .resolvesOnce({ Parameters: [param('/app/A', 'a'), param('/app/B', 'b')], NextToken: 't1' })
      .resolvesOnce({ Parameters: [], NextToken: 't2' })
      .resolvesOnce({ NextToken: 't3' })
      .resolvesOnce({ Parameters: [param('/app/C', 'c', { Type: 'SecureString', Version: 4 })] });

    const result = await readParameters(client, { paths: ['/app'], names: [] });

    const calls = ssm.commandCalls(GetParametersByPathCommand).map((call) => call.args[0].input);
    expect(calls).toEqual([
      { Path: '/app', Recursive: true, WithDecryption: true, MaxResults: 10 },
      { Path: '/app', Recursive: true, WithDecryption: true, MaxResults: 10, NextToken: 't1' },
      { Path: '/app', Recursive: true, WithDecryption: true, MaxResults: 10, NextToken: 't2' },
      { Path: '/app', Recursive: true, WithDecryption: true, MaxResults: 10, NextToken: 't3' },
    ]);
    const found = result.byPath[0]?.parameters ?? [];
    expect(found.map((p) => [p.name, p.type, p.version, p.value.reveal()])).toEqual([
      ['/app/A', 'String', 1, 'a'],
      ['/app/B', 'String', 1, 'b'],
      ['/app/C', 'SecureString', 4, 'c'],
    ]);
  });

  it('gives up with API_ERROR when SSM hands back the same token forever', async () => {
    ssm.on(GetParametersByPathCommand).resolves({ Parameters: [], NextToken: 'same' });
    const error = await rejection(readParameters(client, { paths: ['/loop'], names: [] }));
    expect(error.code).toBe('API_ERROR');
    expect(error.message).toContain('/loop');
  });

  it('reports a KMS failure on a path with the path and the AWS error name', async () => {
    ssm.on(GetParametersByPathCommand).rejects(awsError('InvalidKeyId', 'key is disabled'));
    const error = await rejection(readParameters(client, { paths: ['/app'], names: [] }));
    expect(error.code).toBe('SSM_PARAMETERS_MISSING');
    expect(error.details.problems).toEqual([
      { name: '/app', kind: 'path', reason: 'kms', detail: 'InvalidKeyId: key is disabled' },
    ]);
  });
});

describe('readParameters by name', () => {
  const names = Array.from({ length: 25 }, (_, i) => `/n/P${String(i).padStart(2, '0')}`);

  it('asks GetParameters for at most 10 names at a time, decrypted', async () => {
    ssm.on(GetParametersCommand).callsFake((input: { Names: string[] }) => ({
      Parameters: input.Names.map((name) => param(name, `value-of-${name}`)),
      InvalidParameters: [],
    }));
    const result = await readParameters(client, { paths: [], names });
    const calls = ssm.commandCalls(GetParametersCommand).map((call) => call.args[0].input);
    expect(calls.map((input) => input.Names?.length)).toEqual([10, 10, 5]);
    expect(calls.every((input) => input.WithDecryption === true)).toBe(true);
    expect(calls.flatMap((input) => input.Names)).toEqual(names);
    expect(result.byName.map((p) => p.name)).toEqual(names);
    expect(result.byName[24]?.value.reveal()).toBe('value-of-/n/P24');
  });

  it('reports InvalidParameters of every chunk, and empty paths, in one error', async () => {
    const missing = new Set(['/n/P01', '/n/P07', '/n/P22']);
    ssm.on(GetParametersCommand).callsFake((input: { Names: string[] }) => ({
      Parameters: input.Names.filter((n) => !missing.has(n)).map((name) => param(name, 'v')),
      InvalidParameters: input.Names.filter((n) => missing.has(n)),
    }));
    ssm.on(GetParametersByPathCommand).resolves({ Parameters: [] });
    const error = await rejection(readParameters(client, { paths: ['/empty'], names }));
    expect(error.code).toBe('SSM_PARAMETERS_MISSING');
    expect(error.details.problems).toEqual([
      { name: '/n/P01', kind: 'parameter', reason: 'not-found' },
      { name: '/n/P07', kind: 'parameter', reason: 'not-found' },
      { name: '/n/P22', kind: 'parameter', reason: 'not-found' },
      { name: '/empty', kind: 'path', reason: 'empty-path' },
    ]);
    for (const name of [...missing, '/empty']) expect(error.message).toContain(name);
    expect(ssm.commandCalls(GetParametersCommand)).toHaveLength(3);
  });

  it('pins an access denial on the names that cause it by asking one at a time', async () => {
    const denied = new Set(['/n/P03', '/n/P12']);
    ssm.on(GetParametersCommand).callsFake(async (input: { Names: string[] }) => {
      const refused = input.Names.find((n) => denied.has(n));
      if (refused)
        throw awsError('AccessDeniedException', `not authorized to perform ssm:GetParameters on ${refused}`);
      return { Parameters: input.Names.map((name) => param(name, 'v')), InvalidParameters: [] };
    });
    const error = await rejection(readParameters(client, { paths: [], names }));
    expect(error.code).toBe('AWS_CREDENTIALS');
    expect((error.details.problems as { name: string }[]).map((p) => p.name)).toEqual(['/n/P03', '/n/P12']);
    expect(error.message).toContain('access denied');
  });

  it('is SSM_PARAMETERS_MISSING when denials and missing names come together', async () => {
    ssm.on(GetParametersCommand).callsFake(async (input: { Names: string[] }) => {
      if (input.Names.includes('/denied')) throw awsError('AccessDeniedException');
      return { Parameters: [], InvalidParameters: input.Names };
    });
    const error = await rejection(readParameters(client, { paths: [], names: ['/denied', '/gone'] }));
    expect(error.code).toBe('SSM_PARAMETERS_MISSING');
    expect(error.details.problems).toEqual([
      {
        name: '/denied',
        kind: 'parameter',
        reason: 'access-denied',
        detail: 'AccessDeniedException: AccessDeniedException happened',
      },
      { name: '/gone', kind: 'parameter', reason: 'not-found' },
    ]);
  });

  it('reads Secrets Manager references by name, with the secret version id as revision', async () => {
    const reference = '/aws/reference/secretsmanager/prod/api-key';
    const other = '/aws/reference/secretsmanager/prod/other';
    ssm.on(GetParametersCommand).resolves({
      Parameters: [
        param(reference, 'sm-secret-1', {
          Type: 'SecureString',
          Version: 0,
          SourceResult: JSON.stringify({
            Name: 'prod/api-key',
            VersionId: 'abc-123',
            SecretString: 'sm-secret-1',
          }),
        }),
        // moto names the parameter after the secret itself
        param('prod/other', 'sm-secret-2', {
          Type: 'SecureString',
          Version: 0,
          SourceResult: JSON.stringify({
            Name: 'prod/other',
            VersionIdsToStages: { old: ['AWSPREVIOUS'], cur: ['AWSCURRENT'] },
          }),
        }),
      ],
      InvalidParameters: [],
    });
    const result = await readParameters(client, { paths: [], names: [reference, other] });
    expect(result.byName.map((p) => [p.name, p.type, p.revision, p.value.reveal()])).toEqual([
      [reference, 'SecureString', 'secretsmanager:abc-123', 'sm-secret-1'],
      [other, 'SecureString', 'secretsmanager:cur', 'sm-secret-2'],
    ]);
    expectNoValues(result, ['sm-secret-1', 'sm-secret-2']);
  });

  it('matches selectors and ARNs to what SSM returns', () => {
    expect(answers('/a:2', { Name: '/a', Selector: ':2', Version: 2 })).toBe(true);
    expect(answers('/a:2', { Name: '/a', Selector: ':3', Version: 3 })).toBe(false);
    expect(answers('/a:2', { Name: '/a', Version: 2 })).toBe(true);
    expect(answers('/a:2', { Name: '/a', Version: 5 })).toBe(false);
    expect(answers('/a:prod', { Name: '/a', Selector: ':prod' })).toBe(true);
    const arn = 'arn:aws:ssm:eu-west-1:111122223333:parameter/shared/x';
    expect(answers(arn, { Name: arn })).toBe(true);
    expect(answers(arn, { Name: '/shared/x' })).toBe(true);
    expect(answers(`${arn}:4`, { Name: arn, Selector: ':4' })).toBe(true);
    expect(answers('/a', { Name: '/ab' })).toBe(false);
  });

  it('maps credential refusals to AWS_CREDENTIALS and other failures to API_ERROR without quoting bodies', async () => {
    ssm
      .on(GetParametersCommand)
      .rejects(awsError('UnrecognizedClientException', 'The security token is invalid'));
    const credentials = await rejection(readParameters(client, { paths: [], names: ['/x'] }));
    expect(credentials.code).toBe('AWS_CREDENTIALS');
    expect(credentials.message).toContain('UnrecognizedClientException');

    ssm.reset();
    const body = '{"Parameters":[{"Name":"/x","Value":"leaky-plaintext"';
    ssm.on(GetParametersCommand).rejects(new SyntaxError(`Unexpected end of JSON input: ${body}`));
    const other = await rejection(readParameters(client, { paths: [], names: ['/x'] }));
    expect(other.code).toBe('API_ERROR');
    expect(other.message).toContain('SyntaxError');
    expectNoValues(other, ['leaky-plaintext']);
  });

  it('is INTERRUPTED when aborted', async () => {
    const controller = new AbortController();
    controller.abort();
    ssm.on(GetParametersCommand).resolves({ Parameters: [] });
    const error = await rejection(
      readParameters(client, { paths: [], names: ['/x'], signal: controller.signal }),
    );
    expect(error.code).toBe('INTERRUPTED');
  });
});

describe('concurrency', () => {
  it('keeps at most maxConcurrency requests in flight across paths and names', async () => {
    let inFlight = 0;
    let peak = 0;
    const slow = async <T>(result: T): Promise<T> => {
      inFlight++;
      peak = Math.max(peak, inFlight);
      await new Promise((resolve) => setTimeout(resolve, 5));
      inFlight--;
      return result;
    };
    ssm.on(GetParametersByPathCommand).callsFake((input: { Path: string; NextToken?: string }) =>
      slow({
        Parameters: [param(`${input.Path}/X${input.NextToken ?? ''}`, 'v')],
        ...(input.NextToken ? {} : { NextToken: '2' }),
      }),
    );
    ssm
      .on(GetParametersCommand)
      .callsFake((input: { Names: string[] }) =>
        slow({ Parameters: input.Names.map((name) => param(name, 'v')), InvalidParameters: [] }),
      );
    const paths = Array.from({ length: 8 }, (_, i) => `/p${i}`);
    const names = Array.from({ length: 95 }, (_, i) => `/n${i}`);

    await readParameters(client, { paths, names });
    expect(peak).toBe(4);
    expect(ssm.calls()).toHaveLength(16 + 10);

    peak = 0;
    await readParameters(client, { paths, names, maxConcurrency: 2 });
    expect(peak).toBe(2);
  });

  it('concurrencyLimit hands a freed slot to the next waiter, never exceeding the limit', async () => {
    const limit = concurrencyLimit(3);
    let active = 0;
    let peak = 0;
    const task = (ms: number) =>
      limit(async () => {
        active++;
        peak = Math.max(peak, active);
        await new Promise((resolve) => setTimeout(resolve, ms));
        active--;
        return ms;
      });
    const first = Array.from({ length: 5 }, (_, i) => task(i));
    await Promise.resolve();
    const second = Array.from({ length: 5 }, (_, i) => task(i));
    expect(await Promise.all([...first, ...second])).toEqual([0, 1, 2, 3, 4, 0, 1, 2, 3, 4]);
    expect(peak).toBe(3);
  });
});
