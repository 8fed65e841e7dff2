// `kubeship check` and the evidence bundle, through the built binary on the testbed (a real
// control plane with KWOK nodes, the EKS token webhook, moto as AWS and S3).
import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import * as k8s from '@kubernetes/client-node';
import {
  aws,
  IMAGE_MARKERS,
  LOG_ANNOTATION_PREFIX,
  putLoadBalancerAlarm,
  putParameter,
  setAlarmState,
  type TestbedInfo,
  testbedAdmin,
} from '@kubeship/testbed';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { stringify } from 'yaml';
import { adminClients, testNamespace } from '../../../testbed/test/helpers.ts';
import { parseExports, parseXml, removeTempDirs, tempDir } from '../harness.ts';
import { buildCli, cliEnv, type ProcessRun, runProcess } from './_cli.ts';
import { deployReportSchema, errorReportSchema } from './_report-schema.ts';

let bin: string;
let info: TestbedInfo;
let clients: Awaited<ReturnType<typeof adminClients>>;
const cleanups: Array<() => Promise<void>> = [];
const id = randomBytes(3).toString('hex');

beforeAll(async () => {
  [bin, clients] = await Promise.all([buildCli(), adminClients()]);
  info = clients.info;
}, 180_000);

afterAll(async () => {
  await Promise.all(cleanups.splice(0).map((cleanup) => cleanup().catch(() => {})));
  removeTempDirs();
});

function kubeship(args: readonly string[], cwd: string, extraEnv: Record<string, string> = {}) {
  return runProcess(process.execPath, [bin, ...args], {
    cwd,
    env: cliEnv(info, extraEnv),
    timeoutMs: 110_000,
  });
}

function expectExit(run: ProcessRun, code: number): void {
  if (run.code !== code)
    throw new Error(
      `expected exit ${code}, got ${run.code}\n--- stdout\n${run.stdout}\n--- stderr\n${run.stderr}`,
    );
}

async function namespace(prefix: string): Promise<string> {
  const ns = await testNamespace(clients.kc, prefix);
  cleanups.push(ns.remove);
  return ns.name;
}

/** A project directory with a typed app in `ns`; `app` and `env` extend the app and the environment. */
function project(
  ns: string,
  extra: { app?: Record<string, unknown>; env?: Record<string, unknown> } = {},
): string {
  const dir = tempDir('kubeship-check-');
  const config = {
    app: {
      name: 'web',
      image: 'registry.local/web:1',
      ports: [{ name: 'http', containerPort: 8080 }],
      probes: { readiness: false },
      ...extra.app,
    },
    environments: {
      test: {
        cluster: { name: info.clusterName, region: info.region },
        namespace: ns,
        replicas: 2,
        timeoutSeconds: 60,
        maxRestarts: 2,
        ...extra.env,
      },
    },
  };
  writeFileSync(join(dir, 'kubeship.config.yaml'), stringify(config));
  return dir;
}

/** A project directory whose release is the given YAML templates, deployed to `ns`. */
function templatesProject(ns: string, files: Record<string, string>): string {
  const dir = tempDir('kubeship-check-');
  const config = {
    templates: { files: Object.keys(files), name: 'web', imageRepository: 'registry.local/web' },
    environments: { test: { cluster: { name: info.clusterName, region: info.region }, namespace: ns } },
  };
  writeFileSync(join(dir, 'kubeship.config.yaml'), stringify(config));
  for (const [name, text] of Object.entries(files)) writeFileSync(join(dir, name), text);
  return dir;
}

/** The resourceVersion of every object a deploy writes in `ns` (leases included). */
async function state(ns: string): Promise<Record<string, string>> {
  const lists = await Promise.all([
    clients.core.listNamespacedConfigMap({ namespace: ns }),
    clients.core.listNamespacedSecret({ namespace: ns }),
    clients.core.listNamespacedService({ namespace: ns }),
    clients.apps.listNamespacedDeployment({ namespace: ns }),
    clients.kc.makeApiClient(k8s.CoordinationV1Api).listNamespacedLease({ namespace: ns }),
  ]);
  return Object.fromEntries(
    lists.flatMap((list, i) =>
      (list.items as k8s.KubernetesObject[])
        .filter((o) => o.metadata?.name !== 'kube-root-ca.crt')
        .map((o) => [`${i}/${o.metadata?.name}`, o.metadata?.resourceVersion ?? '']),
    ),
  );
}

