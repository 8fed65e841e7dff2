// A new team's first hour (issue 25), through the built `kubeship` binary on the testbed: SSM
// values that reach the app's containers of a templates config, a user ConfigMap whose change
// rolls the pods, an unread config that warns, render's placeholders, the variables `testbed up`
// prints driving an EKS-style deploy, `uninstall` leaving nothing of the release behind, and
// `./dev kubeship`.
import { randomBytes } from 'node:crypto';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import * as k8s from '@kubernetes/client-node';
import { aws, putParameter, sandboxVariables, type TestbedInfo } from '@kubeship/testbed';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { stringify } from 'yaml';
import { adminClients, testNamespace } from '../../../testbed/test/helpers.ts';
import { removeTempDirs, tempDir } from '../harness.ts';
import { buildCli, cliEnv, type ProcessRun, REPO_ROOT, runProcess } from './_cli.ts';

let bin: string;
let info: TestbedInfo;
let clients: Awaited<ReturnType<typeof adminClients>>;
const cleanups: Array<() => Promise<void>> = [];

beforeAll(async () => {
  [bin, clients] = await Promise.all([buildCli(), adminClients()]);
  info = clients.info;
}, 180_000);

afterAll(async () => {
  await Promise.all(cleanups.splice(0).map((cleanup) => cleanup().catch(() => {})));
  removeTempDirs();
});

async function kubeship(
  args: readonly string[],
  cwd: string,
  expected = 0,
  env: NodeJS.ProcessEnv = cliEnv(info),
): Promise<ProcessRun> {
  const run = await runProcess(process.execPath, [bin, ...args], { cwd, env, timeoutMs: 110_000 });
  if (run.code !== expected)
    throw new Error(
      `kubeship ${args.join(' ')}: exit ${run.code}, expected ${expected}\n${run.stdout}\n${run.stderr}`,
    );
  return run;
}

const web = (envFrom: object[] = []) => ({
  apiVersion: 'apps/v1',
  kind: 'Deployment',
  metadata: { name: 'web' },
  spec: {
    replicas: 1,
    selector: { matchLabels: { app: 'web' } },
    template: {
      metadata: { labels: { app: 'web' } },
      spec: {
        containers: [
          {
            name: 'web',
            image: 'registry.local/web:1',
            ports: [{ containerPort: 8080 }],
            ...(envFrom.length > 0 ? { envFrom } : {}),
          },
          { name: 'proxy', image: 'registry.local/proxy:1' },
        ],
      },
    },
  },
});
const service = {
  apiVersion: 'v1',
  kind: 'Service',
  metadata: { name: 'web' },
  spec: { selector: { app: 'web' }, ports: [{ port: 80, targetPort: 8080 }] },
};
const settings = (mode: string) => ({
  apiVersion: 'v1',
  kind: 'ConfigMap',
  metadata: { name: 'settings' },
  data: { MODE: mode },
});

/** SSM parameters under a fresh path: a String and a SecureString. */
function seedSsm(): { path: string; secret: string } {
  const path = `/first-hour-${randomBytes(4).toString('hex')}`;
  const secret = `s3cr3t-${randomBytes(8).toString('hex')}`;
  const key = aws(
    ['kms', 'create-key', '--region', info.region],
    info.aws.credentials,
    info.aws.endpointUrl,
  ) as {
    KeyMetadata: { KeyId: string };
  };
  putParameter(info, { name: `${path}/GREETING`, value: 'hello' });
  putParameter(info, { name: `${path}/DB_PASSWORD`, value: secret, keyId: key.KeyMetadata.KeyId });
  return { path, secret };
}

/** A templates project (EKS-style environment) in `namespace`; `write` replaces its objects. */
function project(namespace: string, options: { ssmPath?: string; injectConfig?: boolean | string[] } = {}) {
  const cwd = tempDir('kubeship-first-hour-');
  const write = (objects: readonly object[]) =>
    writeFileSync(join(cwd, 'app.yaml'), objects.map((o) => stringify(o)).join('---\n'));
  writeFileSync(
    join(cwd, 'kubeship.config.yaml'),
    stringify({
      templates: {
        files: ['app.yaml'],
        name: 'web',
        imageRepository: 'registry.local/web',
        ...(options.injectConfig === undefined ? {} : { injectConfig: options.injectConfig }),
      },
      environments: {
        test: {
          cluster: { name: info.clusterName, region: info.region },
          namespace,
          timeoutSeconds: 60,
          ...(options.ssmPath ? { ssm: { paths: [options.ssmPath] } } : {}),
        },
      },
    }),
  );
  return { cwd, write };
}

async function namespace(prefix: string): Promise<string> {
  const ns = await testNamespace(clients.kc, prefix);
  cleanups.push(ns.remove);
  return ns.name;
}

