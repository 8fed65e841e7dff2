// `npx @kubeship/codebuild-runner ...` as a buildspec runs it: the packed tarball installed with
// npm into an empty directory, far from the workspace, with an empty npm cache and offline (the CLI
// is one bundled package with no dependency to fetch), then run with npx, deploying to the testbed.
import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { delimiter, dirname, join } from 'node:path';
import type { TestbedInfo } from '@kubeship/testbed';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseAllDocuments, stringify } from 'yaml';
import { adminClients, testNamespace } from '../../../testbed/test/helpers.ts';
import { removeTempDirs, tempDir } from '../harness.ts';
import {
  buildPublishedPackages,
  cliEnv,
  PACKAGE_DIR,
  type ProcessRun,
  REPO_ROOT,
  runProcess,
} from './_cli.ts';

const packageJson = JSON.parse(readFileSync(join(PACKAGE_DIR, 'package.json'), 'utf8')) as {
  version: string;
};
const nodeDir = dirname(process.execPath);
/** npm beside this Node if the toolchain has one, else the machine's (run by this Node, first on PATH). */
const npm = ['npm', 'npx'].map((name) => (existsSync(join(nodeDir, name)) ? join(nodeDir, name) : name)) as [
  string,
  string,
];
let app: string;
let installMs = 0;
let packed: string;
let clients: Awaited<ReturnType<typeof adminClients>>;
let info: TestbedInfo;
const cleanups: Array<() => Promise<void>> = [];

/**
 * The machine's environment (proxies, extra CA certificates) without any trace of the workspace
 * or of the test runner: no npm_/pnpm_ variables, NODE_OPTIONS or NODE_PATH; this Node first on PATH.
 */
function isolatedEnv(): NodeJS.ProcessEnv {
  const env = Object.fromEntries(
    Object.entries(process.env).filter(
      ([key]) => !/^(npm_|pnpm_|vitest|node_options$|node_path$|init_cwd$|kubeship_)/i.test(key),
    ),
  );
  return {
    ...env,
    PATH: [nodeDir, ...(process.env.PATH ?? '').split(delimiter)].join(delimiter),
    npm_config_update_notifier: 'false',
    npm_config_fund: 'false',
    npm_config_audit: 'false',
    NO_COLOR: '1',
  };
}

const npx = (args: string[], cwd: string, env = isolatedEnv()): Promise<ProcessRun> =>
  runProcess(npm[1], ['--no-install', 'kubeship', ...args], { cwd, env, timeoutMs: 110_000 });

beforeAll(async () => {
  // the library packages are packed too: their tarballs are the ones a library user installs
  [clients] = await Promise.all([adminClients(), buildPublishedPackages()]);
  info = clients.info;
  packed = tempDir('kubeship-pack-');
  for (const name of ['@kubeship/core', '@kubeship/manifests', '@kubeship/codebuild-runner']) {
    const pack = await runProcess('pnpm', ['--filter', name, 'pack', '--pack-destination', packed], {
      cwd: REPO_ROOT,
      timeoutMs: 120_000,
    });
    if (pack.code !== 0) throw new Error(`pnpm pack of ${name} failed: ${pack.stderr}`);
  }
  const cli = readdirSync(packed).find(
    (f) => f.startsWith('kubeship-codebuild-runner-') && f.endsWith('.tgz'),
  );
  if (!cli) throw new Error(`no CLI tarball in ${packed}: ${readdirSync(packed).join(', ')}`);

  app = tempDir('kubeship-npx-');
  const install = await runProcess(
    npm[0],
    ['install', '--no-audit', '--no-fund', '--offline', join(packed, cli)],
    {
      cwd: app,
      env: { ...isolatedEnv(), npm_config_cache: tempDir('kubeship-npm-cache-') },
      timeoutMs: 300_000,
    },
  );
  installMs = install.ms;
  process.stderr.write(`[pack] npm install of the packed CLI took ${(installMs / 1000).toFixed(1)} s\n`);
  if (install.code !== 0) throw new Error(`npm install failed (${install.code}): ${install.stderr}`);
}, 480_000);

afterAll(async () => {
  await Promise.all(cleanups.splice(0).map((cleanup) => cleanup().catch(() => {})));
  removeTempDirs();
});

