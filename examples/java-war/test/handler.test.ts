// The Lambda deploy step's pure parts (event -> plan, result -> job outcome) and its reporting,
// with stubbed I/O; test/e2e.test.ts runs it against the testbed. Also: the bundle builds.

import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import {
  CodePipelineClient,
  PutJobFailureResultCommand,
  PutJobSuccessResultCommand,
} from '@aws-sdk/client-codepipeline';
import { type DeployResult, KubeshipError } from '@kubeship/core';
import { mockClient } from 'aws-sdk-client-mock';
import { afterAll, beforeEach, describe, expect, it } from 'vitest';
import { javaWarConfig } from '../kubeship.config.ts';
import {
  createHandler,
  JobInputError,
  outcomeOf,
  outcomeOfError,
  parseParameters,
  planDeploy,
  REPORTING_MARGIN_MS,
  readJob,
} from '../lambda/handler.ts';
import { exampleDir, expectExit, jobEvent, removeTemps, repoRoot, runProcess, tempDir } from './_helpers.ts';

afterAll(removeTemps);

const DIGEST = `sha256:${'ab'.repeat(32)}`;
const IMAGE = `123456789012.dkr.ecr.us-east-1.amazonaws.com/java-war:3f9c2ab@${DIGEST}`;

const config = javaWarConfig({
  JAVA_WAR_DEV_CLUSTER: 'nonprod',
  JAVA_WAR_DEV_NAMESPACE: 'team-dev',
  JAVA_WAR_REGION: 'eu-west-1',
});

function result(overrides: Partial<DeployResult>): DeployResult {
  const base: DeployResult = {
    outcome: 'deployed',
    message: 'deployed and verified healthy: java-war',
    revision: 2,
    previousRevision: 1,
    changes: [],
    objects: [],
    pruned: [],
    warnings: [],
    deployments: [
      {
        kind: 'Deployment',
        namespace: 'team-dev',
        name: 'java-war',
        revisionBefore: 3,
        revisionAfter: 4,
        images: [IMAGE],
        verdict: 'complete',
      },
    ],
    durationsMs: {},
    startedAt: 0,
    finishedAt: 1000,
  };
  return { ...base, ...overrides } as DeployResult;
}

describe('reading the job', () => {
  it('takes the job id, UserParameters and the source revision', () => {
    expect(readJob(jobEvent('{"env":"dev"}'))).toEqual({
      jobId: '11111111-2222-3333-4444-555555555555',
      userParameters: '{"env":"dev"}',
      sourceRevision: '3f9c2ab5d1e0c7a9b8f6e4d2c0b1a3f5e7d9c1b2',
    });
  });

  it('throws for an event that is not a CodePipeline job (there is no job to fail)', () => {
    expect(() => readJob({})).toThrow(JobInputError);
    expect(() => readJob(null)).toThrow('no CodePipeline.job.id');
  });

  it('accepts only {"env", "image"} with a configured environment and lists every problem', () => {
    const envs = ['dev', 'uat', 'prod'];
    expect(parseParameters(` {"env": "uat", "image": " ${IMAGE} "}`, envs)).toEqual({
      env: 'uat',
      image: IMAGE,
    });
    expect(() => parseParameters(undefined, envs)).toThrow('UserParameters is empty');
    expect(() => parseParameters('env=dev', envs)).toThrow('UserParameters is not JSON');
    expect(() => parseParameters('["dev"]', envs)).toThrow('must be a JSON object');
    expect(() => parseParameters('{"env": "qa", "image": "", "tag": "x"}', envs)).toThrow(
      'UserParameters: env must be one of dev, uat, prod (got "qa"); image must be a non-empty image URI (got ""); unknown key "tag"',
    );
  });
});

describe('planning the deploy', () => {
  const job = readJob(jobEvent(JSON.stringify({ env: 'dev', image: IMAGE })));

  it('takes cluster, namespace, replicas and SSM from the kubeship config, and names the commit', () => {
    const plan = planDeploy(job, config, { region: 'us-east-1', remainingMs: 900_000 });
    expect(plan).toMatchObject({
      jobId: job.jobId,
      environment: 'dev',
      image: IMAGE,
      cluster: { name: 'nonprod', region: 'eu-west-1' },
      release: { namespace: 'team-dev', image: IMAGE, replicas: 1, ssm: { region: 'eu-west-1' } },
      timeoutMs: 300_000,
      rollback: true,
      lockWaitMs: 0,
      changeCause: `kubeship deploy ${IMAGE}, commit 3f9c2ab5d1e0c7a9b8f6e4d2c0b1a3f5e7d9c1b2, CodePipeline job ${job.jobId}`,
    });
    const source = plan.release.source as { app: { env: Record<string, unknown> } };
    expect(source.app.env.DB_PASSWORD).toEqual({ ssm: '/java-war/dev/DB_PASSWORD' });
  });

  it("cuts the timeout to the Lambda's remaining time, keeping time to report", () => {
    const plan = planDeploy(job, config, { remainingMs: 200_000, region: 'us-east-1' });
    expect(plan.timeoutMs).toBe(200_000 - REPORTING_MARGIN_MS);
    expect(() => planDeploy(job, config, { remainingMs: 50_000 })).toThrow("raise the function's timeout");
  });

  it('refuses environments other than the function’s own', () => {
    const uat = readJob(jobEvent(JSON.stringify({ env: 'uat', image: IMAGE })));
    expect(() => planDeploy(uat, config, { remainingMs: 900_000, onlyEnvironment: 'dev' })).toThrow(
      'env must be one of dev (got "uat")',
    );
  });

  it('needs a region from the config or the runtime', () => {
    const noRegion = javaWarConfig({});
    expect(() => planDeploy(job, noRegion, { remainingMs: 900_000 })).toThrow('no region');
    expect(planDeploy(job, noRegion, { remainingMs: 900_000, region: 'us-east-2' }).cluster).toEqual({
      name: 'java-war-nonprod',
      region: 'us-east-2',
    });
  });
});