const leases = async (ns: string) =>
  (await clients.kc.makeApiClient(k8s.CoordinationV1Api).listNamespacedLease({ namespace: ns })).items;

describe('kubeship check (built binary, testbed)', () => {
  it('a clean check: exit 0, the dry-run and review passed, nothing changed, no lease', async () => {
    const ns = await namespace('check-ok');
    const cwd = project(ns);
    const first = await kubeship(['check', '--tag', '1', '--output', 'json'], cwd);
    expectExit(first, 0);
    const report = JSON.parse(first.stdout) as {
      command: string;
      outcome: string;
      result: { rightsReviewed: number; changes: unknown[] };
    };
    expect(report).toMatchObject({ command: 'check', outcome: 'allowed', code: null, exitCode: 0 });
    expect(report.result.rightsReviewed).toBeGreaterThan(10);
    expect(report.result.changes).toContainEqual({
      id: `Deployment ${ns}/web`,
      action: 'create',
      fields: expect.any(Array),
    });
    expect(await state(ns)).toEqual({});

    expectExit(await kubeship(['deploy', '--tag', '1'], cwd), 0);
    const before = await state(ns);
    const second = await kubeship(['check', '--tag', '2'], cwd);
    expectExit(second, 0);
    expect(second.stdout).toMatch(
      /CHECK PASSED: a deploy of release 2 would be allowed: \d+ rights reviewed, dry-run passed/,
    );
    expect(await state(ns)).toEqual(before);
    expect(await leases(ns)).toEqual([]);
  }, 120_000);

  it('fails as the deploy would: bad input, missing SSM parameter, missing right, dry-run rejection, alarm firing', async () => {
    const ns = await namespace('check-bad');
    const alarm = `kubeship-it-${id}-check-5xx`;
    putLoadBalancerAlarm(info, alarm);
    setAlarmState(info, { name: alarm, state: 'ALARM', reason: 'Threshold Crossed: 9 5xx' });
    const nobody = {
      accessKeyId: `AKIA${randomBytes(8).toString('hex').toUpperCase()}`,
      secretAccessKey: randomBytes(30).toString('base64url'),
      arn: `arn:aws:iam::${info.accountId}:user/check-nobody-${id}`,
    };
    const admin = testbedAdmin(info);
    await admin.registerCredentials(nobody);
    await admin.putAccessEntry(nobody.arn, { username: 'check-nobody', groups: ['kubeship:nobody'] });
    const missing = `/check-missing-${id}/DB_PASSWORD`;
    const cases = [
      {
        name: 'bad input',
        cwd: project(ns, { env: { replicas: -1 } }),
        code: 2,
        json: 'INVALID_INPUT',
        says: /environments\.test\.replicas/,
      },
      {
        name: 'missing SSM parameter',
        cwd: project(ns, { app: { env: { DB_PASSWORD: { ssm: missing } } } }),
        code: 2,
        json: 'SSM_PARAMETERS_MISSING',
        says: new RegExp(missing.replaceAll('/', '\\/')),
      },
      {
        name: 'missing right',
        cwd: project(ns),
        env: { AWS_ACCESS_KEY_ID: nobody.accessKeyId, AWS_SECRET_ACCESS_KEY: nobody.secretAccessKey },
        code: 3,
        json: 'FORBIDDEN',
        says: /not allowed \d+ of the \d+ rights this deploy can need; nothing was changed[\s\S]*VERB +RESOURCE +API GROUP +NAMESPACE +NEEDED FOR[\s\S]*patch +deployments +apps/,
      },
      {
        name: 'dry-run rejection',
        cwd: templatesProject(ns, {
          'app.yaml': `apiVersion: apps/v1
kind: Deployment
metadata: { name: web }
spec:
  selector: { matchLabels: { app: web } }
  template:
    metadata: { labels: { app: web } }
    spec: { containers: [{ name: web, image: registry.local/web:1, ports: [{ containerPort: 80 }] }] }
---
apiVersion: v1
kind: Service
metadata: { name: web-broken }
spec:
  clusterIP: 192.0.2.10
  selector: { app: web }
  ports: [{ port: 80 }]
`,
        }),
        code: 2,
        json: 'DRY_RUN_REJECTED',
        says: /web-broken/,
      },
      {
        name: 'alarm firing',
        cwd: project(ns, { env: { alarms: { names: [alarm], bakeSeconds: 0 } } }),
        code: 2,
        json: undefined,
        says: /not deploying: alarm .*check-5xx is ALARM \(Threshold Crossed: 9 5xx\)/,
      },
    ];
    for (const c of cases) {
      const human = await kubeship(['check', '--tag', '1'], c.cwd, c.env);
      expect(human.code, `${c.name}: ${human.stdout}${human.stderr}`).toBe(c.code);
      expect(human.stdout + human.stderr, c.name).toMatch(c.says);
      const json = await kubeship(['check', '--tag', '1', '--output', 'json'], c.cwd, c.env);
      expect(json.code, c.name).toBe(c.code);
      expect(errorReportSchema.parse(JSON.parse(json.stdout)), c.name).toMatchObject({
        command: 'check',
        exitCode: c.code,
        ...(c.json ? { code: c.json } : {}),
      });
    }
    expect(await state(ns)).toEqual({});
  }, 180_000);
});

