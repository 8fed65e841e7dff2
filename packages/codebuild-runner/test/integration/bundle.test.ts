// The standalone CLI bundle (scripts/bundle.ts), as a team that vendors it or builds without
// registry access runs it: only kubeship.mjs copied into an empty directory, run by Node alone
// (no node_modules anywhere up the tree, no NODE_PATH), deploying to the shared testbed.
import { copyFileSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { IMAGE_MARKERS, type TestbedInfo } from '@kubeship/testbed';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { stringify } from 'yaml';
import { bundle } from '../../../../scripts/bundle.ts';
import { adminClients, testNamespace } from '../../../testbed/test/helpers.ts';
import { removeTempDirs, tempDir } from '../harness.ts';
import { cliEnv, PACKAGE_DIR, type ProcessRun, REPO_ROOT, runProcess } from './_cli.ts';

type Clients = Awaited<ReturnType<typeof adminClients>>;
const version = (JSON.parse(readFileSync(join(PACKAGE_DIR, 'package.json'), 'utf8')) as { version: string })
  .version;
let built: Awaited<ReturnType<typeof bundle>>;
let clients: Clients;
let info: TestbedInfo;
let empty: string;
const cleanups: Array<() => Promise<void>> = [];

beforeAll(async () => {
  const out = tempDir('kubeship-bundle-out-');
  const started = Date.now();
  [built, clients] = await Promise.all([bundle(join(out, 'kubeship.mjs')), adminClients()]);
  info = clients.info;
  process.stderr.write(
    `[bundle] kubeship.mjs: ${(built.bytes / 1024 / 1024).toFixed(2)} MiB, built in ${Date.now() - started} ms\n`,
  );
  // the empty directory: the bundle and nothing else
  empty = tempDir('kubeship-bundle-run-');
  copyFileSync(built.file, join(empty, 'kubeship.mjs'));
}, 120_000);

afterAll(async () => {
  await Promise.all(cleanups.splice(0).map((cleanup) => cleanup().catch(() => {})));
  removeTempDirs();
});

/** `node kubeship.mjs <args>` in `cwd`, with the testbed's AWS environment and nothing of the workspace. */
const node = (args: readonly string[], cwd = empty): Promise<ProcessRun> =>
  runProcess(process.execPath, [join(empty, 'kubeship.mjs'), ...args], {
    cwd,
    env: cliEnv(info, { NODE_PATH: undefined, NODE_OPTIONS: undefined }),
    timeoutMs: 110_000,
  });

const expectExit = (run: ProcessRun, code: number) => {
  if (run.code !== code)
    throw new Error(
      `expected exit ${code}, got ${run.code}\n--- stdout\n${run.stdout}\n--- stderr\n${run.stderr}`,
    );
};

describe('the standalone bundle kubeship.mjs', () => {
  it('is one file with a sha256sum-format checksum that `sha256sum --check` accepts, and refuses when tampered', async () => {
    const dir = tempDir('kubeship-bundle-check-');
    copyFileSync(built.file, join(dir, 'kubeship.mjs'));
    copyFileSync(built.checksumFile, join(dir, 'kubeship.mjs.sha256'));
    expect(readFileSync(join(dir, 'kubeship.mjs.sha256'), 'utf8')).toMatch(
      /^[0-9a-f]{64} {2}kubeship\.mjs\n$/,
    );
    const ok = await runProcess('sha256sum', ['--check', '--strict', 'kubeship.mjs.sha256'], { cwd: dir });
    expect(ok.code, ok.stderr).toBe(0);
    writeFileSync(
      join(dir, 'kubeship.mjs'),
      `${readFileSync(join(dir, 'kubeship.mjs'), 'utf8')}\n// changed`,
    );
    const tampered = await runProcess('sha256sum', ['--check', '--strict', 'kubeship.mjs.sha256'], {
      cwd: dir,
    });
    expect(tampered.code).not.toBe(0);
    // nothing of this machine is baked in, and it stays a reasonable download
    expect(readFileSync(built.file, 'utf8')).not.toContain(REPO_ROOT);
    expect(built.bytes).toBeLessThan(12 * 1024 * 1024);
  });

  it('node kubeship.mjs --version, from an empty directory with only Node', async () => {
    const run = await node(['--version']);
    expect(run).toMatchObject({ code: 0, stdout: `${version}\n`, stderr: '' });
    process.stderr.write(`[bundle] node kubeship.mjs --version: ${run.ms} ms\n`);
    const help = await node(['deploy', '--help']);
    expect(help.code).toBe(0);
    expect(help.stdout).toContain('kubeship deploy');
  });

  it('deploys to the testbed and verifies the rollout, then rolls a crash-looping image back (exit 1)', async () => {
    const ns = await testNamespace(clients.kc, 'bundle');
    cleanups.push(ns.remove);
    writeFileSync(
      join(empty, 'kubeship.config.yaml'),
      stringify({
        app: {
          name: 'web',
          image: 'registry.local/web:1',
          ports: [{ name: 'http', containerPort: 8080 }],
          probes: { readiness: { http: { path: '/healthz' } } },
        },
        environments: {
          test: {
            cluster: { name: info.clusterName, region: info.region },
            namespace: ns.name,
            replicas: 2,
            timeoutSeconds: 60,
            maxRestarts: 2,
          },
        },
      }),
    );
    const deploy = await node(['deploy', '--tag', 'b1a2c3d', '--exports', 'deploy.env']);
    expectExit(deploy, 0);
    process.stderr.write(`[bundle] node kubeship.mjs deploy: ${deploy.ms} ms\n`);
    expect(readFileSync(join(empty, 'deploy.env'), 'utf8')).toContain('KUBESHIP_OUTCOME=deployed\n');
    const deployment = await clients.apps.readNamespacedDeployment({ name: 'web', namespace: ns.name });
    expect(deployment.spec?.template.spec?.containers[0]?.image).toBe('registry.local/web:b1a2c3d');
    expect(deployment.status?.readyReplicas).toBe(2);

    const bad = await node(['deploy', '--tag', `bad-${IMAGE_MARKERS.crashLoop}`]);
    expectExit(bad, 1);
    const after = await clients.apps.readNamespacedDeployment({ name: 'web', namespace: ns.name });
    expect(after.spec?.template.spec?.containers[0]?.image).toBe('registry.local/web:b1a2c3d');
  });
});