describe('judging the outcome', () => {
  const plan = { environment: 'dev', image: IMAGE };

  it('is a success only when the deploy was verified healthy, with the CodeBuild deploy’s variable names', () => {
    expect(outcomeOf(result({}), plan)).toEqual({
      kind: 'success',
      summary: `dev: deployed and verified healthy: java-war (${IMAGE})`,
      outputVariables: {
        KUBESHIP_IMAGE: IMAGE,
        KUBESHIP_IMAGE_DIGEST: DIGEST,
        KUBESHIP_RELEASE: '2',
        KUBESHIP_DEPLOYMENT_REVISION: '4',
        KUBESHIP_OUTCOME: 'deployed',
      },
    });
  });

  it('fails the job for a rollout that was rolled back, naming the reason', () => {
    const rolledBack = result({
      outcome: 'rolled-back',
      code: 'ROLLOUT_FAILED',
      message: 'rolled back: java-war (CrashLoopBackOff)',
      deployments: [
        {
          kind: 'Deployment',
          namespace: 'team-dev',
          name: 'java-war',
          revisionBefore: 3,
          revisionAfter: 4,
          images: [IMAGE],
          verdict: 'failed',
          reason: 'CrashLoopBackOff',
          rollback: { toRevision: 5, images: ['old'], healthy: true },
        },
      ],
    });
    expect(outcomeOf(rolledBack, plan)).toEqual({
      kind: 'failure',
      type: 'JobFailed',
      message:
        'dev: rolled back: java-war (CrashLoopBackOff)\nteam-dev/java-war: CrashLoopBackOff; rolled back to release 5 (healthy)',
    });
  });

  it('maps errors to CodePipeline failure types', () => {
    expect(outcomeOfError(new JobInputError('bad'))).toEqual({
      kind: 'failure',
      type: 'ConfigurationError',
      message: 'bad',
    });
    expect(outcomeOfError(new KubeshipError('FORBIDDEN', 'cannot patch deployments'))).toEqual({
      kind: 'failure',
      type: 'PermissionError',
      message: 'FORBIDDEN: cannot patch deployments',
    });
    expect(
      outcomeOfError(new KubeshipError('SSM_PARAMETERS_MISSING', 'missing /java-war/dev/GREETING')),
    ).toMatchObject({
      type: 'ConfigurationError',
    });
    expect(outcomeOfError(new Error('boom'))).toMatchObject({
      type: 'JobFailed',
      message: 'unexpected error: Error: boom',
    });
  });
});