const revisionOf = (deployment: k8s.V1Deployment) =>
  deployment.metadata?.annotations?.['deployment.kubernetes.io/revision'];

describe.concurrent('a templates app and its config (built binary, testbed)', () => {
  it('the SSM values reach the container running the app image (envFrom, on the pod too); a change of the own ConfigMap rolls it', async () => {
    const ns = await namespace('hour-inject');
    const { path, secret } = seedSsm();
    const { cwd, write } = project(ns, { ssmPath: path });
    write([web([{ configMapRef: { name: 'settings' } }]), service, settings('a')]);

    const first = await kubeship(['deploy', '--tag', 'one'], cwd);
    expect(first.stdout).toContain(
      'config: SSM values reach Deployment/web web (envFrom; templates.injectConfig)',
    );
    expect(first.stdout).not.toContain(secret);
    const deployment = await clients.apps.readNamespacedDeployment({ name: 'web', namespace: ns });
    const [app, proxy] = deployment.spec?.template.spec?.containers ?? [];
    const wired = [
      { configMapRef: { name: 'settings' } },
      { configMapRef: { name: 'web-config' } },
      { secretRef: { name: 'web-secrets' } },
    ];
    expect(app?.envFrom).toEqual(wired);
    expect(proxy?.envFrom).toBeUndefined();
    const pods = await clients.core.listNamespacedPod({ namespace: ns, labelSelector: 'app=web' });
    expect(pods.items.length).toBeGreaterThan(0);
    for (const pod of pods.items) expect(pod.spec?.containers[0]?.envFrom).toEqual(wired);
    const config = await clients.core.readNamespacedConfigMap({ name: 'web-config', namespace: ns });
    expect(config.data).toEqual({ GREETING: 'hello' });
    const secrets = await clients.core.readNamespacedSecret({ name: 'web-secrets', namespace: ns });
    expect(Buffer.from(secrets.data?.DB_PASSWORD ?? '', 'base64').toString()).toBe(secret);
    expect(revisionOf(deployment)).toBe('1');

    // the same templates again: nothing rolls; the own ConfigMap changed: the pods roll
    await kubeship(['deploy', '--tag', 'one'], cwd);
    expect(revisionOf(await clients.apps.readNamespacedDeployment({ name: 'web', namespace: ns }))).toBe('1');
    write([web([{ configMapRef: { name: 'settings' } }]), service, settings('b')]);
    await kubeship(['deploy', '--tag', 'one'], cwd);
    const rolled = await clients.apps.readNamespacedDeployment({ name: 'web', namespace: ns });
    expect(revisionOf(rolled)).toBe('2');
    expect(rolled.spec?.template.metadata?.annotations?.['kubeship.dev/content-checksum']).not.toBe(
      deployment.spec?.template.metadata?.annotations?.['kubeship.dev/content-checksum'],
    );
  });

  it('a generated config no container reads is a warning in the human lines, the JSON report and JUnit', async () => {
    const ns = await namespace('hour-unread');
    const { path } = seedSsm();
    const { cwd, write } = project(ns, { ssmPath: path, injectConfig: false });
    write([web(), service]);
    const run = await kubeship(
      ['deploy', '--tag', 'one', '--output', 'json', '--report-junit', 'junit.xml'],
      cwd,
    );
    const warning = `ConfigMap ${ns}/web-config holds SSM values that no container reads: templates.injectConfig is false`;
    expect(run.stderr).toContain(`warning: ${warning}`);
    const report = JSON.parse(run.stdout) as { result: { warnings: string[] } };
    expect(report.result.warnings).toEqual(
      expect.arrayContaining([
        expect.stringContaining(warning),
        expect.stringContaining(`Secret ${ns}/web-secrets`),
      ]),
    );
    expect(readFileSync(join(cwd, 'junit.xml'), 'utf8')).toMatch(
      new RegExp(`<system-err>warning: ConfigMap ${ns}/web-config holds SSM values that no container reads`),
    );
  });

  it('render shows the generated objects as placeholders, wired into the app container, with no value', async () => {
    const { path, secret } = seedSsm();
    const { cwd, write } = project('render-only', { ssmPath: path });
    write([web(), service]);
    const offline = await kubeship(['render'], cwd);
    expect(offline.stdout).toContain('name: web-config');
    expect(offline.stdout).toContain(
      `kubeship.dev/placeholder: String and StringList parameters under ${path}`,
    );
    expect(offline.stdout).toMatch(
      /envFrom:\n\s+- configMapRef:\n\s+name: web-config\n\s+- secretRef:\n\s+name: web-secrets/,
    );
    const resolved = await kubeship(['render', '--resolve-ssm'], cwd);
    expect(resolved.stdout).toContain('GREETING: hello');
    expect(resolved.stdout).toContain('DB_PASSWORD: <redacted>');
    expect(resolved.stdout).not.toContain(secret);
  });
});