describe('the packed CLI, installed with npm into an empty directory', () => {
  it('is one package with no runtime dependency, installed offline from an empty cache, under 10 MB', () => {
    expect(installMs).toBeLessThan(180_000);
    const installed = join(app, 'node_modules', '@kubeship', 'codebuild-runner');
    expect(readdirSync(installed).sort()).toEqual(['dist', 'package.json']);
    const manifest = JSON.parse(readFileSync(join(installed, 'package.json'), 'utf8')) as Record<
      string,
      unknown
    >;
    expect(manifest.dependencies).toBeUndefined();
    // only for the types of a kubeship.config.ts, never installed with it
    const peers = Object.keys((manifest.peerDependencies ?? {}) as object);
    expect(peers.length).toBeGreaterThan(0);
    expect(manifest.peerDependenciesMeta).toEqual(
      Object.fromEntries(peers.map((name) => [name, { optional: true }])),
    );
    // nothing else came along: no @kubeship library, no AWS SDK, no Kubernetes client
    expect(readdirSync(join(app, 'node_modules')).filter((entry) => !entry.startsWith('.'))).toEqual([
      '@kubeship',
    ]);
    expect(readdirSync(join(app, 'node_modules', '@kubeship'))).toEqual(['codebuild-runner']);
    const bytes = (dir: string): number =>
      readdirSync(dir, { withFileTypes: true }).reduce(
        (sum, entry) =>
          sum +
          (entry.isDirectory() ? bytes(join(dir, entry.name)) : readFileSync(join(dir, entry.name)).length),
        0,
      );
    expect(bytes(installed)).toBeLessThan(10 * 1024 * 1024);
    expect(readFileSync(join(installed, 'dist', 'bin.js'), 'utf8')).not.toContain('/work/');
  });

  it('npx kubeship deploy: a first deploy to the testbed, verified (exit 0)', async () => {
    const ns = await testNamespace(clients.kc, 'pack');
    cleanups.push(ns.remove);
    const project = join(app, 'deploy-project');
    mkdirSync(project);
    writeFileSync(
      join(project, 'kubeship.config.yaml'),
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
          },
        },
      }),
    );
    const deploy = await npx(['deploy', '--tag', 'p4c1d'], project, {
      ...cliEnv(info),
      PATH: isolatedEnv().PATH,
      npm_config_update_notifier: 'false',
    });
    expect(deploy.code, `${deploy.stdout}\n${deploy.stderr}`).toBe(0);
    const deployment = await clients.apps.readNamespacedDeployment({ name: 'web', namespace: ns.name });
    expect(deployment.spec?.template.spec?.containers[0]?.image).toBe('registry.local/web:p4c1d');
    expect(deployment.status?.readyReplicas).toBe(2);
  });

  it('npx kubeship --version', async () => {
    const run = await npx(['--version'], app);
    expect(run.stderr.replace(/^npm warn .*\n/gm, '')).toBe('');
    expect(run).toMatchObject({ code: 0, stdout: `${packageJson.version}\n` });
  });

  it('npx kubeship --help and render --help', async () => {
    const help = await npx(['--help'], app);
    expect(help.code).toBe(0);
    expect(help.stdout).toContain('usage: kubeship <command> [options]');
    const renderHelp = await npx(['render', '--help'], app);
    expect(renderHelp.code).toBe(0);
    expect(renderHelp.stdout).toContain('--reveal-secrets');
  });

  it('npx kubeship render --config <yaml with templates>', async () => {
    writeFileSync(
      join(app, 'deploy.yaml'),
      `templates:
  files: [k8s.yaml]
  name: shop
  imageRepository: 123456789012.dkr.ecr.us-east-1.amazonaws.com/shop
  variables: { REPLICAS: "3" }
environments:
  test:
    cluster: { name: shop-test, region: us-east-1 }
    namespace: shop-test
`,
    );
    writeFileSync(
      join(app, 'k8s.yaml'),
      `apiVersion: apps/v1
kind: Deployment
metadata: { name: shop }
spec:
  replicas: \${REPLICAS}
  selector: { matchLabels: { app: shop } }
  template:
    metadata: { labels: { app: shop } }
    spec: { containers: [{ name: shop, image: 123456789012.dkr.ecr.us-east-1.amazonaws.com/shop:latest }] }
---
apiVersion: v1
kind: Secret
metadata: { name: shop-key }
stringData: { key: do-not-print-me }
`,
    );
    const run = await npx(['render', '--config', 'deploy.yaml', '--tag', 'abc1234'], app);
    expect(run.stderr.replace(/^npm warn .*\n/gm, '')).toBe('');
    expect(run.code).toBe(0);
    const [deployment, secret] = parseAllDocuments(run.stdout).map((d) => d.toJS());
    expect(deployment).toMatchObject({
      kind: 'Deployment',
      metadata: { name: 'shop', namespace: 'shop-test' },
      spec: {
        replicas: 3,
        template: {
          spec: { containers: [{ image: '123456789012.dkr.ecr.us-east-1.amazonaws.com/shop:abc1234' }] },
        },
      },
    });
    expect(secret).toMatchObject({ kind: 'Secret', stringData: { key: '<redacted>' } });
    expect(run.stdout).not.toContain('do-not-print-me');
  });

  it('npx kubeship render with a kubeship.config.ts that imports defineConfig from the package', async () => {
    const project = join(app, 'ts-project');
    mkdirSync(project);
    writeFileSync(join(project, 'package.json'), '{ "type": "module" }\n');
    writeFileSync(
      join(project, 'kubeship.config.ts'),
      `import { defineConfig } from '@kubeship/codebuild-runner';

export default defineConfig({
  app: ({ name }) => ({
    name: 'web',
    image: \`registry.local/web:\${name}\`,
    ports: [{ name: 'http', containerPort: 8080 }],
    probes: { readiness: false },
  }),
  environments: { prod: { cluster: { name: 'web-prod', region: 'eu-west-1' }, namespace: 'web' } },
});
`,
    );
    const run = await npx(['render'], project);
    expect(run.stderr.replace(/^npm warn .*\n/gm, '')).toBe('');
    expect(run.code).toBe(0);
    expect(run.stdout).toContain('image: registry.local/web:prod');
  });

  it('a bad config is exit 2 from the installed binary too', async () => {
    writeFileSync(join(app, 'bad.yaml'), 'environments: { test: { namespace: NOPE } }\n');
    const run = await npx(['render', '--config', 'bad.yaml'], app);
    expect(run.code).toBe(2);
    expect(run.stderr).toContain('environments.test.namespace');
  });

  it('the published types, with the optional peers installed beside the CLI, check a kubeship.config.ts (a wrong field type is an error)', async () => {
    // the library packages' own dependencies come from the registry
    const project = tempDir('kubeship-typed-');
    const tarballs = readdirSync(packed).filter((f) => f.endsWith('.tgz'));
    const install = await runProcess(
      npm[0],
      ['install', '--no-audit', '--no-fund', ...tarballs.map((t) => join(packed, t))],
      { cwd: project, env: isolatedEnv(), timeoutMs: 300_000 },
    );
    if (install.code !== 0) throw new Error(`npm install failed (${install.code}): ${install.stderr}`);
    writeFileSync(
      join(project, 'kubeship.config.ts'),
      `import { defineConfig } from '@kubeship/codebuild-runner';
export default defineConfig({
  app: { name: 'web', image: 'registry.local/web:1', replicas: 'three' },
  environments: { test: { kubeconfig: { context: 'x' }, namespace: 'web' } },
});
`,
    );
    writeFileSync(
      join(project, 'tsconfig.json'),
      JSON.stringify({
        compilerOptions: {
          module: 'NodeNext',
          moduleResolution: 'NodeNext',
          strict: true,
          noEmit: true,
          skipLibCheck: true,
          types: [],
        },
        include: ['kubeship.config.ts'],
      }),
    );
    const tsc = await runProcess(
      process.execPath,
      [join(REPO_ROOT, 'node_modules', 'typescript', 'bin', 'tsc'), '-p', 'tsconfig.json'],
      { cwd: project, timeoutMs: 60_000 },
    );
    expect(tsc.stdout).toMatch(/kubeship\.config\.ts\(3,\d+\): error TS2322/);
  }, 400_000);
});