describe('the handler with stubbed I/O', () => {
  const codePipeline = mockClient(CodePipelineClient);
  beforeEach(() => {
    codePipeline.reset();
    codePipeline.on(PutJobSuccessResultCommand).resolves({});
    codePipeline.on(PutJobFailureResultCommand).resolves({});
  });
  const context = { awsRequestId: 'req-1', getRemainingTimeInMillis: () => 900_000 };

  it('reports bad UserParameters as a ConfigurationError without touching the cluster', async () => {
    const handler = createHandler({
      codePipeline: new CodePipelineClient({ region: 'us-east-1' }),
      config,
      region: 'us-east-1',
      connect: () => Promise.reject(new Error('must not connect')),
      prepare: () => Promise.reject(new Error('must not prepare')),
      log: () => {},
    });
    const done = await handler(jobEvent('{"env": "dev"}', 'job-bad'), context);
    expect(done.outcome).toMatchObject({ kind: 'failure', type: 'ConfigurationError' });
    expect(codePipeline.commandCalls(PutJobSuccessResultCommand)).toHaveLength(0);
    const [call] = codePipeline.commandCalls(PutJobFailureResultCommand);
    expect(call?.args[0].input).toEqual({
      jobId: 'job-bad',
      failureDetails: {
        type: 'ConfigurationError',
        message: 'UserParameters: image must be a non-empty image URI (got undefined)',
        externalExecutionId: 'req-1',
      },
    });
  });

  it('reports a healthy deploy with PutJobSuccessResult and its output variables', async () => {
    const handler = createHandler({
      codePipeline: new CodePipelineClient({ region: 'us-east-1' }),
      config,
      connect: async () => ({
        kubeConfig: {} as never,
        server: 'https://cluster',
        principal: 'arn:aws:iam::123456789012:role/deployer',
        description: 'stub',
      }),
      prepare: async (options) => ({
        app: 'java-war',
        namespace: options.namespace,
        objects: [],
        parameters: [],
      }),
      deploy: async () => result({}),
      log: () => {},
    });
    await handler(jobEvent(JSON.stringify({ env: 'dev', image: IMAGE }), 'job-ok'), context);
    expect(codePipeline.commandCalls(PutJobFailureResultCommand)).toHaveLength(0);
    const [call] = codePipeline.commandCalls(PutJobSuccessResultCommand);
    expect(call?.args[0].input).toMatchObject({
      jobId: 'job-ok',
      outputVariables: {
        KUBESHIP_OUTCOME: 'deployed',
        KUBESHIP_IMAGE_DIGEST: DIGEST,
        KUBESHIP_RELEASE: '2',
        KUBESHIP_DEPLOYMENT_REVISION: '4',
      },
      executionDetails: { percentComplete: 100, externalExecutionId: 'req-1' },
    });
  });

  it('asks the deploy to upload it to EVIDENCE_S3 with the key, and names its URL in the failure', async () => {
    const asked: unknown[] = [];
    // the access review's refusals are explained from the connection's access entry
    const explainAccess = async () => ['explained'];
    const explained: unknown[] = [];
    const handler = createHandler({
      codePipeline: new CodePipelineClient({ region: 'us-east-1' }),
      config,
      region: 'eu-west-1',
      evidence: { uri: 's3://evidence/java-war/dev', kmsKeyId: 'alias/evidence' },
      connect: async () => ({
        kubeConfig: {} as never,
        server: 'https://cluster',
        principal: 'arn:aws:iam::123456789012:role/deployer',
        description: 'stub',
        explainAccess,
      }),
      prepare: async (options) => ({
        app: 'java-war',
        namespace: options.namespace,
        objects: [],
        parameters: [],
      }),
      deploy: async (options) => {
        asked.push(options.evidence);
        explained.push(options.explainAccess);
        return result({
          outcome: 'rolled-back',
          code: 'ROLLOUT_FAILED',
          message: 'rolled back: java-war',
          evidenceBundle: { name: 'b.tar.gz', bytes: 10, url: 's3://evidence/java-war/dev/b.tar.gz' },
        });
      },
      log: () => {},
    });
    const done = await handler(
      jobEvent(JSON.stringify({ env: 'dev', image: IMAGE }), 'job-evidence'),
      context,
    );
    expect(asked).toEqual([
      { s3: { uri: 's3://evidence/java-war/dev', region: 'eu-west-1', kmsKeyId: 'alias/evidence' } },
    ]);
    expect(explained).toEqual([explainAccess]);
    expect(done.outcome).toMatchObject({ kind: 'failure' });
    expect(done.outcome.kind === 'failure' && done.outcome.message).toContain(
      'evidence: s3://evidence/java-war/dev/b.tar.gz',
    );
  });
});

describe('the Lambda bundle', () => {
  it('builds with esbuild (pnpm run build:lambda) and exports the handler', async () => {
    const out = join(tempDir('bundle'), 'index.mjs');
    // package.json's own build:lambda script, writing to a temp dir instead of dist/.
    const script = (
      JSON.parse(readFileSync(join(exampleDir, 'package.json'), 'utf8')) as {
        scripts: Record<string, string>;
      }
    ).scripts['build:lambda'] as string;
    expect(script).toContain('--outfile=dist/lambda/index.mjs');
    const run = await runProcess(
      'bash',
      ['-c', script.replace('--outfile=dist/lambda/index.mjs', `--outfile=${out}`)],
      {
        cwd: exampleDir,
        env: { ...process.env, PATH: `${join(exampleDir, 'node_modules/.bin')}:${process.env.PATH}` },
        timeoutMs: 120_000,
      },
    );
    expectExit(run, 0, 'esbuild');
    // Imported in a separate Node (as the Lambda runtime would), with no node_modules next to it.
    const check = await runProcess(
      process.execPath,
      [
        '--input-type=module',
        '-e',
        `const m = await import(${JSON.stringify(pathToFileURL(out).href)}); console.log(typeof m.handler);`,
      ],
      { cwd: repoRoot, env: { PATH: process.env.PATH ?? '' }, timeoutMs: 60_000 },
    );
    expectExit(check, 0, 'importing the bundle');
    expect(check.stdout.trim()).toBe('function');
  }, 180_000);
});
