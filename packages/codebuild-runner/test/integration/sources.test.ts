// Helm charts and Kustomize overlays as release sources, through the built `kubeship` binary on
// the testbed, with the real helm (v4) and kustomize binaries that ./dev builds: the WordPress
// chart deployed, and a crash-looping release of it rolled back to the chart's previous values;
// the Kustomize prod overlay deployed and rolled back; a release that `helm upgrade --install`
// made taken over by kubeship with no conflict and no duplicate; and the exit-2 errors of
// charts, values files, hooks, missing tools and a tool that hangs, with nothing changed.
import { createHash, randomBytes } from 'node:crypto';
import { chmodSync, cpSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type * as k8s from '@kubernetes/client-node';
import { aws, putParameter, resolveManifestTools, type TestbedInfo } from '@kubeship/testbed';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { stringify } from 'yaml';
import { adminClients, testNamespace } from '../../../testbed/test/helpers.ts';
import { removeTempDirs, tempDir } from '../harness.ts';
import { buildCli, cliEnv, type ProcessRun, REPO_ROOT, runProcess } from './_cli.ts';

const CHART = join(REPO_ROOT, 'examples', 'wordpress', 'chart');
const OVERLAY = join(REPO_ROOT, 'examples', 'kustomize', 'overlays', 'prod');
const REPOSITORY = 'registry.local/wordpress';

let bin: string;
let tools: string;
let info: TestbedInfo;
let clients: Awaited<ReturnType<typeof adminClients>>;
let keyId: string;
const cleanups: Array<() => Promise<void>> = [];
const outputs: string[] = [];
const secrets: string[] = [];

beforeAll(async () => {
  [bin, clients] = await Promise.all([buildCli(), adminClients()]);
  info = clients.info;
  tools = resolveManifestTools();
  keyId = (
    awsCli(['kms', 'create-key', '--description', 'kubeship sources test']) as {
      KeyMetadata: { KeyId: string };
    }
  ).KeyMetadata.KeyId;
}, 180_000);

afterAll(async () => {
  await Promise.all(cleanups.splice(0).map((cleanup) => cleanup().catch(() => {})));
  removeTempDirs();
});

function awsCli(args: string[]): unknown {
  return aws([...args, '--region', info.region], info.aws.credentials, info.aws.endpointUrl);
}

/** An SSM parameter of the chart's release; a SecureString's value joins the secrets scanned for. */
function putReleaseParameter(name: string, value: string, secure: boolean): void {
  if (secure) secrets.push(value);
  putParameter(info, { name, value, ...(secure ? { keyId } : {}) });
}

/** The built CLI, with helm and kustomize on PATH as ./dev installs them. */
async function kubeship(args: readonly string[], cwd: string): Promise<ProcessRun> {
  const run = await runProcess(process.execPath, [bin, ...args], {
    cwd,
    env: cliEnv(info, { PATH: `${tools}:${process.env.PATH}` }),
    timeoutMs: 110_000,
  });
  outputs.push(run.stdout, run.stderr);
  return run;
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

/** A project whose kubeship.config.yaml has these templates, deploying to `ns` on the testbed's EKS cluster. */
function project(ns: string, templates: Record<string, unknown>, files: Record<string, string> = {}) {
  const cwd = tempDir('kubeship-sources-');
  const write = (next: Record<string, unknown>) =>
    writeFileSync(
      join(cwd, 'kubeship.config.yaml'),
      stringify({
        templates: next,
        environments: {
          test: {
            cluster: { name: info.clusterName, region: info.region },
            namespace: ns,
            timeoutSeconds: 60,
            maxRestarts: 1,
          },
        },
      }),
    );
  write(templates);
  for (const [name, text] of Object.entries(files)) writeFileSync(join(cwd, name), text);
  return { cwd, write };
}

/** The WordPress chart's templates section, its password and memcached endpoint from SSM. */
function chartTemplates(prefix: string, extra: Record<string, unknown> = {}) {
  return {
    name: 'wordpress',
    imageRepository: REPOSITORY,
    helm: {
      chart: CHART,
      values: [join(CHART, 'values.yaml')],
      set: { 'db.host': 'db-a.internal' },
      setFromSsm: {
        'db.password': `${prefix}/DB_PASSWORD`,
        'memcached.endpoint': `${prefix}/MEMCACHED_ENDPOINT`,
      },
      imageValuesKey: 'image.tag',
      imageRepositoryValuesKey: 'image.repository',
      ...extra,
    },
  };
}

async function deploymentOf(ns: string, name: string): Promise<k8s.V1Deployment> {
  return clients.apps.readNamespacedDeployment({ name, namespace: ns });
}

const imageOf = (deployment: k8s.V1Deployment) => deployment.spec?.template.spec?.containers[0]?.image;

/** A digest of every file under `dir`: the user's files must come out of a deploy untouched. */
function treeDigest(dir: string): string {
  const hash = createHash('sha256');
  const walk = (path: string): void => {
    for (const name of readdirSync(path).sort()) {
      const full = join(path, name);
      if (statSync(full).isDirectory()) walk(full);
      else hash.update(full).update(readFileSync(full));
    }
  };
  walk(dir);
  return hash.digest('hex');
}

/** A copy of the WordPress chart with one more template. */
function chartWithHook(name: string, text: string): string {
  const chart = tempDir('kubeship-hooked-chart-');
  cpSync(CHART, chart, { recursive: true });
  writeFileSync(join(chart, 'templates', name), text);
  return chart;
}

describe.concurrent('Helm charts and Kustomize overlays on the testbed', () => {
  it('deploys the WordPress chart healthy, then rolls a crash-looping release back to the previous values', async () => {
    const ns = await namespace('chart');
    const prefix = `/chart-${randomBytes(3).toString('hex')}`;
    const password = `pw-${randomBytes(12).toString('base64url')}`;
    putReleaseParameter(`${prefix}/DB_PASSWORD`, password, true);
    putReleaseParameter(`${prefix}/MEMCACHED_ENDPOINT`, 'cache-a.internal:11211', false);
    const app = project(ns, chartTemplates(prefix));

    const first = await kubeship(['deploy', '--env', 'test', '--tag', '6.8-a'], app.cwd);
    expectExit(first, 0);
    const log = first.stdout + first.stderr;
    expect(log).toContain('helm: hook Pod wordpress-test-connection (test) left out, not run by kubeship');
    expect(log).toContain(`helm: db.password from SSM ${prefix}/DB_PASSWORD (SecureString v1)`);
    const deployed = await deploymentOf(ns, 'wordpress');
    expect(imageOf(deployed)).toBe(`${REPOSITORY}:6.8-a`);
    expect(deployed.status?.readyReplicas).toBe(2);
    const secret = await clients.core.readNamespacedSecret({ name: 'wordpress-db', namespace: ns });
    expect(Buffer.from(secret.data?.WORDPRESS_DB_PASSWORD ?? '', 'base64').toString()).toBe(password);
    // the chart's PodDisruptionBudget is rendered only when the cluster serves policy/v1: the
    // capabilities are the cluster's, not Helm's defaults
    const pdbs = await clients.kc
      .makeApiClient((await import('@kubernetes/client-node')).PolicyV1Api)
      .listNamespacedPodDisruptionBudget({ namespace: ns });
    expect(pdbs.items.map((p) => p.metadata?.name)).toEqual(['wordpress']);
    // the test hook is left out of the release
    expect(
      (await clients.core.listNamespacedPod({ namespace: ns })).items.map((p) => p.metadata?.name),
    ).not.toContain('wordpress-test-connection');

    // a new value and a crash-looping image: the whole release goes back, values included
    app.write(chartTemplates(prefix, { set: { 'db.host': 'db-b.internal' } }));
    const second = await kubeship(['deploy', '--env', 'test', '--tag', 'crashloop-b'], app.cwd);
    expectExit(second, 1);
    expect(second.stdout + second.stderr).toContain('CrashLoopBackOff');
    expect(imageOf(await deploymentOf(ns, 'wordpress'))).toBe(`${REPOSITORY}:6.8-a`);
    const config = await clients.core.readNamespacedConfigMap({ name: 'wordpress-env', namespace: ns });
    expect(config.data?.WORDPRESS_DB_HOST).toBe('db-a.internal');

    // render contacts no cluster and never shows the SecureString
    const rendered = await kubeship(['render', '--env', 'test', '--tag', '6.8-c', '--resolve-ssm'], app.cwd);
    expectExit(rendered, 0);
    expect(rendered.stdout).toContain(`image: ${REPOSITORY}:6.8-c`);
    expect(rendered.stdout).not.toContain('wordpress-test-connection');
    expect(outputs.join('\n')).not.toContain(password);
  });

  it('deploys the Kustomize prod overlay with the image set, and rolls a crash-looping release back', async () => {
    const ns = await namespace('overlay');
    const before = treeDigest(join(OVERLAY, '..', '..'));
    const app = project(ns, {
      name: 'shop',
      imageRepository: 'registry.example.com/shop',
      kustomize: { dir: OVERLAY },
    });

    expectExit(await kubeship(['deploy', '--env', 'test', '--tag', '1.1.0'], app.cwd), 0);
    const deployed = await deploymentOf(ns, 'shop');
    expect(deployed.spec?.replicas).toBe(3);
    expect(imageOf(deployed)).toBe('registry.example.com/shop:1.1.0');
    const settings = deployed.spec?.template.spec?.containers[0]?.envFrom?.[0]?.configMapRef?.name ?? '';
    expect(settings).toMatch(/^shop-settings-[a-z0-9]+$/);
    const config = await clients.core.readNamespacedConfigMap({ name: settings, namespace: ns });
    expect(config.data).toEqual({ FEATURE_CHECKOUT: 'on', LOG_LEVEL: 'info' });

    const failed = await kubeship(['deploy', '--env', 'test', '--tag', 'crashloop'], app.cwd);
    expectExit(failed, 1);
    expect(imageOf(await deploymentOf(ns, 'shop'))).toBe('registry.example.com/shop:1.1.0');
    // kubectl's built-in kustomize renders the same overlay, the image set the same way
    app.write({
      name: 'shop',
      imageRepository: 'registry.example.com/shop',
      kustomize: { dir: OVERLAY, binary: join(tools, 'kubectl') },
    });
    const rendered = await kubeship(['render', '--env', 'test', '--tag', '2.0.0'], app.cwd);
    expectExit(rendered, 0);
    expect(rendered.stdout).toContain('image: registry.example.com/shop:2.0.0');
    expect(rendered.stdout).toMatch(/name: shop-settings-[a-z0-9]+/);
    expect(treeDigest(join(OVERLAY, '..', '..'))).toBe(before);
  });

  it('takes over a release that helm upgrade --install made: no conflict, no duplicate, its Secret left alone', async () => {
    const ns = await namespace('adopt');
    const password = `pw-${randomBytes(12).toString('base64url')}`;
    secrets.push(password);
    const helm = await runProcess(
      join(tools, 'helm'),
      [
        'upgrade',
        '--install',
        'wp',
        CHART,
        '--namespace',
        ns,
        '--kubeconfig',
        info.adminKubeconfigPath,
        '--set-string',
        `db.password=${password}`,
        '--set',
        `image.repository=${REPOSITORY},image.tag=6.8-helm,db.host=db-a.internal`,
      ],
      { timeoutMs: 60_000 },
    );
    expect(helm.code, helm.stderr).toBe(0);
    const { setFromSsm: _, ...helmSource } = chartTemplates('/unused', {
      releaseName: 'wp',
      set: { 'db.host': 'db-a.internal', 'db.password': password },
    }).helm;
    const app = project(ns, { name: 'wordpress', imageRepository: REPOSITORY, helm: helmSource });

    const adopted = await kubeship(['deploy', '--env', 'test', '--tag', '6.8-kubeship'], app.cwd);
    expectExit(adopted, 0);
    const log = adopted.stdout + adopted.stderr;
    expect(log).toMatch(/helm: took over \d+ objects of Helm release wp: .*Deployment .*\/wp/);
    expect(log).toContain('the Helm release Secrets sh.helm.release.v1.wp.v1 are left alone');
    const deployments = await clients.apps.listNamespacedDeployment({ namespace: ns });
    expect(deployments.items.map((d) => d.metadata?.name)).toEqual(['wp']);
    const deployment = deployments.items[0] as k8s.V1Deployment;
    expect(imageOf(deployment)).toBe(`${REPOSITORY}:6.8-kubeship`);
    expect((deployment.metadata?.managedFields ?? []).map((f) => f.manager)).not.toContain('helm');
    expect(Object.keys(deployment.metadata?.annotations ?? {})).not.toContain('meta.helm.sh/release-name');
    const releaseSecret = await clients.core.readNamespacedSecret({
      name: 'sh.helm.release.v1.wp.v1',
      namespace: ns,
    });
    expect(releaseSecret.metadata?.labels?.owner).toBe('helm');
    // and the next deploy is an ordinary one
    expectExit(await kubeship(['deploy', '--env', 'test', '--tag', '6.8-next'], app.cwd), 0);
  });

  it("runs a chart's pre-install,pre-upgrade Job as kubeship's pre-deploy hook", async () => {
    const ns = await namespace('chart-hook');
    const chart = chartWithHook(
      'migrate.yaml',
      [
        'apiVersion: batch/v1',
        'kind: Job',
        'metadata:',
        '  name: migrate',
        '  annotations:',
        '    helm.sh/hook: pre-install,pre-upgrade',
        '    helm.sh/hook-delete-policy: hook-succeeded',
        'spec:',
        '  backoffLimit: 0',
        '  template:',
        '    spec:',
        '      restartPolicy: Never',
        '      containers: [{ name: migrate, image: "registry.local/migrate:{{ .Values.image.tag }}-exit0" }]',
        '',
      ].join('\n'),
    );
    const app = project(ns, {
      name: 'wordpress',
      imageRepository: REPOSITORY,
      helm: {
        chart,
        set: { 'db.host': 'db-a.internal', 'db.password': 'x' },
        imageValuesKey: 'image.tag',
        imageRepositoryValuesKey: 'image.repository',
      },
    });
    const run = await kubeship(['deploy', '--env', 'test', '--tag', '6.8-a'], app.cwd);
    expectExit(run, 0);
    const log = run.stdout + run.stderr;
    expect(log).toContain(
      'helm: hook Job migrate (pre-install, pre-upgrade) runs as a kubeship pre-deploy hook (wordpress/templates/migrate.yaml)',
    );
    expect(log).toMatch(/pre-deploy hook migrate/);
    expect(imageOf(await deploymentOf(ns, 'wordpress'))).toBe(`${REPOSITORY}:6.8-a`);
  });

  it('refuses bad charts, values files, hooks, missing tools and a hanging tool with exit 2, changing nothing', async () => {
    const ns = await namespace('bad-source');
    const hooked = chartWithHook(
      'seed.yaml',
      'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: seed\n  annotations:\n    helm.sh/hook: pre-install\ndata: { a: b }\n',
    );
    const hanging = join(tempDir('kubeship-hanging-helm-'), 'helm');
    writeFileSync(hanging, '#!/bin/sh\nexec sleep 60\n');
    chmodSync(hanging, 0o755);
    const base = {
      chart: CHART,
      set: { 'db.host': 'db-a.internal', 'db.password': 'x' },
      imageValuesKey: 'image.tag',
    };
    const cases: Array<{ templates: Record<string, unknown>; message: string | RegExp }> = [
      {
        templates: {
          name: 'wordpress',
          imageRepository: REPOSITORY,
          helm: { ...base, set: { 'db.host': 'db-a.internal' } },
        },
        message:
          /helm template failed \(exit 1\):\n.*wordpress\/templates\/secret\.yaml.*db\.password is required/s,
      },
      {
        templates: {
          name: 'wordpress',
          imageRepository: REPOSITORY,
          helm: { ...base, values: ['missing-values.yaml'] },
        },
        message: /the values file .*missing-values\.yaml does not exist/,
      },
      {
        templates: {
          name: 'wordpress',
          imageRepository: REPOSITORY,
          helm: { ...base, chart: 'no-such-chart' },
        },
        message: /the chart .*no-such-chart does not exist/,
      },
      {
        templates: { name: 'wordpress', imageRepository: REPOSITORY, helm: { ...base, chart: hooked } },
        message:
          /the chart has Helm hooks kubeship cannot run as its own .*:\n {2}- ConfigMap seed \(pre-install\) in wordpress\/templates\/seed\.yaml\nset hooks: skip/,
      },
      {
        templates: {
          name: 'wordpress',
          imageRepository: REPOSITORY,
          helm: { ...base, binary: 'kubeship-no-helm' },
        },
        message:
          'kubeship-no-helm is not installed (not found on PATH): install Helm 3 or 4, or set templates.helm.binary to its path',
      },
      {
        templates: {
          name: 'wordpress',
          imageRepository: REPOSITORY,
          helm: { ...base, binary: hanging, timeoutSeconds: 1 },
        },
        message: 'did not finish within 1 s (killed)',
      },
      {
        templates: {
          name: 'shop',
          imageRepository: 'registry.example.com/shop',
          kustomize: { dir: OVERLAY, binary: 'kubeship-no-kustomize' },
        },
        message: 'kubeship-no-kustomize is not installed',
      },
      {
        templates: {
          name: 'shop',
          imageRepository: 'registry.example.com/shop',
          kustomize: { dir: 'no-such-overlay' },
        },
        message: /the Kustomize directory .*no-such-overlay does not exist/,
      },
    ];
    const runs = await Promise.all(
      cases.map(({ templates }) =>
        kubeship(['deploy', '--env', 'test', '--tag', '1'], project(ns, templates).cwd),
      ),
    );
    runs.forEach((run, index) => {
      const { message } = cases[index] as (typeof cases)[number];
      expectExit(run, 2);
      if (typeof message === 'string') expect(run.stderr).toContain(message);
      else expect(run.stderr).toMatch(message);
    });
    const [deployments, configMaps] = await Promise.all([
      clients.apps.listNamespacedDeployment({ namespace: ns }),
      clients.core.listNamespacedConfigMap({ namespace: ns }),
    ]);
    expect(deployments.items).toEqual([]);
    expect(configMaps.items.map((c) => c.metadata?.name)).toEqual(['kube-root-ca.crt']);
  });
});

afterAll(() => {
  const everything = outputs.join('\n');
  for (const secret of secrets) expect(everything).not.toContain(secret);
});
