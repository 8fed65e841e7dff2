// The `kubeship` binary, built as npx runs it, against the shared testbed: a real control plane
// with KWOK nodes, the EKS token webhook and moto as AWS. Every run is a separate process.
import { type ChildProcess, execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { chmodSync, existsSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import * as k8s from '@kubernetes/client-node';
import { aws, IMAGE_MARKERS, type TestbedInfo, testbedAdmin } from '@kubeship/testbed';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parse as parseYaml, stringify } from 'yaml';
import { adminClients, testNamespace, watchUntil } from '../../../testbed/test/helpers.ts';
import { parseExports, parseXml, removeTempDirs, tempDir, type XmlElement } from '../harness.ts';
import { buildCli, cliEnv, type ProcessRun, runProcess } from './_cli.ts';
import { type DeployReport, deployReportSchema, errorReportSchema } from './_report-schema.ts';

type Clients = Awaited<ReturnType<typeof adminClients>>;
let bin: string;
let info: TestbedInfo;
let clients: Clients;
const cleanups: Array<() => Promise<void>> = [];
/** Every CLI invocation of this file, for the secrets check at the end. */
const outputs: Array<{ args: readonly string[]; stdout: string; stderr: string }> = [];

beforeAll(async () => {
  [bin, clients] = await Promise.all([buildCli(), adminClients()]);
  info = clients.info;
}, 180_000);

afterAll(async () => {
  await Promise.all(cleanups.splice(0).map((cleanup) => cleanup().catch(() => {})));
  removeTempDirs();
});

/** Runs the built `kubeship` in `cwd`, with the testbed's AWS environment unless `env` is given. */
async function kubeship(
  args: readonly string[],
  options: {
    cwd: string;
    env?: NodeJS.ProcessEnv;
    extraEnv?: Record<string, string | undefined>;
    onSpawn?: (child: ChildProcess) => void;
  },
): Promise<ProcessRun> {
  const run = await runProcess(process.execPath, [bin, ...args], {
    cwd: options.cwd,
    env: options.env ?? cliEnv(info, options.extraEnv),
    timeoutMs: 110_000,
    ...(options.onSpawn ? { onSpawn: options.onSpawn } : {}),
  });
  outputs.push({ args, stdout: run.stdout, stderr: run.stderr });
  return run;
}

/** Fails with the CLI's own output when the exit code is not the expected one. */
function expectExit(run: ProcessRun, code: number): void {
  if (run.code !== code) {
    throw new Error(
      `expected exit ${code}, got ${run.code}\n--- stdout\n${run.stdout}\n--- stderr\n${run.stderr}`,
    );
  }
}

async function namespace(prefix: string): Promise<string> {
  const ns = await testNamespace(clients.kc, prefix);
  cleanups.push(ns.remove);
  return ns.name;
}

/** The typed app (a plain object: YAML and JSON configs carry no functions). */
function app(extra: Record<string, unknown> = {}) {
  return {
    name: 'web',
    image: 'registry.local/web:1',
    ports: [{ name: 'http', containerPort: 8080 }],
    probes: { readiness: false },
    ...extra,
  };
}

/** An environment on the testbed's EKS cluster. */
function environment(ns: string, extra: Record<string, unknown> = {}) {
  return {
    cluster: { name: info.clusterName, region: info.region },
    namespace: ns,
    replicas: 2,
    timeoutSeconds: 60,
    maxRestarts: 2,
    ...extra,
  };
}

/** A project directory holding kubeship.config.yaml (and any other files). */
function project(config: Record<string, unknown>, files: Record<string, string> = {}): string {
  const dir = tempDir('kubeship-e2e-');
  writeFileSync(join(dir, 'kubeship.config.yaml'), stringify(config));
  for (const [name, text] of Object.entries(files)) writeFileSync(join(dir, name), text);
  return dir;
}

async function deploymentOf(ns: string, name = 'web'): Promise<k8s.V1Deployment> {
  return clients.apps.readNamespacedDeployment({ name, namespace: ns });
}

async function podsOf(ns: string): Promise<k8s.V1Pod[]> {
  return (await clients.core.listNamespacedPod({ namespace: ns })).items.filter(
    (p) => !p.metadata?.deletionTimestamp,
  );
}

/** What a namespace holds besides what Kubernetes puts in every namespace. */
async function contentsOf(ns: string): Promise<string[]> {
  const [deployments, services, configMaps, secrets, leases, pods] = await Promise.all([
    clients.apps.listNamespacedDeployment({ namespace: ns }),
    clients.core.listNamespacedService({ namespace: ns }),
    clients.core.listNamespacedConfigMap({ namespace: ns }),
    clients.core.listNamespacedSecret({ namespace: ns }),
    clients.kc.makeApiClient(k8s.CoordinationV1Api).listNamespacedLease({ namespace: ns }),
    clients.core.listNamespacedPod({ namespace: ns }),
  ]);
  return [
    ...deployments.items.map((o) => `Deployment/${o.metadata?.name}`),
    ...services.items.map((o) => `Service/${o.metadata?.name}`),
    ...configMaps.items
      .filter((o) => o.metadata?.name !== 'kube-root-ca.crt')
      .map((o) => `ConfigMap/${o.metadata?.name}`),
    ...secrets.items.map((o) => `Secret/${o.metadata?.name}`),
    ...leases.items.map((o) => `Lease/${o.metadata?.name}`),
    ...pods.items.map((o) => `Pod/${o.metadata?.name}`),
  ];
}

function report(run: ProcessRun): DeployReport {
  const parsed = deployReportSchema.safeParse(JSON.parse(run.stdout));
  if (!parsed.success)
    throw new Error(`the JSON report breaks its schema: ${parsed.error.message}\n${run.stdout}`);
  return parsed.data;
}

const child = (element: XmlElement, name: string) => {
  const found = element.children.filter((c) => c.name === name);
  expect(found, `<${element.name}> has one <${name}>`).toHaveLength(1);
  return found[0] as XmlElement;
};

const CODEBUILD = (commit: string) => ({
  CODEBUILD_BUILD_ID: `web-deploy:${commit}-build`,
  CODEBUILD_RESOLVED_SOURCE_VERSION: commit,
  CODEBUILD_INITIATOR: 'codepipeline/web',
});

describe('kubeship deploy (built binary, testbed)', () => {
  it('deploys and verifies: exit 0, JSON report, JUnit file and exports file; then status, a rolling update and rollback', async () => {
    const ns = await namespace('cli-ok');
    const cwd = project({ app: app(), environments: { test: environment(ns) } });
    const run = await kubeship(
      ['deploy', '--output', 'json', '--report-junit', 'junit.xml', '--exports', 'deploy.env'],
      { cwd, extraEnv: CODEBUILD('1a2b3c4') },
    );
    expectExit(run, 0);

    // stdout is one JSON document; human notes go to stderr
    const json = report(run);
    expect(json).toMatchObject({
      command: 'deploy',
      environment: 'test',
      exitCode: 0,
      image: 'registry.local/web:1a2b3c4',
      outcome: 'deployed',
      code: null,
      result: {
        deployments: [
          {
            namespace: ns,
            name: 'web',
            revisionBefore: 0,
            revisionAfter: 1,
            images: ['registry.local/web:1a2b3c4'],
            verdict: 'complete',
          },
        ],
      },
    });
    expect(json.events.map((e) => e.type)).toEqual(expect.arrayContaining(['plan', 'rollout-complete']));
    expect(json.result.changes.map((c) => c.id)).toEqual(
      expect.arrayContaining([`Deployment ${ns}/web`, `Service ${ns}/web`]),
    );
    expect(run.stderr).toContain(`deploy web to test (namespace ${ns}) with registry.local/web:1a2b3c4`);
    expect(run.stderr).toContain(`connected: EKS cluster ${info.clusterName}`);

    // the cluster agrees
    const deployment = await deploymentOf(ns);
    expect(deployment.spec?.template.spec?.containers[0]?.image).toBe('registry.local/web:1a2b3c4');
    expect(deployment.status?.readyReplicas).toBe(2);
    expect(deployment.metadata?.annotations?.['kubernetes.io/change-cause']).toBe(
      'kubeship deploy registry.local/web:1a2b3c4, commit 1a2b3c4, build web-deploy:1a2b3c4-build, by codepipeline/web',
    );

    // JUnit: one passing test case
    const junit = parseXml(readFileSync(join(cwd, 'junit.xml'), 'utf8'));
    expect(junit).toMatchObject({ name: 'testsuites', attributes: { tests: '1', failures: '0' } });
    const suite = child(junit, 'testsuite');
    expect(suite.attributes).toMatchObject({ name: 'kubeship deploy (test)', tests: '1', failures: '0' });
    const testcase = child(suite, 'testcase');
    expect(testcase.attributes.name).toBe(`${ns}/web rolls out registry.local/web:1a2b3c4`);
    expect(testcase.children).toEqual([]);

    // exports
    expect(parseExports(readFileSync(join(cwd, 'deploy.env'), 'utf8'))).toEqual({
      KUBESHIP_IMAGE: 'registry.local/web:1a2b3c4',
      KUBESHIP_IMAGE_DIGEST: '',
      KUBESHIP_REVISION: '1',
      KUBESHIP_OUTCOME: 'deployed',
      KUBESHIP_ROLLED_BACK: 'false',
      KUBESHIP_EXIT_CODE: '0',
      KUBESHIP_STRATEGY: 'rolling',
      KUBESHIP_LAST_STEP: '',
      KUBESHIP_EVIDENCE_URL: '',
    });

    // status, human and JSON
    const status = await kubeship(['status'], { cwd });
    expectExit(status, 0);
    expect(status.stdout).toMatch(
      /^test: web: 2\/2 updated, 2\/2 available; complete\n {2}revision 1, image registry\.local\/web:1a2b3c4\n$/,
    );
    const statusJson = await kubeship(['status', '--output', 'json'], { cwd });
    expectExit(statusJson, 0);
    expect(JSON.parse(statusJson.stdout)).toMatchObject({
      environment: 'test',
      namespace: ns,
      name: 'web',
      revision: 1,
      images: ['registry.local/web:1a2b3c4'],
      state: { phase: 'complete' },
    });

    // a rolling update in human output (one line per event, elapsed time, summary)
    const update = await kubeship(['deploy', '--tag', '5d6e7f8'], { cwd });
    expectExit(update, 0);
    expect(update.stdout).toMatch(/^\[ +\d+\.\ds\] /m);
    expect(update.stdout).toContain(`~ Deployment ${ns}/web`);
    expect(update.stdout).toMatch(/web: 2\/2 updated, 2\/2 available: verified healthy/);
    expect(update.stdout).not.toContain('\u001b['); // no colours off a terminal
    expect((await deploymentOf(ns)).spec?.template.spec?.containers[0]?.image).toBe(
      'registry.local/web:5d6e7f8',
    );

    // diff: nothing would change now; a new tag would change the image
    const same = await kubeship(['diff', '--tag', '5d6e7f8'], { cwd });
    expectExit(same, 0);
    expect(same.stdout).toMatch(/^0 of \d+ objects would change$/m);
    const different = await kubeship(['diff', '--tag', 'abcdef0', '--output', 'json'], { cwd });
    expectExit(different, 0);
    const changes = JSON.parse(different.stdout) as { changes: Array<{ id: string; action: string }> };
    expect(changes.changes).toContainEqual(
      expect.objectContaining({ id: `Deployment ${ns}/web`, action: 'update' }),
    );

    // rollback to the previous revision, verified
    const back = await kubeship(['rollback', '--output', 'json', '--exports', 'rollback.env'], { cwd });
    expectExit(back, 0);
    expect(report(back)).toMatchObject({
      command: 'rollback',
      outcome: 'deployed',
      result: {
        deployments: [{ revisionBefore: 2, images: ['registry.local/web:1a2b3c4'], verdict: 'complete' }],
      },
    });
    expect((await deploymentOf(ns)).spec?.template.spec?.containers[0]?.image).toBe(
      'registry.local/web:1a2b3c4',
    );
    expect(parseExports(readFileSync(join(cwd, 'rollback.env'), 'utf8')).KUBESHIP_OUTCOME).toBe('deployed');

    // history: every release recorded in the cluster, the rollback as a new one restoring release 1
    const history = await kubeship(['history', '--output', 'json'], { cwd });
    expectExit(history, 0);
    const releases = (JSON.parse(history.stdout) as { releases: Array<Record<string, unknown>> }).releases;
    expect(releases.map((r) => [r.revision, r.outcome, r.restoredFrom])).toEqual([
      [1, 'deployed', undefined],
      [2, 'deployed', undefined],
      [3, 'deployed', 1],
    ]);
    const table = await kubeship(['history'], { cwd });
    expect(table.stdout).toMatch(/^ +3 +deployed .*registry\.local\/web:1a2b3c4 \(restores 1\)/m);
  });

  it('a crashing release is caught early, rolled back and verified: exit 1, with evidence in JSON, JUnit and exports', async () => {
    const ns = await namespace('cli-crash');
    const cwd = project({ app: app(), environments: { test: environment(ns) } });
    expectExit(await kubeship(['deploy', '--tag', 'good'], { cwd }), 0);

    const started = Date.now();
    const bad = `bad-${IMAGE_MARKERS.crashLoop}`;
    const run = await kubeship(
      ['deploy', '--tag', bad, '--output', 'json', '--report-junit', 'junit.xml', '--exports', 'deploy.env'],
      { cwd },
    );
    expectExit(run, 1);
    expect(Date.now() - started).toBeLessThan(45_000); // long before the 60 s timeout

    const json = report(run);
    expect(json).toMatchObject({ outcome: 'rolled-back', code: 'ROLLOUT_FAILED', exitCode: 1 });
    const [outcome] = json.result.deployments;
    expect(outcome).toMatchObject({
      verdict: 'failed',
      reason: expect.stringMatching(/CrashLoopBackOff|restart/i),
      rollback: { healthy: true, images: ['registry.local/web:good'] },
    });
    expect(outcome?.evidence?.doomed.length).toBeGreaterThan(0);
    expect(json.events.map((e) => e.type)).toEqual(
      expect.arrayContaining(['rollout-failed', 'evidence', 'rollback-started', 'rolled-back']),
    );

    const deployment = await deploymentOf(ns);
    expect(deployment.spec?.template.spec?.containers[0]?.image).toBe('registry.local/web:good');
    expect(deployment.status?.readyReplicas).toBe(2);

    const suite = child(parseXml(readFileSync(join(cwd, 'junit.xml'), 'utf8')), 'testsuite');
    expect(suite.attributes).toMatchObject({ tests: '1', failures: '1' });
    const testcase = child(suite, 'testcase');
    expect(testcase.attributes.name).toBe(`${ns}/web rolls out registry.local/web:${bad}`);
    const failure = child(testcase, 'failure');
    expect(failure.attributes.message).toMatch(/^failed: /);
    expect(failure.text).toMatch(/^pod web-/m);
    expect(failure.text).toMatch(/^rollback to revision 1: healthy$/m);

    expect(parseExports(readFileSync(join(cwd, 'deploy.env'), 'utf8'))).toMatchObject({
      KUBESHIP_IMAGE: `registry.local/web:${bad}`,
      KUBESHIP_OUTCOME: 'rolled-back',
      KUBESHIP_ROLLED_BACK: 'true',
      KUBESHIP_EXIT_CODE: '1',
    });
  });

  it('a first deploy that fails has nothing to roll back to: exit 5, a human must look', async () => {
    const ns = await namespace('cli-first');
    const cwd = project({ app: app(), environments: { test: environment(ns) } });
    const run = await kubeship(
      ['deploy', '--tag', `1-${IMAGE_MARKERS.crashLoop}`, '--exports', 'deploy.env'],
      { cwd },
    );
    expectExit(run, 5);
    expect(run.stdout).toMatch(/rollout failed/);
    expect(run.stdout).toMatch(/first release: there is nothing to go back to/);
    expect(run.stdout).toMatch(/a human must look/);
    expect(parseExports(readFileSync(join(cwd, 'deploy.env'), 'utf8'))).toMatchObject({
      KUBESHIP_OUTCOME: 'failed',
      KUBESHIP_ROLLED_BACK: 'false',
      KUBESHIP_EXIT_CODE: '5',
    });
  });

  it('waiting longer than --wait-for-lock for another deploy of the app: exit 4, that deploy unharmed', async () => {
    const ns = await namespace('cli-lock');
    const cwd = project({ app: app(), environments: { test: environment(ns, { replicas: 1 }) } });
    expectExit(await kubeship(['deploy', '--tag', 'one'], { cwd }), 0);
    const slow = kubeship(['deploy', '--tag', `two-${IMAGE_MARKERS.slowReady}`], {
      cwd,
      extraEnv: CODEBUILD('two-slowready'),
    });
    await watchUntil(
      clients.kc,
      `/apis/coordination.k8s.io/v1/namespaces/${ns}/leases`,
      (leases) => leases.length > 0,
      {
        timeoutMs: 30_000,
      },
    );
    const started = Date.now();
    const locked = await kubeship(['deploy', '--tag', 'three', '--wait-for-lock', '1', '--output', 'json'], {
      cwd,
    });
    expectExit(locked, 4);
    expect(Date.now() - started).toBeLessThan(15_000);
    const error = errorReportSchema.parse(JSON.parse(locked.stdout));
    expect(error).toMatchObject({ code: 'DEPLOY_LOCKED', exitCode: 4 });
    expect(error.message).toContain('web-deploy:two-slowready-build');
    expectExit(await slow, 0);
    expect((await deploymentOf(ns)).spec?.template.spec?.containers[0]?.image).toBe(
      `registry.local/web:two-${IMAGE_MARKERS.slowReady}`,
    );
  });

  it('SIGTERM (CodeBuild stopping the build), even twice, ends the watch, reports, releases the lease: exit 4, no rollback', async () => {
    const ns = await namespace('cli-term');
    const cwd = project({ app: app(), environments: { test: environment(ns, { replicas: 1 }) } });
    expectExit(await kubeship(['deploy', '--tag', 'one'], { cwd }), 0);
    let deploy: ChildProcess | undefined;
    const running = kubeship(['deploy', '--tag', `two-${IMAGE_MARKERS.slowReady}`, '--exports', 'e.env'], {
      cwd,
      onSpawn: (child) => {
        deploy = child;
      },
    });
    // the rollout is under way once the new ReplicaSet's pod exists
    await watchUntil<k8s.V1Pod>(
      clients.kc,
      `/api/v1/namespaces/${ns}/pods`,
      (pods) => pods.some((p) => p.spec?.containers[0]?.image?.includes(IMAGE_MARKERS.slowReady)),
      { timeoutMs: 30_000 },
    );
    const stopping = new Promise<void>((resolve) => {
      deploy?.stderr?.on('data', (chunk: Buffer | string) => {
        if (String(chunk).includes('received SIGTERM')) resolve();
      });
    });
    deploy?.kill('SIGTERM');
    // a second signal (an impatient stop) must neither exit 130 nor leave the lease behind
    await stopping;
    deploy?.kill('SIGTERM');
    const run = await running;
    expectExit(run, 4);
    expect(run.stderr).toContain('received SIGTERM');
    expect(run.stderr).toContain('received SIGTERM again; still giving the deploy lease back');
    expect(run.stdout).toMatch(/interrupted/i);
    expect(parseExports(readFileSync(join(cwd, 'e.env'), 'utf8'))).toMatchObject({
      KUBESHIP_OUTCOME: 'failed',
      KUBESHIP_EXIT_CODE: '4',
    });
    // left as it was (no rollback while interrupted), and the lease is free for the next deploy
    expect((await deploymentOf(ns)).spec?.template.spec?.containers[0]?.image).toBe(
      `registry.local/web:two-${IMAGE_MARKERS.slowReady}`,
    );
    expect((await contentsOf(ns)).filter((o) => o.startsWith('Lease/'))).toEqual([]);
    expectExit(await kubeship(['deploy', '--tag', 'three'], { cwd }), 0);
  });

  // strategy recreate: the rollback needs new pods, so its verification needs its own time budget
  it('a rollout that does not finish in --timeout is rolled back and verified: exit 4', async () => {
    const ns = await namespace('cli-slow');
    const cwd = project({
      app: app({ strategy: 'recreate' }),
      environments: { test: environment(ns, { replicas: 1 }) },
    });
    expectExit(await kubeship(['deploy', '--tag', 'fast'], { cwd }), 0);
    const started = Date.now();
    const run = await kubeship(
      ['deploy', '--tag', `2-${IMAGE_MARKERS.slowReady}`, '--timeout', '2', '--output', 'json'],
      { cwd },
    );
    expect(Date.now() - started).toBeLessThan(30_000);
    expectExit(run, 4);
    const json = report(run);
    expect(json).toMatchObject({ outcome: 'rolled-back', code: 'ROLLOUT_TIMEOUT', exitCode: 4 });
    expect(json.result.deployments[0]).toMatchObject({
      verdict: 'timeout',
      reason: 'RolloutTimeout',
      rollback: { healthy: true, images: ['registry.local/web:fast'] },
    });
    const deployment = await deploymentOf(ns);
    expect(deployment.spec?.template.spec?.containers[0]?.image).toBe('registry.local/web:fast');
    expect(deployment.status?.readyReplicas).toBe(1);
  });
});

describe('kubeship refuses before changing anything (built binary, testbed)', () => {
  it('bad configuration: exit 2 and the namespace stays empty', async () => {
    const ns = await namespace('cli-bad');
    const missing = `/cli-missing-${randomBytes(4).toString('hex')}/DB_PASSWORD`;
    const cases: Array<{ name: string; cwd: string; expect: RegExp[]; code: RegExp }> = [
      {
        name: 'schema error',
        cwd: project({ app: app(), environments: { test: environment(ns, { replicas: -1, tiemout: 3 }) } }),
        expect: [/environments\.test\.replicas: /, /environments\.test: Unrecognized key: "tiemout"/],
        code: /^INVALID_INPUT$/,
      },
      {
        name: 'missing SSM parameter',
        cwd: project({
          app: app({ env: { DB_PASSWORD: { ssm: missing } } }),
          environments: { test: environment(ns) },
        }),
        expect: [new RegExp(missing.replaceAll('/', '\\/'))],
        code: /^SSM_PARAMETERS_MISSING$/,
      },
      {
        name: 'a template kubeship itself finds invalid',
        cwd: project(
          { templates: { files: ['app.yaml'], name: 'web' }, environments: { test: environment(ns) } },
          {
            'app.yaml': `apiVersion: apps/v1
kind: Deployment
metadata: { name: web }
spec:
  selector: { matchLabels: { app: web } }
  template:
    metadata: { labels: { app: not-web } }
    spec: { containers: [{ name: web, image: registry.local/web:1 }] }
`,
          },
        ),
        expect: [/app\.yaml/, /selector does not match/],
        code: /^INVALID_MANIFEST$/,
      },
      {
        name: 'objects only the API server rejects (server-side dry-run of the whole set)',
        cwd: project(
          { templates: { files: ['app.yaml'], name: 'web' }, environments: { test: environment(ns) } },
          {
            'app.yaml': `apiVersion: v1
kind: ConfigMap
metadata: { name: web-settings }
data: { A: "1" }
---
apiVersion: apps/v1
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
          },
        ),
        expect: [/web-broken/],
        code: /^DRY_RUN_REJECTED$/,
      },
    ];
    for (const c of cases) {
      const human = await kubeship(['deploy'], { cwd: c.cwd });
      expect(human.code, `${c.name}: ${human.stderr}`).toBe(2);
      for (const pattern of c.expect) expect(human.stderr, c.name).toMatch(pattern);
      const json = await kubeship(['deploy', '--output', 'json'], { cwd: c.cwd });
      expect(json.code, c.name).toBe(2);
      expect(errorReportSchema.parse(JSON.parse(json.stdout)), c.name).toMatchObject({
        command: 'deploy',
        code: expect.stringMatching(c.code),
        exitCode: 2,
      });
    }
    expect(await contentsOf(ns)).toEqual([]);
  });

  it('credentials the cluster does not know: exit 3 (UNAUTHORIZED), nothing created', async () => {
    const ns = await namespace('cli-401');
    const cwd = project({ app: app(), environments: { test: environment(ns) } });
    const stranger = {
      AWS_ACCESS_KEY_ID: `AKIA${randomBytes(8).toString('hex').toUpperCase()}`,
      AWS_SECRET_ACCESS_KEY: randomBytes(30).toString('base64url'),
    };
    const run = await kubeship(['deploy', '--output', 'json'], { cwd, extraEnv: stranger });
    expectExit(run, 3);
    expect(errorReportSchema.parse(JSON.parse(run.stdout))).toMatchObject({
      code: 'UNAUTHORIZED',
      exitCode: 3,
    });
    expect(await contentsOf(ns)).toEqual([]);
  });

  it('a principal without RBAC permissions: exit 3 (FORBIDDEN), nothing created', async () => {
    const ns = await namespace('cli-403');
    const cwd = project({ app: app(), environments: { test: environment(ns) } });
    const credentials = {
      accessKeyId: `AKIA${randomBytes(8).toString('hex').toUpperCase()}`,
      secretAccessKey: randomBytes(30).toString('base64url'),
      arn: `arn:aws:iam::${info.accountId}:user/cli-nobody-${randomBytes(3).toString('hex')}`,
    };
    const admin = testbedAdmin(info);
    await admin.registerCredentials(credentials);
    await admin.putAccessEntry(credentials.arn, { username: 'cli-nobody', groups: ['kubeship:nobody'] });
    cleanups.push(() => admin.deleteAccessEntry(credentials.arn));
    const run = await kubeship(['deploy'], {
      cwd,
      extraEnv: {
        AWS_ACCESS_KEY_ID: credentials.accessKeyId,
        AWS_SECRET_ACCESS_KEY: credentials.secretAccessKey,
      },
    });
    expectExit(run, 3);
    expect(run.stderr).toMatch(/forbidden|not allowed|cannot/i);
    expect(await contentsOf(ns)).toEqual([]);
  });
});

describe('kubeship promote (built binary, testbed)', () => {
  it('deploys to the target the exact image, by digest, that runs healthy in the source', async () => {
    const [source, target] = await Promise.all([namespace('cli-src'), namespace('cli-dst')]);
    const cwd = project({
      app: app(),
      environments: { test: environment(source), prod: environment(target, { replicas: 3 }) },
    });
    expectExit(await kubeship(['deploy', '--env', 'test', '--tag', '7e57ab1e'], { cwd }), 0);

    const run = await kubeship(
      ['promote', '--from', 'test', '--to', 'prod', '--output', 'json', '--exports', 'p.env'],
      {
        cwd,
      },
    );
    expectExit(run, 0);
    const json = report(run);
    expect(json).toMatchObject({ command: 'promote', environment: 'prod', outcome: 'deployed' });
    expect(json.image).toMatch(/^registry\.local\/web@sha256:[0-9a-f]{64}$/);

    const imageIds = async (ns: string) =>
      (await podsOf(ns)).flatMap((p) => p.status?.containerStatuses?.map((c) => c.imageID ?? '') ?? []);
    const [sourceIds, targetIds] = await Promise.all([imageIds(source), imageIds(target)]);
    expect(sourceIds).toHaveLength(2);
    expect(targetIds).toHaveLength(3);
    const digest = sourceIds[0] ?? '';
    expect(digest).toMatch(/@sha256:[0-9a-f]{64}$/);
    expect(new Set([...sourceIds, ...targetIds])).toEqual(new Set([digest]));
    expect(json.image).toBe(digest);
    expect((await deploymentOf(target)).spec?.template.spec?.containers[0]?.image).toBe(digest);
    expect(parseExports(readFileSync(join(cwd, 'p.env'), 'utf8'))).toMatchObject({
      KUBESHIP_IMAGE: digest,
      KUBESHIP_IMAGE_DIGEST: digest.slice(digest.indexOf('@') + 1),
    });
  });

  it('refuses when the source is not healthy: exit 2, target untouched', async () => {
    const [source, target] = await Promise.all([namespace('cli-src'), namespace('cli-dst')]);
    const cwd = project({
      app: app(),
      environments: { test: environment(source, { rollback: false }), prod: environment(target) },
    });
    expectExit(
      await kubeship(['deploy', '--env', 'test', '--tag', `x-${IMAGE_MARKERS.crashLoop}`], { cwd }),
      5,
    );
    const run = await kubeship(['promote', '--from', 'test', '--to', 'prod'], { cwd });
    expectExit(run, 2);
    expect(run.stderr).toContain('refusing to promote from test');
    expect(await contentsOf(target)).toEqual([]);
  });
});

describe('kubectl with the kubeconfig of `kubeship kubeconfig` (built binary, testbed)', () => {
  it('lists namespaces through the EKS token webhook, the exec user running kubeship token', async () => {
    const kubectl = [
      '/usr/bin/kubectl',
      ...(process.env.PATH ?? '').split(':').map((d) => join(d, 'kubectl')),
    ].find((p) => existsSync(p));
    if (!kubectl) {
      throw new Error(
        'kubectl is not installed (looked in /usr/bin and PATH): CI machines have it; install it to run this test',
      );
    }
    const dir = tempDir('kubeship-kubectl-');
    const wrapper = join(dir, 'kubeship');
    writeFileSync(wrapper, `#!/bin/sh\nexec "${process.execPath}" "${bin}" "$@"\n`);
    chmodSync(wrapper, 0o755);

    const made = await kubeship(
      [
        'kubeconfig',
        '--cluster-name',
        info.clusterName,
        '--region',
        info.region,
        '--out',
        'kubeconfig',
        '--alias',
        'testbed',
      ],
      { cwd: dir, extraEnv: { KUBESHIP_EXEC_COMMAND: wrapper } },
    );
    expectExit(made, 0);
    const file = join(dir, 'kubeconfig');
    expect(statSync(file).mode & 0o777).toBe(0o600);
    const text = readFileSync(file, 'utf8');
    const kubeconfig = parseYaml(text) as {
      'current-context': string;
      clusters: Array<{ cluster: { server: string } }>;
      users: Array<{ user: { exec: { command: string; args: string[]; apiVersion: string } } }>;
    };
    expect(kubeconfig['current-context']).toBe('testbed');
    expect(kubeconfig.clusters[0]?.cluster.server).toBe(info.endpoint);
    expect(kubeconfig.users[0]?.user.exec).toMatchObject({
      command: wrapper,
      args: ['token', '--cluster-name', info.clusterName, '--region', info.region],
    });
    expect(text).not.toMatch(/token:|k8s-aws-v1|client-key-data|password/);

    const ns = await namespace('cli-kubectl');
    const env = cliEnv(info, { HOME: dir, KUBECONFIG: file });
    const listed = await runProcess(kubectl, ['get', 'namespaces', '-o', 'name'], {
      cwd: dir,
      env,
      timeoutMs: 60_000,
    });
    if (listed.code !== 0) throw new Error(`kubectl failed (${listed.code}): ${listed.stderr}`);
    expect(listed.stdout.split('\n')).toEqual(
      expect.arrayContaining(['namespace/default', 'namespace/kube-system', `namespace/${ns}`]),
    );
    // and the webhook saw kubeship's principal, not the admin certificate
    const who = await runProcess(kubectl, ['auth', 'whoami', '-o', 'json'], {
      cwd: dir,
      env,
      timeoutMs: 60_000,
    });
    if (who.code !== 0) throw new Error(`kubectl auth whoami failed (${who.code}): ${who.stderr}`);
    expect(JSON.parse(who.stdout)).toMatchObject({
      status: { userInfo: { username: 'kubeship-testbed-admin', extra: { arn: [info.aws.principalArn] } } },
    });
  });
});

describe('secrets never reach the output', () => {
  const secret = `s3cr3t-${randomBytes(12).toString('hex')}`;

  it('deploys an app whose SSM SecureString reaches the cluster, through deploy, render, diff, status and a failure', async () => {
    const ns = await namespace('cli-secret');
    const path = `/cli-${randomBytes(4).toString('hex')}`;
    const key = aws(
      ['kms', 'create-key', '--description', 'cli e2e', '--region', info.region],
      info.aws.credentials,
      info.aws.endpointUrl,
    ) as {
      KeyMetadata: { KeyId: string };
    };
    aws(
      [
        'ssm',
        'put-parameter',
        '--name',
        `${path}/DB_PASSWORD`,
        '--value',
        secret,
        '--type',
        'SecureString',
        '--key-id',
        key.KeyMetadata.KeyId,
        '--region',
        info.region,
      ],
      info.aws.credentials,
      info.aws.endpointUrl,
    );
    const cwd = project({
      app: app({ env: { DB_PASSWORD: { ssm: `${path}/DB_PASSWORD` }, PLAIN: 'visible' } }),
      environments: { test: environment(ns) },
    });
    const runs = [
      await kubeship(['deploy', '--tag', 'one'], { cwd }),
      await kubeship(
        ['deploy', '--tag', 'two', '--output', 'json', '--report-junit', 'j.xml', '--exports', 'e.env'],
        {
          cwd,
        },
      ),
      await kubeship(['render', '--resolve-ssm'], { cwd }),
      await kubeship(['render'], { cwd }),
      await kubeship(['diff', '--tag', 'three'], { cwd }),
      await kubeship(['diff', '--tag', 'three', '--output', 'json'], { cwd }),
      await kubeship(['status', '--output', 'json'], { cwd }),
      await kubeship(
        ['deploy', '--tag', `three-${IMAGE_MARKERS.crashLoop}`, '--output', 'json', '--evidence', 'evidence'],
        { cwd },
      ),
      await kubeship(['deploy', '--tag', `four-${IMAGE_MARKERS.crashLoop}`], { cwd }),
    ];
    expect(runs.map((r) => r.code)).toEqual([0, 0, 0, 0, 0, 0, 0, 1, 1]);
    expect(runs[2]?.stdout).toContain('<redacted>');

    // the value did reach the cluster: the Secret holds it and the pods read it from there
    const secrets = (await clients.core.listNamespacedSecret({ namespace: ns })).items;
    const values = secrets.flatMap((s) => Object.values(s.data ?? {}));
    expect(values).toContain(Buffer.from(secret).toString('base64'));
    for (const file of ['j.xml', 'e.env'])
      expect(readFileSync(join(cwd, file), 'utf8')).not.toContain(secret);
    // the failed release's evidence bundle: every file of the archive, in every form of the value
    const [archive] = readdirSync(join(cwd, 'evidence'));
    const unpacked = tempDir('kubeship-evidence-');
    execFileSync('tar', ['-xzf', join(cwd, 'evidence', archive ?? 'none'), '-C', unpacked]);
    const files = readdirSync(unpacked, { recursive: true, withFileTypes: true }).filter((e) => e.isFile());
    expect(files.map((e) => e.name)).toEqual(
      expect.arrayContaining(['release.yaml', 'report.json', 'events.json']),
    );
    const forms = [
      secret,
      ...(['base64', 'base64url', 'hex'] as const).map((f) => Buffer.from(secret).toString(f)),
    ];
    for (const entry of files) {
      const text = readFileSync(join(entry.parentPath, entry.name), 'utf8');
      for (const form of forms) expect(text.includes(form), `${entry.name} holds the value`).toBe(false);
    }
  });

  it('no stdout or stderr of any kubeship run in this file holds the value or its base64', () => {
    expect(outputs.length).toBeGreaterThan(20);
    const forms = [
      secret,
      Buffer.from(secret).toString('base64'),
      Buffer.from(secret).toString('base64url'),
      Buffer.from(secret).toString('hex'),
    ];
    for (const { args, stdout, stderr } of outputs) {
      for (const form of forms) {
        expect(stdout.includes(form), `stdout of kubeship ${args.join(' ')}`).toBe(false);
        expect(stderr.includes(form), `stderr of kubeship ${args.join(' ')}`).toBe(false);
      }
    }
  });
});
