// `npx @kubeship/codebuild-runner ...` as a buildspec runs it: the packed tarball installed from
// the npm registry into an empty directory, far from the workspace, then run with npx.
import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { delimiter, dirname, join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseAllDocuments } from 'yaml';
import { removeTempDirs, tempDir } from '../harness.ts';
import { buildPublishedPackages, PACKAGE_DIR, type ProcessRun, REPO_ROOT, runProcess } from './_cli.ts';

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

const npx = (args: string[], cwd: string): Promise<ProcessRun> =>
  runProcess(npm[1], ['--no-install', 'kubeship', ...args], {
    cwd,
    env: isolatedEnv(),
    timeoutMs: 60_000,
  });

beforeAll(async () => {
  // the CLI's published types come from @kubeship/core and @kubeship/manifests: pack all three
  await buildPublishedPackages();
  const packed = tempDir('kubeship-pack-');
  for (const name of ['@kubeship/core', '@kubeship/manifests', '@kubeship/codebuild-runner']) {
    const pack = await runProcess('pnpm', ['--filter', name, 'pack', '--pack-destination', packed], {
      cwd: REPO_ROOT,
      timeoutMs: 120_000,
    });
    if (pack.code !== 0) throw new Error(`pnpm pack of ${name} failed: ${pack.stderr}`);
  }
  const tarballs = readdirSync(packed).filter((f) => f.endsWith('.tgz'));
  if (tarballs.length !== 3) throw new Error(`expected 3 tarballs in ${packed}: ${tarballs.join(', ')}`);

  app = tempDir('kubeship-npx-');
  const install = await runProcess(
    npm[0],
    ['install', '--no-audit', '--no-fund', ...tarballs.map((t) => join(packed, t))],
    {
      cwd: app,
      env: isolatedEnv(),
      timeoutMs: 300_000,
    },
  );
  installMs = install.ms;
  process.stderr.write(`[pack] npm install of the packed CLI took ${(installMs / 1000).toFixed(1)} s\n`);
  if (install.code !== 0) throw new Error(`npm install failed (${install.code}): ${install.stderr}`);
}, 480_000);

afterAll(removeTempDirs);

describe('the packed CLI, installed with npm into an empty directory', () => {
  it('installs in reasonable time (at most 3 minutes) without the workspace', () => {
    expect(installMs).toBeLessThan(180_000);
    const installed = join(app, 'node_modules', '@kubeship', 'codebuild-runner');
    expect(readdirSync(installed).sort()).toEqual(['dist', 'package.json']);
    // core and manifests come along for their types (the CLI's code is bundled); never the testbed
    expect(readdirSync(join(app, 'node_modules', '@kubeship')).sort()).toEqual([
      'codebuild-runner',
      'core',
      'manifests',
    ]);
    expect(readFileSync(join(installed, 'dist', 'bin.js'), 'utf8')).not.toContain('/work/');
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

  it('the published types check a kubeship.config.ts (a wrong field type is an error)', async () => {
    const project = join(app, 'typed');
    mkdirSync(project);
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
  });
});