describe.concurrent('the testbed as a sandbox, and the lifecycle commands (built binary, testbed)', () => {
  it("deploys an EKS-style environment with only the variables 'testbed up' prints (and PATH, HOME)", async () => {
    const ns = await namespace('hour-sandbox');
    const { cwd, write } = project(ns);
    write([web(), service]);
    const env = {
      PATH: process.env.PATH,
      HOME: tempDir('kubeship-home-'),
      ...Object.fromEntries(sandboxVariables(info)),
    };
    const run = await kubeship(['deploy', '--tag', 'one'], cwd, 0, env);
    expect(run.stdout).toContain(`connected: EKS cluster ${info.clusterName}`);
    expect(run.stdout).toContain('DEPLOYED');
  });

  it('uninstall --dry-run lists the release; uninstall leaves nothing of it (and deletes nothing else); --create-namespace made its namespace', async () => {
    const ns = `hour-uninstall-${randomBytes(3).toString('hex')}`;
    cleanups.push(async () => void (await clients.core.deleteNamespace({ name: ns })));
    const { cwd, write } = project(ns);
    write([web([{ configMapRef: { name: 'settings' } }]), service, settings('a')]);
    const refused = await kubeship(['deploy', '--tag', 'one'], cwd, 2);
    expect(refused.stderr).toContain(`namespace "${ns}" does not exist`);
    expect(refused.stderr).toContain('pass --create-namespace');
    // a release the dry-run refuses leaves no namespace behind: nothing changed
    write([web(), { apiVersion: 'example.com/v1', kind: 'Widget', metadata: { name: 'gadget' } }]);
    const dryRunRefused = await kubeship(['deploy', '--tag', 'one', '--create-namespace'], cwd, 2);
    expect(dryRunRefused.stderr).toContain('the cluster does not serve example.com/v1 Widget');
    await expect(clients.core.readNamespace({ name: ns })).rejects.toMatchObject({ code: 404 });
    write([web([{ configMapRef: { name: 'settings' } }]), service, settings('a')]);
    const created = await kubeship(['deploy', '--tag', 'one', '--create-namespace'], cwd);
    expect(created.stdout).toContain(
      `--create-namespace: creating namespace ${ns} (not part of the release;`,
    );
    expect((await clients.core.readNamespace({ name: ns })).metadata?.labels).not.toHaveProperty(
      'app.kubernetes.io/managed-by',
    );
    await kubeship(['deploy', '--tag', 'two'], cwd);
    const bystander = { metadata: { name: 'not-ours' }, data: { KEEP: 'yes' } };
    await clients.core.createNamespacedConfigMap({ namespace: ns, body: bystander });

    const dry = await kubeship(['uninstall', '--dry-run'], cwd);
    for (const id of [`Deployment ${ns}/web`, `Service ${ns}/web`, `ConfigMap ${ns}/settings`])
      expect(dry.stdout).toContain(`  - ${id}`);
    expect(dry.stdout).toContain('dry run: nothing was changed; would delete 3 objects');
    expect((await clients.apps.listNamespacedDeployment({ namespace: ns })).items).toHaveLength(1);

    const gone = await kubeship(['uninstall'], cwd);
    expect(gone.stdout).toContain('deleted 3 objects, all gone');
    const [configMaps, secrets, services, deployments, pods, leases] = await Promise.all([
      clients.core.listNamespacedConfigMap({ namespace: ns }),
      clients.core.listNamespacedSecret({ namespace: ns }),
      clients.core.listNamespacedService({ namespace: ns }),
      clients.apps.listNamespacedDeployment({ namespace: ns }),
      clients.core.listNamespacedPod({ namespace: ns }),
      clients.kc.makeApiClient(k8s.CoordinationV1Api).listNamespacedLease({ namespace: ns }),
    ]);
    expect(configMaps.items.map((c) => c.metadata?.name).sort()).toEqual(['kube-root-ca.crt', 'not-ours']);
    expect(secrets.items).toEqual([]);
    expect(services.items).toEqual([]);
    expect(deployments.items).toEqual([]);
    expect(pods.items).toEqual([]);
    expect(leases.items).toEqual([]);
    const history = await kubeship(['history'], cwd);
    expect(history.stdout).toBe(`test: web has no recorded release in ${ns}\n`);
  });
});

it("./dev kubeship runs the checkout's CLI from its sources, in the directory it is called from", async () => {
  const cwd = tempDir('kubeship-dev-');
  const run = await runProcess(join(REPO_ROOT, 'dev'), ['kubeship', '--version'], { cwd, timeoutMs: 60_000 });
  const version = (
    JSON.parse(readFileSync(join(REPO_ROOT, 'packages/codebuild-runner/package.json'), 'utf8')) as {
      version: string;
    }
  ).version;
  expect({ code: run.code, stdout: run.stdout }).toEqual({ code: 0, stdout: `${version}\n` });
});