describe('the evidence bundle (built binary, testbed, moto S3)', () => {
  const secret = `ev1d3nce-${randomBytes(12).toString('hex')}`;
  const forms = [
    secret,
    Buffer.from(secret).toString('base64'),
    Buffer.from(secret).toString('base64url'),
    Buffer.from(secret).toString('hex'),
  ];

  it('a crash-looping release: its archive (local and S3, SSE-KMS) holds the log and events, no secret; URL in JSON, JUnit, exports', async () => {
    const ns = await namespace('evidence');
    const bucket = `kubeship-evidence-${id}`;
    aws(
      ['s3api', 'create-bucket', '--bucket', bucket, '--region', info.region],
      info.aws.credentials,
      info.aws.endpointUrl,
    );
    const key = aws(
      ['kms', 'create-key', '--description', 'evidence', '--region', info.region],
      info.aws.credentials,
      info.aws.endpointUrl,
    ) as {
      KeyMetadata: { KeyId: string };
    };
    const path = `/evidence-${id}/DB_PASSWORD`;
    putParameter(info, { name: path, value: secret, keyId: key.KeyMetadata.KeyId });
    const cwd = project(ns, {
      app: {
        env: { DB_PASSWORD: { ssm: path } },
        podAnnotations: {
          [`${LOG_ANNOTATION_PREFIX}web`]:
            'starting web, build 3\nconnecting to db.internal:3306\nfatal: cannot connect to database\n',
        },
      },
    });
    expectExit(await kubeship(['deploy', '--tag', '1'], cwd), 0);

    const run = await kubeship(
      [
        'deploy',
        '--tag',
        `2-${IMAGE_MARKERS.crashLoop}`,
        '--evidence',
        'evidence',
        '--evidence-s3',
        `s3://${bucket}/web/test`,
        '--evidence-kms-key',
        key.KeyMetadata.KeyId,
        '--output',
        'json',
        '--report-junit',
        'j.xml',
        '--exports',
        'e.env',
      ],
      cwd,
    );
    expectExit(run, 1);
    const report = deployReportSchema.parse(JSON.parse(run.stdout));
    const bundle = report.result.evidenceBundle;
    expect(bundle?.url).toMatch(
      new RegExp(`^s3://${bucket}/web/test/kubeship-evidence-web-r2-.+\\.tar\\.gz$`),
    );
    expect(report.result.rollback?.healthy).toBe(true);
    const phases = report.events.flatMap((e) => (e.type === 'phase-started' ? [e.phase] : []));
    expect(phases.indexOf('evidence')).toBeLessThan(phases.indexOf('rollback'));
    expect(parseExports(readFileSync(join(cwd, 'e.env'), 'utf8')).KUBESHIP_EVIDENCE_URL).toBe(bundle?.url);
    const junit = parseXml(readFileSync(join(cwd, 'j.xml'), 'utf8'));
    expect(JSON.stringify(junit)).toContain(bundle?.url ?? 'no url');

    const local = join(cwd, 'evidence', bundle?.name ?? '');
    const s3Copy = join(mkdtempSync(join(cwd, 's3-')), 'bundle.tar.gz');
    const object = aws(
      [
        's3api',
        'get-object',
        '--bucket',
        bucket,
        '--key',
        (bucket && bundle?.url?.slice(`s3://${bucket}/`.length)) ?? '',
        s3Copy,
      ],
      info.aws.credentials,
      info.aws.endpointUrl,
    ) as { ServerSideEncryption?: string; SSEKMSKeyId?: string };
    expect(object.ServerSideEncryption).toBe('aws:kms');
    expect(object.SSEKMSKeyId).toContain(key.KeyMetadata.KeyId);
    expect(readFileSync(s3Copy)).toEqual(readFileSync(local));

    const out = mkdtempSync(join(cwd, 'x-'));
    execFileSync('tar', ['-xzf', local, '-C', out]);
    const files = readdirSync(out, { recursive: true, withFileTypes: true })
      .filter((entry) => entry.isFile())
      .map((entry) => join(entry.parentPath, entry.name));
    const logs = files.filter((file) => file.endsWith('.log'));
    expect(logs.some((file) => file.endsWith('web.previous.log'))).toBe(true);
    const previousLog = logs.find((file) => file.endsWith('web.previous.log'));
    const previous = readFileSync(previousLog ?? '', 'utf8');
    expect(previous).toBe(
      'starting web, build 3\nconnecting to db.internal:3306\nfatal: cannot connect to database\n',
    );
    // the testbed's KWOK kubelet emits no events of its own: the scheduler's and controllers' are there
    const failingPod = previousLog?.split('/').at(-2) ?? 'no pod';
    const events = JSON.parse(readFileSync(join(out, 'events.json'), 'utf8')) as Array<{
      object: string;
      reason: string;
    }>;
    expect(events).toContainEqual(
      expect.objectContaining({ object: `Pod/${failingPod}`, reason: 'Scheduled' }),
    );
    expect(events).toContainEqual(
      expect.objectContaining({ object: 'Deployment/web', reason: 'ScalingReplicaSet' }),
    );
    const containers = readFileSync(join(out, 'containers.json'), 'utf8');
    expect(containers).toContain('CrashLoopBackOff');
    expect(readFileSync(join(out, 'release.yaml'), 'utf8')).toContain('DB_PASSWORD: <redacted>');
    expect(readFileSync(join(out, 'diff.txt'), 'utf8')).toMatch(/changed Deployment .*\/web/);
    for (const file of files) {
      const text = readFileSync(file, 'utf8');
      for (const form of forms) expect(text.includes(form), file).toBe(false);
    }
    for (const form of forms) expect(run.stdout + run.stderr).not.toContain(form);
  }, 180_000);

  it('an unreachable S3: the upload is a warning and the release is still rolled back', async () => {
    const ns = await namespace('evidence-down');
    const cwd = project(ns);
    expectExit(await kubeship(['deploy', '--tag', '1'], cwd), 0);
    const run = await kubeship(
      [
        'deploy',
        '--tag',
        `2-${IMAGE_MARKERS.crashLoop}`,
        '--evidence-s3',
        's3://kubeship-nowhere/x',
        '--output',
        'json',
      ],
      cwd,
      { AWS_ENDPOINT_URL_S3: 'http://127.0.0.1:9', KUBESHIP_AWS_TIMEOUT: '5' },
    );
    expectExit(run, 1);
    const report = deployReportSchema.parse(JSON.parse(run.stdout));
    expect(report.outcome).toBe('rolled-back');
    expect(report.result.evidenceBundle).toBeUndefined();
    expect(report.result.warnings.join('\n')).toMatch(
      /the evidence bundle could not be uploaded to s3:\/\/kubeship-nowhere\/x/,
    );
  }, 120_000);
});
