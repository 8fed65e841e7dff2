// The Lambda alternative built the way the README says a team builds it in its own repository: this
// directory copied out of the monorepo, the workspace dependencies replaced with npm's (here the
// packed @kubeship/core and @kubeship/manifests tarballs stand in for the registry's), `npm install`,
// `npm run build:lambda`; the bundle is then imported by a bare Node, as the Lambda runtime would.
import { copyFileSync, existsSync, mkdirSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { delimiter, dirname, join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { describe, expect, it } from 'vitest';
import { buildPublishedPackages } from '../../../packages/codebuild-runner/test/integration/_cli.ts';
import { checkPackages } from '../../../scripts/check-packages.ts';
import { exampleDir, expectExit, removeTemps, runProcess, tempDir } from './_helpers.ts';

const nodeDir = dirname(process.execPath);
const npm = existsSync(join(nodeDir, 'npm')) ? join(nodeDir, 'npm') : 'npm';
/** The machine's environment without the workspace's: no npm_/pnpm_ variables, NODE_OPTIONS or NODE_PATH. */
const env = (): NodeJS.ProcessEnv => ({
  ...Object.fromEntries(
    Object.entries(process.env).filter(
      ([key]) => !/^(npm_|pnpm_|vitest|node_options$|node_path$|init_cwd$)/i.test(key),
    ),
  ),
  PATH: [nodeDir, ...(process.env.PATH ?? '').split(delimiter)].join(delimiter),
  npm_config_update_notifier: 'false',
  npm_config_fund: 'false',
  npm_config_audit: 'false',
});

describe('the Lambda, built outside the monorepo from the published packages', () => {
  it('npm install + npm run build:lambda, then the bundle exports the handler', async () => {
    try {
      await buildPublishedPackages();
      const packed = tempDir('packed');
      const tarballs = Object.fromEntries(
        (await checkPackages(packed)).map((result) => [result.name, result.tarball] as const),
      );
      expect(tarballs['@kubeship/core']).toBeDefined();

      // the repository: this directory's Lambda files, far from the workspace
      const repo = tempDir('own-repo');
      expect(repo.startsWith(tmpdir())).toBe(true);
      mkdirSync(join(repo, 'lambda'));
      copyFileSync(join(exampleDir, 'lambda', 'handler.ts'), join(repo, 'lambda', 'handler.ts'));
      for (const file of ['kubeship.config.ts', 'package.json'])
        copyFileSync(join(exampleDir, file), join(repo, file));
      // The README's steps; the tarballs stand in for `^0.1.0` from the registry.
      const steps: string[][] = [
        ['pkg', 'delete', 'devDependencies'],
        ['pkg', 'set', `dependencies.@kubeship/core=file:${tarballs['@kubeship/core']}`],
        ['pkg', 'set', `dependencies.@kubeship/manifests=file:${tarballs['@kubeship/manifests']}`],
        ['install', '--no-audit', '--no-fund'],
        ['install', '--no-audit', '--no-fund', '-D', 'esbuild@^0.28'],
        ['run', 'build:lambda'],
      ];
      for (const step of steps) {
        expectExit(
          await runProcess(npm, step, { cwd: repo, env: env(), timeoutMs: 300_000 }),
          0,
          `npm ${step.join(' ')}`,
        );
      }
      expect(readdirSync(join(repo, 'node_modules', '@kubeship')).sort()).toEqual(['core', 'manifests']);
      const bundle = join(repo, 'dist', 'lambda', 'index.mjs');
      const check = await runProcess(
        process.execPath,
        [
          '--input-type=module',
          '-e',
          `const m = await import(${JSON.stringify(pathToFileURL(bundle).href)}); console.log(typeof m.handler);`,
        ],
        { cwd: tmpdir(), env: { PATH: process.env.PATH ?? '' }, timeoutMs: 60_000 },
      );
      expectExit(check, 0, 'importing the bundle');
      expect(check.stdout.trim()).toBe('function');
    } finally {
      removeTemps();
    }
  }, 600_000);
});
